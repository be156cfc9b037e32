/**
 * The exact text of every generated DDL and DML statement (spec §6): the same generator
 * produces the DDL applied to ctldb (with the ctldb adapter's {@linkcode ColumnTypes}) and the
 * statements written to the ledger (with {@linkcode LEDGER_COLUMN_TYPES}). Table names are
 * emitted unquoted and column names double-quoted; both must already be validated (see
 * `names.ts`), so neither can contain a quote. Values must already be checked against their
 * column types (see `field_values.ts`).
 *
 * @module
 */

import type { ColumnTypes, FieldType } from "./field_types.ts";
import { sqlLiteral, type SqlValue } from "./sql_literal.ts";

/**
 * A column of a family table: its normalized name and field type.
 *
 * @example A field
 * ```ts
 * import type { FieldDef } from "./sql_gen.ts";
 *
 * const id: FieldDef = { name: "id", type: "integer" };
 * ```
 */
export interface FieldDef {
  /** Normalized field name. */
  name: string;
  /** Field type. */
  type: FieldType;
}

/**
 * The ledger statement that opens a multi-statement transaction.
 *
 * @example Recognize a marker
 * ```ts
 * import { LEDGER_BEGIN } from "./sql_gen.ts";
 *
 * console.log("--- BEGIN" === LEDGER_BEGIN); // true
 * ```
 */
export const LEDGER_BEGIN = "--- BEGIN";

/**
 * The ledger statement that commits a multi-statement transaction.
 *
 * @example Recognize a marker
 * ```ts
 * import { LEDGER_COMMIT } from "./sql_gen.ts";
 *
 * console.log("--- COMMIT" === LEDGER_COMMIT); // true
 * ```
 */
export const LEDGER_COMMIT = "--- COMMIT";

/**
 * Quotes an SQL identifier the standard way (double quotes, inner `"` doubled), which SQLite,
 * PostgreSQL and MySQL in `ANSI_QUOTES` mode all read. The one quoting rule of the project.
 *
 * @param name The identifier.
 * @returns The quoted identifier.
 *
 * @example Quote a column name
 * ```ts
 * import { quoteIdentifier } from "./sql_gen.ts";
 *
 * console.log(quoteIdentifier('odd"name')); // "odd""name"
 * ```
 */
export function quoteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

const quoteColumn = quoteIdentifier;

/**
 * `CREATE TABLE <t> ("f1" T1, "f2" T2, PRIMARY KEY("k1","k2"));` with columns in the given order
 * and the key in `keyFields` order.
 *
 * @param types Column type names: {@linkcode LEDGER_COLUMN_TYPES} for the ledger, the ctldb
 *   adapter's `columnTypes` for ctldb.
 * @param table Physical table name (`family___table`).
 * @param fields The columns, in request order.
 * @param keyFields Primary-key column names, in key order.
 * @returns The statement, trailing `;` included.
 *
 * @example The ledger DDL of a table
 * ```ts
 * import { LEDGER_COLUMN_TYPES } from "./field_types.ts";
 * import { createTableSql } from "./sql_gen.ts";
 *
 * const sql = createTableSql(LEDGER_COLUMN_TYPES, "myfamily___mytable", [
 *   { name: "id", type: "integer" },
 *   { name: "name", type: "string" },
 * ], ["id"]);
 * // CREATE TABLE myfamily___mytable ("id" INTEGER, "name" VARCHAR(191), PRIMARY KEY("id"));
 * ```
 */
export function createTableSql(
  types: ColumnTypes,
  table: string,
  fields: FieldDef[],
  keyFields: string[],
): string {
  const columns = fields.map((f) => `${quoteColumn(f.name)} ${types[f.type]}`);
  columns.push(`PRIMARY KEY(${keyFields.map(quoteColumn).join(",")})`);
  return `CREATE TABLE ${table} (${columns.join(", ")});`;
}

