/**
 * The value types of the reader API: rows, key parts, and table descriptions.
 *
 * @module
 */
import type { ChangeOp } from "../ldb/mod.ts";
import type { FieldType } from "../schema/mod.ts";

export type { ChangeOp };

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

/**
 * One entry of the LDB's change history: a changed row, or a table-wide event.
 *
 * Entries come in ledger order. The entries of one ledger transaction share `tx` and always
 * arrive together (a page never ends inside a transaction), so a consumer can apply a
 * transaction as a whole.
 *
 * @example Keep a cache of one table up to date
 * ```ts
 * import { type Change, Reader } from "@ctlstore/ctlstore";
 *
 * const reader = Reader.open();
 * const cache = new Map<string, unknown>();
 * function apply(change: Change) {
 *   if (change.op === "upsert") {
 *     const row = reader.getRowByKey("accounts", "users", Object.values(change.key) as never);
 *     cache.set(JSON.stringify(change.key), row);
 *   } else if (change.op === "delete") {
 *     cache.delete(JSON.stringify(change.key));
 *   } else {
 *     cache.clear(); // clear, drop, schema: re-read the table
 *   }
 * }
 * ```
 */
export interface Change {
  /** The ledger seq of the statement that made the change. */
  readonly seq: number;
  /** The ledger transaction: the seq of its `--- BEGIN`, or `seq` for a lone statement. */
  readonly tx: number;
  /** Family name. */
  readonly family: string;
  /** Table name. */
  readonly table: string;
  /** What changed. */
  readonly op: ChangeOp;
  /**
   * The primary key of the changed row, column name to value in primary-key order (values as
   * {@linkcode Row} has them: `bigint` beyond ±(2^53 − 1), `Uint8Array` for binary columns);
   * empty for `clear`, `drop` and `schema`.
   */
  readonly key: Row;
  /** When the executive wrote the statement (the ledger's leader timestamp). */
  readonly time: Date;
}

/**
 * An answer of {@linkcode Reader.getChanges}.
 *
 * @example Page through the history
 * ```ts
 * import { Reader } from "@ctlstore/ctlstore";
 *
 * const reader = Reader.open();
 * let after = 0;
 * for (;;) {
 *   const page = reader.getChanges({ after, limit: 500 });
 *   for (const change of page.changes) console.log(change.seq, change.op, change.key);
 *   after = page.lastSeq;
 *   if (!page.more) break;
 * }
 * ```
 */
export interface ChangePage {
  /** Matching entries with `seq > after`, in ledger order. */
  readonly changes: readonly Change[];
  /**
   * Where to continue (`after` of the next call): the LDB's applied seq when the answer is
   * complete, or the seq of the last entry when `limit` cut it short. A filter that matched
   * nothing still advances.
   */
  readonly lastSeq: number;
  /** `limit` cut the answer short: ask again at once from `lastSeq`. */
  readonly more: boolean;
}

/**
 * Which changes to read: the filters every change API shares.
 *
 * @example Only the changes of one table
 * ```ts
 * import type { ChangeFilter } from "@ctlstore/ctlstore";
 *
 * const filter: ChangeFilter = { family: "accounts", table: "users" };
 * ```
 */
export interface ChangeFilter {
  /** Only this family (validated and lower-cased). */
  readonly family?: string;
  /** Only tables of this name (validated and lower-cased). */
  readonly table?: string;
}

/**
 * Options of {@linkcode Reader.getChanges}.
 *
 * @example
 * ```ts
 * import type { GetChangesOptions } from "@ctlstore/ctlstore";
 *
 * const options: GetChangesOptions = { after: 1200, family: "accounts", limit: 100 };
 * ```
 */
export interface GetChangesOptions extends ChangeFilter {
  /** Entries with a seq above this. */
  readonly after: number;
  /**
   * Most entries returned (default 1000). A page never ends inside a ledger transaction, so
   * it can hold more when a transaction is larger.
   */
  readonly limit?: number;
}

/**
 * Options of {@linkcode Reader.watch}.
 *
 * @example
 * ```ts
 * import type { WatchOptions } from "@ctlstore/ctlstore";
 *
 * const options: WatchOptions = { after: 1200, table: "users", signal: AbortSignal.timeout(60_000) };
 * ```
 */
export interface WatchOptions extends ChangeFilter {
  /** Yield entries with a seq above this (default: the applied seq now, i.e. new changes). */
  readonly after?: number;
  /** Ends the iteration (cleanly, without an error) when aborted. */
  readonly signal?: AbortSignal;
}

/**
 * Options of {@linkcode Reader.waitForSequence}.
 *
 * @example
 * ```ts
 * import type { WaitForSequenceOptions } from "@ctlstore/ctlstore";
 *
 * const options: WaitForSequenceOptions = { timeoutMs: 5000 };
 * ```
 */
export interface WaitForSequenceOptions {
  /** Give up after this many milliseconds (default 30 000; `Infinity`: never). */
  readonly timeoutMs?: number;
  /** Stops waiting when aborted; the promise rejects with the signal's reason. */
  readonly signal?: AbortSignal;
}
