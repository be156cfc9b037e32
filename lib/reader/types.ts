/**
 * The value types of the reader API: rows, key parts, and table descriptions.
 *
 * @module
 */
import type { FieldType } from "../schema/mod.ts";

/**
 * One row of a family table: column name to value. INTEGER values are numbers, or `bigint`
 * beyond ±(2^53 − 1); REAL values are numbers; TEXT values are strings; NULL is `null`; BLOB
 * values are `Uint8Array` in columns declared `BLOB…`/`VARBINARY…` and strings elsewhere.
 *
 * @example Read a column
 * ```ts
 * import { Reader, type Row } from "@ctlstore/ctlstore";
 *
 * const row: Row | undefined = Reader.open().getRowByKey("accounts", "users", 42);
 * console.log(row?.name);
 * ```
 */
export type Row = Record<string, unknown>;

/**
 * One part of a primary key. A string is turned into UTF-8 bytes for a binary key column;
 * `true`/`false` are bound as 1/0; `null` matches nothing.
 *
 * @example A composite key
 * ```ts
 * import type { KeyPart } from "@ctlstore/ctlstore";
 *
 * const key: KeyPart[] = ["tenant-1", 42n];
 * ```
 */
export type KeyPart = string | number | bigint | boolean | null | Uint8Array;

/**
 * The key parts of a lookup: given as separate arguments, or as one array.
 *
 * @example Both forms
 * ```ts
 * import { type KeyArgs, Reader } from "@ctlstore/ctlstore";
 *
 * const key: KeyArgs = [["tenant-1", 42]];
 * Reader.open().getRowByKey("accounts", "users", ...key);
 * Reader.open().getRowByKey("accounts", "users", "tenant-1", 42);
 * ```
 */
export type KeyArgs = KeyPart[] | [readonly KeyPart[]];

/**
 * One column of a family table as the LDB declares it.
 *
 * @example Find the blob columns
 * ```ts
 * import { Reader } from "@ctlstore/ctlstore";
 *
 * const info = Reader.open().tableInfo("accounts", "users");
 * console.log(info.columns.filter((c) => c.isBlob).map((c) => c.name));
 * ```
 */
export interface ColumnInfo {
  /** Column name. */
  readonly name: string;
  /** Declared type text, e.g. `VARCHAR(191)`, `BLOB(255)`. */
  readonly declaredType: string;
  /** The ctlstore field type the declared type maps to, when it maps to one. */
  readonly fieldType: FieldType | undefined;
  /** Whether BLOB values of the column are returned as bytes (declared `BLOB…`/`VARBINARY…`). */
  readonly isBlob: boolean;
}

/**
 * A key column: a column whose declared type maps to a field type.
 *
 * @example List key column types
 * ```ts
 * import { Reader } from "@ctlstore/ctlstore";
 *
 * for (const key of Reader.open().tableInfo("accounts", "users").keyColumns) {
 *   console.log(key.name, key.fieldType);
 * }
 * ```
 */
export interface KeyColumnInfo extends ColumnInfo {
  /** The ctlstore field type of the key column. */
  readonly fieldType: FieldType;
}

/**
 * A family table as the reader sees it.
 *
 * @example Describe a table
 * ```ts
 * import { Reader } from "@ctlstore/ctlstore";
 *
 * const info = Reader.open().tableInfo("Accounts", "Users");
 * console.log(info.ldbTable); // accounts___users
 * ```
 */
export interface TableInfo {
  /** Normalized family name. */
  readonly family: string;
  /** Normalized table name. */
  readonly table: string;
  /** Physical table name, `<family>___<table>`. */
  readonly ldbTable: string;
  /** Every column, in table order. */
  readonly columns: readonly ColumnInfo[];
  /** The primary-key columns, in key order. */
  readonly keyColumns: readonly KeyColumnInfo[];
}
