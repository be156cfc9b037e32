/**
 * The six ctlstore field types, their column types in the ledger and LDBs (SQLite), the reverse
 * mapping from column type text back to a field type, and which types may be primary-key
 * columns (spec §5.2, §5.3). Each ctldb adapter (`lib/ctldb`) declares its own column types in
 * the same {@linkcode ColumnTypes} shape. Value checking lives in `field_values.ts`.
 *
 * @module
 */

/**
 * A field type as named in API requests (case-sensitive).
 *
 * @example Declare a field
 * ```ts
 * import type { FieldType } from "./field_types.ts";
 *
 * const type: FieldType = "bytestring";
 * ```
 */
export type FieldType = "string" | "integer" | "decimal" | "text" | "binary" | "bytestring";

/**
 * Every field type, in the original's declaration order.
 *
 * @example List the types
 * ```ts
 * import { FIELD_TYPES } from "./field_types.ts";
 *
 * console.log(FIELD_TYPES.join(", ")); // string, integer, decimal, text, binary, bytestring
 * ```
 */
export const FIELD_TYPES: readonly FieldType[] = Object.freeze([
  "string",
  "integer",
  "decimal",
  "text",
  "binary",
  "bytestring",
]);

/**
 * The column type of each field type in one database's DDL.
 *
 * @example A database's column types
 * ```ts
 * import type { ColumnTypes } from "./field_types.ts";
 *
 * const types: ColumnTypes = {
 *   string: "VARCHAR(191)",
 *   integer: "BIGINT",
 *   decimal: "DOUBLE",
 *   text: "MEDIUMTEXT",
 *   binary: "MEDIUMBLOB",
 *   bytestring: "VARBINARY(255)",
 * };
 * ```
 */
export type ColumnTypes = Readonly<Record<FieldType, string>>;

/**
 * The column types of the DML ledger's DDL and of LDBs (SQLite), the original's spec §5.2.
 *
 * @example The ledger type of a bytestring
 * ```ts
 * import { LEDGER_COLUMN_TYPES } from "./field_types.ts";
 *
 * console.log(LEDGER_COLUMN_TYPES.bytestring); // BLOB(255)
 * ```
 */
export const LEDGER_COLUMN_TYPES: ColumnTypes = Object.freeze({
  string: "VARCHAR(191)",
  integer: "INTEGER",
  decimal: "REAL",
  text: "TEXT",
  binary: "BLOB",
  bytestring: "BLOB(255)",
});

const COLUMN_TYPES: ReadonlyMap<string, FieldType> = new Map<string, FieldType>([
  ["varchar", "string"],
  ["varchar(191)", "string"],
  ["char", "string"],
  ["character", "string"],
  ["text", "text"],
  ["mediumtext", "text"],
  ["longtext", "text"],
  ["integer", "integer"],
  ["smallint", "integer"],
  ["mediumint", "integer"],
  ["bigint", "integer"],
  ["real", "decimal"],
  ["float", "decimal"],
  ["double", "decimal"],
  ["blob", "binary"],
  ["mediumblob", "binary"],
  ["longblob", "binary"],
  ["varbinary", "bytestring"],
  ["blob(255)", "bytestring"],
]);

/**
 * Tells whether a request's type string names a field type (case-sensitive).
 *
 * @param text The type string from a request.
 * @returns `true` when `text` is one of {@linkcode FIELD_TYPES}.
 *
 * @example Check a type string
 * ```ts
 * import { isFieldType } from "./field_types.ts";
 *
 * console.log(isFieldType("integer"), isFieldType("Integer")); // true false
 * ```
 */
export function isFieldType(text: string): text is FieldType {
  return Object.hasOwn(LEDGER_COLUMN_TYPES, text);
}

/**
 * The SQLite (LDB and ledger) column type of a field type.
 *
 * @param type The field type.
 * @returns The DDL type text, e.g. `BLOB(255)`.
 *
 * @example SQLite type of an integer
 * ```ts
 * import { sqliteColumnType } from "./field_types.ts";
 *
 * console.log(sqliteColumnType("integer")); // INTEGER
 * ```
 */
export function sqliteColumnType(type: FieldType): string {
  return LEDGER_COLUMN_TYPES[type];
}

/**
 * Resolves a column type read back from a database (MySQL `information_schema.columns.data_type`
 * or SQLite `pragma_table_info.type`) to a field type, case-insensitively. Only the original's
 * list is known: `int` or `varchar(255)`, for example, are not. Adapters whose type names differ
 * (PostgreSQL) resolve their own.
 *
 * @param columnType The column type text.
 * @returns The field type, or `undefined` when the text is not in the map.
 *
 * @example Resolve column types
 * ```ts
 * import { fieldTypeOfColumn } from "./field_types.ts";
 *
 * console.log(fieldTypeOfColumn("BLOB(255)")); // bytestring
 * console.log(fieldTypeOfColumn("int")); // undefined
 * ```
 */
export function fieldTypeOfColumn(columnType: string): FieldType | undefined {
  return COLUMN_TYPES.get(columnType.toLowerCase());
}

/**
 * Tells whether columns of a field type may be part of a primary key (string, integer,
 * bytestring).
 *
 * @param type The field type.
 * @returns `true` when the type can be a key column.
 *
 * @example Key-capable types
 * ```ts
 * import { canBeKey } from "./field_types.ts";
 *
 * console.log(canBeKey("integer"), canBeKey("decimal")); // true false
 * ```
 */
export function canBeKey(type: FieldType): boolean {
  return type === "string" || type === "integer" || type === "bytestring";
}