/**
 * `ALTER TABLE <t> ADD COLUMN "<f>" <T>` (no trailing `;`).
 *
 * @param types Column type names (the ledger's or the ctldb adapter's).
 * @param table Physical table name.
 * @param field The new column.
 * @returns The statement.
 *
 * @example Add a column in the ledger
 * ```ts
 * import { LEDGER_COLUMN_TYPES } from "./field_types.ts";
 * import { addColumnSql } from "./sql_gen.ts";
 *
 * console.log(addColumnSql(LEDGER_COLUMN_TYPES, "a___b", { name: "n", type: "integer" }));
 * // ALTER TABLE a___b ADD COLUMN "n" INTEGER
 * ```
 */
export function addColumnSql(types: ColumnTypes, table: string, field: FieldDef): string {
  return `ALTER TABLE ${table} ADD COLUMN ${quoteColumn(field.name)} ${types[field.type]}`;
}

/**
 * `REPLACE INTO <t> ("f1","f2") VALUES(v1,v2)` for every column of the table in table column
 * order.
 *
 * @param table Physical table name.
 * @param columns Column names, in table column order.
 * @param values One value per column, in the same order.
 * @returns The statement.
 * @throws {RangeError} When the two lists differ in length.
 *
 * @example Upsert a row
 * ```ts
 * import { upsertSql } from "./sql_gen.ts";
 *
 * console.log(upsertSql("a___b", ["id", "name"], [1, "it's"]));
 * // REPLACE INTO a___b ("id","name") VALUES(1,'it''s')
 * ```
 */
export function upsertSql(table: string, columns: string[], values: SqlValue[]): string {
  if (columns.length !== values.length) {
    throw new RangeError(
      `upsert of ${table}: ${columns.length} columns but ${values.length} values`,
    );
  }
  return `REPLACE INTO ${table} (${columns.map(quoteColumn).join(",")}) VALUES(${
    values.map(sqlLiteral).join(",")
  })`;
}

/**
 * `DELETE FROM <t> WHERE "k1" = v1 AND "k2" = v2` with key columns in table column order.
 *
 * @param table Physical table name.
 * @param keyColumns Key column names, in table column order.
 * @param values One value per key column, in the same order.
 * @returns The statement.
 * @throws {RangeError} When the two lists differ in length.
 *
 * @example Delete a row
 * ```ts
 * import { deleteRowSql } from "./sql_gen.ts";
 *
 * console.log(deleteRowSql("a___b", ["id"], [2])); // DELETE FROM a___b WHERE "id" = 2
 * ```
 */
export function deleteRowSql(table: string, keyColumns: string[], values: SqlValue[]): string {
  if (keyColumns.length !== values.length) {
    throw new RangeError(
      `delete from ${table}: ${keyColumns.length} key columns but ${values.length} values`,
    );
  }
  const conditions = keyColumns.map((c, i) => `${quoteColumn(c)} = ${sqlLiteral(values[i]!)}`);
  return `DELETE FROM ${table} WHERE ${conditions.join(" AND ")}`;
}

/**
 * `DELETE FROM <t>`: removes every row of a table.
 *
 * @param table Physical table name.
 * @returns The statement.
 *
 * @example Clear a table
 * ```ts
 * import { clearTableSql } from "./sql_gen.ts";
 *
 * console.log(clearTableSql("a___b")); // DELETE FROM a___b
 * ```
 */
export function clearTableSql(table: string): string {
  return `DELETE FROM ${table}`;
}

/**
 * `DROP TABLE IF EXISTS <t>`.
 *
 * @param table Physical table name.
 * @returns The statement.
 *
 * @example Drop a table
 * ```ts
 * import { dropTableSql } from "./sql_gen.ts";
 *
 * console.log(dropTableSql("a___b")); // DROP TABLE IF EXISTS a___b
 * ```
 */
export function dropTableSql(table: string): string {
  return `DROP TABLE IF EXISTS ${table}`;
}
