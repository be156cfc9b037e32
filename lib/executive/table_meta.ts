/**
 * A short-lived cache of family-table columns for the mutation path. Reading
 * `information_schema.columns` costs more than the rest of a single-row mutation together, so
 * columns are kept for at most {@linkcode TABLE_META_TTL_MS}; this executive's own schema
 * changes drop the entry at once.
 *
 * A schema change made by another executive shows up within the TTL. Staleness cannot make
 * ctldb and the ledger diverge, because ctldb executes the statements that go to the ledger
 * (consecutive upserts of a table merged into one multi-row `REPLACE`, which applies them in
 * the same order): a statement built from stale columns either fails on ctldb (and the entry
 * is dropped) or applies identically everywhere. It can only let an upsert omit a column added
 * less than a TTL ago by another process; a value for such a column makes the mutation path
 * read the columns again rather than reject it as unknown.
 *
 * @module
 */
import type { ColumnInfo, Ctldb } from "../ctldb/mod.ts";

/** How long columns are reused, in milliseconds. */
export const TABLE_META_TTL_MS = 1000;

interface Entry {
  columns: ColumnInfo[];
  expires: number;
}

/**
 * Cached `ctldb.tableColumns`.
 *
 * @example
 * ```ts
 * const cache = new TableMetaCache(ctldb);
 * const columns = await cache.get(["myfamily___mytable"]);
 * cache.invalidate("myfamily___mytable");
 * ```
 */
export class TableMetaCache {
  readonly #db: Ctldb;
  readonly #now: () => number;
  #entries = new Map<string, Entry>();

  /**
   * @param db The ctldb to read columns from.
   * @param now Monotonic-enough clock in milliseconds.
   */
  constructor(db: Ctldb, now: () => number = () => performance.now()) {
    this.#db = db;
    this.#now = now;
  }

  /** Columns of the named physical tables; tables that do not exist are absent. */
  async get(tables: string[]): Promise<Map<string, ColumnInfo[]>> {
    const now = this.#now();
    const found = new Map<string, ColumnInfo[]>();
    const missing: string[] = [];
    for (const table of tables) {
      const entry = this.#entries.get(table);
      if (entry && entry.expires > now) found.set(table, entry.columns);
      else missing.push(table);
    }
    if (missing.length === 0) return found;
    const fresh = await this.#db.tableColumns(missing);
    for (const [table, columns] of fresh) {
      this.#entries.set(table, { columns, expires: now + TABLE_META_TTL_MS });
      found.set(table, columns);
    }
    return found;
  }

  /** Forgets one table's columns, or every table's. */
  invalidate(table?: string): void {
    if (table === undefined) this.#entries.clear();
    else this.#entries.delete(table);
  }
}
