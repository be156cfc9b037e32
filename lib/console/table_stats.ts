/**
 * Row counts and sizes of the LDB's tables, for the families pages, without a full scan in any
 * request. Counting a table is a scan, so it runs in the background, in slices of
 * {@linkcode SLICE_ROWS} rowids with a pause between them (the event loop keeps serving pages,
 * and no statement holds a read snapshot for long), and is cached with the seq it was taken at.
 * A count is refreshed when the LDB has moved on and the count is older than
 * {@linkcode REFRESH_MS}. Sizes are the pages of the table and its indexes (SQLite's `dbstat`),
 * taken with the count. A page waits a short, bounded time for counts not yet known and shows
 * "counting…" for the rest.
 *
 * Slices are separate statements, so a count taken while the table changes is an estimate (a
 * row rewritten during the count may be counted twice); the pages say when it was taken.
 *
 * @module
 */
import type { DatabaseSync } from "node:sqlite";
import { sleep } from "../backoff.ts";
import { getLdbSeq } from "../ldb/mod.ts";
import { quoteIdentifier } from "../schema/mod.ts";
import type { TableRef } from "./ldb_source.ts";

/** Rowids counted per slice. */
export const SLICE_ROWS = 20_000;

/** A count older than this is taken again once the LDB has changed. */
export const REFRESH_MS = 60_000;

/** What is known of one table's size. */
export interface TableStat {
  /** Rows. */
  readonly rows: number;
  /** Bytes of the table's and its indexes' pages, when SQLite reports them. */
  readonly bytes: number | undefined;
  /** The LDB's applied seq when the count started. */
  readonly seq: number;
  /** When the count finished (epoch milliseconds). */
  readonly at: number;
}

const ROWID_NAMES = ["rowid", "_rowid_", "oid"];

/**
 * Background counts of the tables of one LDB connection.
 *
 * @example
 * ```ts
 * const stats = new TableStats(() => ldb.db());
 * await stats.settle(ldb.tables(), 50);
 * console.log(stats.get("demo___users")?.rows);
 * ```
 */
export class TableStats {
  readonly #db: () => DatabaseSync;
  readonly #known = new Map<string, TableStat>();
  readonly #queue = new Map<string, TableRef>();
  readonly #stopped = new AbortController();
  #running: Promise<void> | undefined;

  /** @param db The connection to count on (the console's read-only one). */
  constructor(db: () => DatabaseSync) {
    this.#db = db;
  }

  /** The last count of a table, if any. */
  get(ldbTable: string): TableStat | undefined {
    return this.#known.get(ldbTable);
  }

  /**
   * Queues a count of each table not known or stale, then waits at most `budgetMs` for them.
   *
   * @returns Once the counts are done or the budget is spent.
   */
  async settle(tables: readonly TableRef[], budgetMs: number): Promise<void> {
    const seq = getLdbSeq(this.#db());
    for (const table of tables) {
      const known = this.#known.get(table.ldbTable);
      const stale = known && known.seq !== seq && Date.now() - known.at > REFRESH_MS;
      if (!known || stale) this.#queue.set(table.ldbTable, table);
    }
    if (this.#queue.size === 0) return;
    this.#running ??= this.#drain().finally(() => this.#running = undefined);
    await Promise.race([this.#running, sleep(budgetMs, this.#stopped.signal)]);
  }

  /** Stops counting (the console is stopping); waits for the slice in progress. */
  async close(): Promise<void> {
    this.#stopped.abort();
    await this.#running;
  }

  async #drain(): Promise<void> {
    while (this.#queue.size > 0 && !this.#stopped.signal.aborted) {
      const [name, table] = this.#queue.entries().next().value!;
      this.#queue.delete(name);
      try {
        const stat = await this.#count(table);
        if (stat) this.#known.set(name, stat);
      } catch {
        // The table was dropped or changed while counting: forget it; the next page asks again.
        this.#known.delete(name);
      }
    }
  }

  async #count(table: TableRef): Promise<TableStat | undefined> {
    const db = this.#db();
    const seq = getLdbSeq(db);
    const quoted = quoteIdentifier(table.ldbTable);
    const columns = db.prepare(`SELECT name FROM pragma_table_info(?)`).all(table.ldbTable) as {
      name: string;
    }[];
    const taken = new Set(columns.map((c) => c.name.toLowerCase()));
    const rowid = ROWID_NAMES.find((name) => !taken.has(name));
    let rows = 0;
    if (rowid === undefined) {
      rows = Number((db.prepare(`SELECT count(*) AS n FROM ${quoted}`).get() as { n: number }).n);
    } else {
      const inner = `SELECT ${rowid} FROM ${quoted}`;
      const order = `ORDER BY ${rowid} LIMIT ${SLICE_ROWS}`;
      const outer = `SELECT count(*) AS n, max(${rowid}) AS last FROM`;
      const first = db.prepare(`${outer} (${inner} ${order})`);
      const next = db.prepare(`${outer} (${inner} WHERE ${rowid} > ? ${order})`);
      first.setReadBigInts(true);
      next.setReadBigInts(true);
      let slice = first.get() as { n: bigint; last: bigint | null };
      for (;;) {
        rows += Number(slice.n);
        if (slice.n < BigInt(SLICE_ROWS) || slice.last === null) break;
        await sleep(1, this.#stopped.signal);
        if (this.#stopped.signal.aborted) return undefined;
        slice = next.get(slice.last) as { n: bigint; last: bigint | null };
      }
    }
    return { rows, bytes: tableBytes(db, table.ldbTable), seq, at: Date.now() };
  }
}

/** Bytes of the pages of a table and its indexes; `undefined` without `dbstat`. */
function tableBytes(db: DatabaseSync, ldbTable: string): number | undefined {
  try {
    const row = db.prepare(
      "SELECT sum(pgsize) AS bytes FROM dbstat WHERE aggregate = TRUE AND name IN " +
        "(SELECT name FROM sqlite_master WHERE tbl_name = ?)",
    ).get(ldbTable) as { bytes: number | null };
    return row.bytes ?? 0;
  } catch {
    return undefined;
  }
}
