/**
 * Whole-table scans read in pages: `SELECT … ORDER BY rowid LIMIT n`, then `… AND rowid > <last>`,
 * all in one snapshot held by a pin (a statement left open on the connection, which keeps its
 * read transaction). The rows come in the same order as a plain table scan (rowid order), but
 * `node:sqlite` reads a page with `all()`, which reports a failing step (its `iterate()` ends
 * silently) and costs a third of the time and garbage per row. Prefix scans keep their index
 * order and read with `iterate()` (see `_rows.ts`). Private to the reader.
 *
 * @module
 */
import type { DatabaseSync, StatementSync } from "node:sqlite";
import { quoteIdentifier } from "../schema/mod.ts";
import { fromWhere, prepareQuery, type Query, type TableEntry } from "./_table.ts";

/** Rows per page: enough to make the per-query cost negligible, few enough to stay small. */
export const PAGE_ROWS = 256;

/** The names SQLite gives the rowid; a column may take one of them. */
const ROWID_NAMES = ["rowid", "_rowid_", "oid"];

/** The queries of a paged scan: the first page, and the page after a rowid. */
export interface PageQueries {
  readonly first: Query;
  readonly after: Query;
}

/**
 * Prepares the page queries of a table; `undefined` when the table cannot be paged by rowid
 * (a `WITHOUT ROWID` table, or columns named like every rowid alias).
 */
export function preparePages(db: DatabaseSync, entry: TableEntry): PageQueries | undefined {
  const taken = new Set(entry.info.columns.map((c) => c.name.toLowerCase()));
  const rowid = ROWID_NAMES.find((name) => !taken.has(name));
  if (rowid === undefined) return undefined;
  const columns = entry.info.columns.map((c) => quoteIdentifier(c.name)).join(", ");
  const select = `SELECT ${columns}, ${rowid} ${fromWhere(entry, 0)}`;
  const order = `ORDER BY ${rowid} LIMIT ${PAGE_ROWS}`;
  try {
    return {
      first: prepareQuery(db, `${select} ${order}`, true),
      after: prepareQuery(db, `${select} AND ${rowid} > ? ${order}`, true),
    };
  } catch {
    // A table without a rowid: it is scanned the other way.
    return undefined;
  }
}

/**
 * Keeps one snapshot of a connection while paged scans run: the first scan steps a statement
 * and leaves it open (a connection's read transaction lasts while any statement is open), the
 * last one to finish resets it.
 */
export class SnapshotPin {
  readonly #statement: StatementSync;
  #open: Iterator<unknown> | undefined;
  #users = 0;

  constructor(db: DatabaseSync) {
    // It must read a table to open a read transaction; an LDB's schema is never empty.
    this.#statement = db.prepare("SELECT 1 FROM sqlite_master");
  }

  acquire(): void {
    if (this.#users++ > 0) return;
    this.#open = this.#statement.iterate();
    this.#open.next();
  }

  release(): void {
    if (--this.#users > 0) return;
    this.#open?.return?.();
    this.#open = undefined;
  }
}

/**
 * The raw rows of a table, page by page, in rowid order and one snapshot. Each row's last
 * element is its rowid (not part of the row: `prepareQuery`'s scan flag drops it).
 */
export function* pages(pin: SnapshotPin, queries: PageQueries): Generator<unknown[][]> {
  pin.acquire();
  try {
    let page = queries.first.statement.all() as unknown as unknown[][];
    while (page.length > 0) {
      yield page;
      if (page.length < PAGE_ROWS) return;
      const last = page[page.length - 1]!;
      page = queries.after.statement.all(last[last.length - 1] as bigint) as unknown as unknown[][];
    }
  } finally {
    pin.release();
  }
}
