/**
 * Pages of a table's rows in key order, for the table view: the rows with a key prefix (or all),
 * after the last key of the previous page, at most `limit` at a time. Each page is one bounded
 * query on the primary key's index (`WHERE k1 = ? AND (k1, k2) > (?, ?) ORDER BY k1, k2 LIMIT n`),
 * so the hundredth page costs what the first does and no request scans the table. Integers are
 * read as `bigint` (exact), blobs as bytes.
 *
 * @module
 */
import type { DatabaseSync, SQLInputValue } from "node:sqlite";
import type { TableInfo } from "../reader/mod.ts";
import { quoteIdentifier } from "../schema/mod.ts";
import type { KeyValue } from "./keys.ts";

/** One page of rows. */
export interface RowPage {
  /** The rows, as arrays in `info.columns` order. */
  readonly rows: unknown[][];
  /** The key of the last row when more rows follow (the next page's `after`). */
  readonly next: unknown[] | undefined;
}

/** Options of {@linkcode readRowPage}. */
export interface RowPageOptions {
  /** Leading key parts every row must have (none: the whole table). */
  prefix: readonly KeyValue[];
  /** Start after this full key (none: from the first row). */
  after?: readonly KeyValue[] | undefined;
  /** Most rows in the page. */
  limit: number;
}

/**
 * Reads one page.
 *
 * @param db A read-only connection to the LDB.
 * @param info The table (columns and key columns, from the reader).
 * @param options Prefix, cursor and page size.
 * @throws {RangeError} When the prefix is longer than the key or the cursor is not a full key.
 * @throws {Error} SQLite's error when the table changed under the query.
 * @example
 * ```ts
 * const page = readRowPage(db, reader.tableInfo("demo", "users"), { prefix: [], limit: 50 });
 * const next = page.next && readRowPage(db, info, { prefix: [], after: page.next, limit: 50 });
 * ```
 */
export function readRowPage(db: DatabaseSync, info: TableInfo, options: RowPageOptions): RowPage {
  const { prefix, after, limit } = options;
  const keys = info.keyColumns.map((c) => quoteIdentifier(c.name));
  if (prefix.length > keys.length) {
    throw new RangeError(`a prefix of ${prefix.length} parts for a key of ${keys.length}`);
  }
  if (after && after.length !== keys.length) {
    throw new RangeError(`a cursor of ${after.length} parts for a key of ${keys.length}`);
  }
  const terms = prefix.map((_, i) => `${keys[i]} = ?`);
  const values: SQLInputValue[] = [...prefix];
  if (after) {
    terms.push(`(${keys.join(", ")}) > (${keys.map(() => "?").join(", ")})`);
    values.push(...after);
  }
  const columns = info.columns.map((c) => quoteIdentifier(c.name)).join(", ");
  const where = terms.length > 0 ? ` WHERE ${terms.join(" AND ")}` : "";
  const sql = `SELECT ${columns} FROM ${quoteIdentifier(info.ldbTable)}${where} ` +
    `ORDER BY ${keys.join(", ")} LIMIT ?`;
  // `setReturnArrays` (Node 22.16+, Deno 2.3+) is missing from the bundled type declarations;
  // arrays keep columns whatever their names (`__proto__` included).
  const statement = db.prepare(sql) as ReturnType<DatabaseSync["prepare"]> & {
    setReturnArrays(on: boolean): void;
  };
  statement.setReturnArrays(true);
  statement.setReadBigInts(true);
  const rows = statement.all(...values, limit + 1) as unknown as unknown[][];
  const more = rows.length > limit;
  if (more) rows.length = limit;
  const keyIndexes = info.keyColumns.map((k) => info.columns.findIndex((c) => c.name === k.name));
  const last = rows[rows.length - 1];
  return { rows, next: more && last ? keyIndexes.map((i) => last[i]) : undefined };
}
