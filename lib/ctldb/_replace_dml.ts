/**
 * Family-table DML for databases that have `REPLACE INTO` (MySQL, SQLite): the ledger's own
 * statement text (`lib/schema`), so ctldb applies exactly what the ledger records. Consecutive
 * upserts of one table become one multi-row `REPLACE`, which applies its rows in order, as the
 * separate statements would.
 *
 * @module
 */
import {
  deleteRowSql,
  quoteIdentifier,
  sqlLiteral,
  type SqlValue,
  upsertSql,
} from "../schema/mod.ts";

/**
 * `REPLACE INTO t ("a","b") VALUES(1,'x'),(2,'y')`: the ledger text of the first row with the
 * other rows' values appended.
 *
 * @throws {RangeError} When there are no rows or a row has the wrong number of values.
 *
 * @example
 * ```ts
 * import { replaceRowsSql } from "./_replace_dml.ts";
 *
 * replaceRowsSql("f___t", ["id", "v"], [[1, "a"], [2, "b"]]);
 * // REPLACE INTO f___t ("id","v") VALUES(1,'a'),(2,'b')
 * ```
 */
export function replaceRowsSql(
  table: string,
  columns: readonly string[],
  rows: readonly (readonly SqlValue[])[],
): string {
  const [first, ...rest] = rows;
  if (first === undefined) throw new RangeError(`upsert of ${table}: no rows`);
  let sql = upsertSql(table, [...columns], [...first]);
  for (const row of rest) {
    if (row.length !== columns.length) {
      throw new RangeError(
        `upsert of ${table}: ${columns.length} columns but ${row.length} values`,
      );
    }
    sql += `,(${row.map(sqlLiteral).join(",")})`;
  }
  return sql;
}

/**
 * The ledger's `DELETE FROM t WHERE "k" = v` text.
 *
 * @example
 * ```ts
 * import { replaceDeleteSql } from "./_replace_dml.ts";
 *
 * replaceDeleteSql("f___t", ["id"], [2]); // DELETE FROM f___t WHERE "id" = 2
 * ```
 */
export function replaceDeleteSql(
  table: string,
  keyColumns: readonly string[],
  values: readonly SqlValue[],
): string {
  return deleteRowSql(table, [...keyColumns], [...values]);
}

/**
 * `REPLACE INTO t ("a","b") VALUES (?, ?)`: one row with placeholders.
 *
 * @example
 * ```ts
 * import { replaceOneSql } from "./_replace_dml.ts";
 *
 * replaceOneSql("max_writer_rates", ["writer_name", "max_rows_per_minute"]);
 * // REPLACE INTO "max_writer_rates" ("writer_name","max_rows_per_minute") VALUES (?, ?)
 * ```
 */
export function replaceOneSql(table: string, columns: readonly string[]): string {
  return `REPLACE INTO ${quoteIdentifier(table)} (${columns.map(quoteIdentifier).join(",")}) ` +
    `VALUES (${columns.map(() => "?").join(", ")})`;
}
