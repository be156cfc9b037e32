/**
 * The row reads of a reader: per-table key metadata with its prepared statements, cached per
 * connection and reloaded when a table's definition changes (spec §15.3), full-key lookups and
 * prefix iteration. Private to the reader; `Reader` documents and exposes it.
 *
 * @module
 */
import type { DatabaseSync, SQLInputValue, StatementSync } from "node:sqlite";
import { ReaderError } from "./errors.ts";
import {
  isCurrent,
  isScanEnd,
  loadTable,
  lookupSql,
  prepareDefinition,
  prepareQuery,
  prepareTableInfo,
  type Query,
  scanSql,
  type TableEntry,
  toRow,
} from "./_table.ts";
import { normalizeFamilyName } from "../schema/mod.ts";
import { checkFamilyCarried } from "./_families.ts";
import { bindable } from "./_keys.ts";
import { type PageQueries, pages, preparePages, SnapshotPin } from "./_pages.ts";
import type { KeyPart, Row, TableInfo } from "./types.ts";

/** The error text of more key parts than the table's primary key has (the original's). */
const TOO_MANY_KEY_PARTS = "too many keys supplied for table's primary key";

/** Row reads over one reader connection. */
export class RowQueries {
  readonly #db: () => DatabaseSync;
  #tables = new Map<string, Map<string, TableEntry>>();
  readonly #tableInfo: StatementSync;
  readonly #definition: StatementSync;
  #pin: SnapshotPin | undefined;

  /**
   * @param db The open connection.
   * @param checked The connection, throwing `closed` once the reader is closed.
   */
  constructor(db: DatabaseSync, checked: () => DatabaseSync) {
    this.#db = checked;
    this.#tableInfo = prepareTableInfo(db);
    this.#definition = prepareDefinition(db);
  }

  /** Forgets every table (the reader is closing). */
  clear(): void {
    this.#tables = new Map();
  }

  getRowByKey<T = Row>(family: string, table: string, parts: readonly KeyPart[]): T | undefined {
    for (let attempt = 0;; attempt++) {
      const entry = this.#tables.get(family)?.get(table) ?? this.#load(family, table);
      if (parts.length !== entry.keyCount) {
        if (attempt === 0 && this.#isStale(family, table, entry)) continue;
        // The original says "All primary key fields are required" for extra parts too; its
        // prefix-scan wording says what is wrong.
        throw new ReaderError(
          "bad-key",
          parts.length > entry.keyCount
            ? TOO_MANY_KEY_PARTS
            : "All primary key fields are required",
        );
      }
      const values = bindable(entry, parts);
      let query: Query;
      let result: unknown[] | undefined;
      try {
        query = entry.lookup ??= this.#prepare(entry, entry.keyCount);
        result = query.statement.get(...values) as unknown[] | undefined;
      } catch (e) {
        if (attempt === 0 && this.#isStale(family, table, entry)) continue;
        this.#forget(family, table);
        throw queryError(e);
      }
      if (result !== undefined) return toRow(query, result) as T;
      if (attempt === 0 && this.#isStale(family, table, entry)) continue;
      return undefined;
    }
  }

  getRowsByKeyPrefix<T = Row>(
    family: string,
    table: string,
    parts: readonly KeyPart[],
  ): IterableIterator<T> {
    let entry = this.#tables.get(family)?.get(table) ?? this.#load(family, table);
    if (parts.length > entry.keyCount && this.#isStale(family, table, entry)) {
      entry = this.#load(family, table);
    }
    if (parts.length === 0) {
      entry.pages ??= preparePages(this.#db(), entry) ?? null;
      if (entry.pages) return this.#scanPages<T>(family, table, entry, entry.pages);
    }
    let query: Query;
    try {
      query = this.#prefixQuery(entry, parts.length);
    } catch (e) {
      if (e instanceof ReaderError || !this.#isStale(family, table, entry)) throw queryError(e);
      entry = this.#load(family, table);
      query = this.#prefixQuery(entry, parts.length);
    }
    const values = bindable(entry, parts);
    return this.#iterate<T>(family, table, parts, entry, query, values);
  }

  *#iterate<T>(
    family: string,
    table: string,
    parts: readonly KeyPart[],
    entry: TableEntry,
    query: Query,
    values: readonly SQLInputValue[],
  ): Generator<T, void, undefined> {
    // The statement is claimed when iteration starts, so an iterator never started holds
    // nothing; one started meanwhile by another iterator is not shared.
    if (query.busy) query = this.#prepareScan(entry, parts.length);
    query.busy = true;
    let rows = 0;
    let ended = false;
    try {
      for (const result of query.statement.iterate(...values)) {
        if (isScanEnd(query, result as unknown as unknown[])) {
          ended = true;
          break;
        }
        rows++;
        yield toRow(query, result as unknown as unknown[]) as T;
      }
    } finally {
      query.busy = false;
    }
    if (rows === 0 && this.#isStale(family, table, entry)) {
      const fresh = this.#load(family, table);
      yield* this.getRowsByKeyPrefix<T>(fresh.info.family, fresh.info.table, parts);
      return;
    }
    // Never a short result: a scan that stopped before its end row failed.
    if (!ended) throw this.#unfinished(entry, parts.length, values, rows);
  }

  /** A whole-table scan, read in pages from one snapshot (`_pages.ts`). */
  *#scanPages<T>(
    family: string,
    table: string,
    entry: TableEntry,
    queries: PageQueries,
  ): Generator<T, void, undefined> {
    this.#pin ??= new SnapshotPin(this.#db());
    let rows = 0;
    try {
      for (const page of pages(this.#pin, queries)) {
        for (const values of page) {
          rows++;
          yield toRow(queries.first, values) as T;
        }
      }
    } catch (e) {
      throw queryError(e);
    }
    if (rows === 0 && this.#isStale(family, table, entry)) {
      const fresh = this.#load(family, table);
      yield* this.getRowsByKeyPrefix<T>(fresh.info.family, fresh.info.table, []);
    }
  }

  /**
   * The error of a scan that stopped before its end row: the failing step is repeated by a
   * query that reports errors (the rows already read skipped), so a damaged page fails again
   * with SQLite's own error (`database disk image is malformed`).
   */
  #unfinished(
    entry: TableEntry,
    keys: number,
    values: readonly SQLInputValue[],
    rows: number,
  ): ReaderError {
    try {
      const probe = this.#db().prepare(`${lookupSql(entry, keys)} LIMIT 1 OFFSET ?`);
      probe.setReadBigInts(true);
      probe.get(...values, rows);
    } catch (e) {
      return queryError(e);
    }
    return new ReaderError(
      "query-failed",
      `query target rows error: the scan of ${entry.info.ldbTable} stopped after ${rows} rows, ` +
        "before its end",
    );
  }

  /**
   * Validates the key count and returns the prefix query (integers read as bigint): the
   * cached one, or a new one while the cached one serves an unfinished iteration. The
   * iteration claims it when it starts.
   */
  #prefixQuery(entry: TableEntry, keys: number): Query {
    if (keys > entry.keyCount) {
      throw new ReaderError("bad-key", TOO_MANY_KEY_PARTS);
    }
    const cached = entry.prefix[keys];
    if (cached && !cached.busy) return cached;
    const query = this.#prepareScan(entry, keys);
    if (!cached) entry.prefix[keys] = query;
    return query;
  }

  tableInfo(family: string, table: string): TableInfo {
    const entry = this.#tables.get(family)?.get(table) ?? this.#load(family, table);
    if (!this.#isStale(family, table, entry)) return entry.info;
    return this.#load(family, table).info;
  }

  #load(family: string, table: string): TableEntry {
    const db = this.#db();
    let entry: TableEntry;
    try {
      entry = loadTable(this.#tableInfo, family, table);
    } catch (e) {
      // Only a missing table can be a family the LDB does not carry: asked on the error path.
      if (e instanceof ReaderError && e.code === "table-not-found") {
        checkFamilyCarried(db, normalizeFamilyName(family));
      }
      throw e;
    }
    let tables = this.#tables.get(family);
    if (!tables) this.#tables.set(family, tables = new Map());
    tables.set(table, entry);
    return entry;
  }

  #forget(family: string, table: string): void {
    this.#tables.get(family)?.delete(table);
  }

  #prepare(entry: TableEntry, keys: number): Query {
    return prepareQuery(this.#db(), lookupSql(entry, keys));
  }

  #prepareScan(entry: TableEntry, keys: number): Query {
    return prepareQuery(this.#db(), scanSql(entry, keys), true);
  }

  /** When the table's definition changed since `entry` was read, forgets the entry. */
  #isStale(family: string, table: string, entry: TableEntry): boolean {
    if (isCurrent(this.#definition, entry)) return false;
    this.#forget(family, table);
    return true;
  }
}

/** A SQLite failure as `query-failed`; reader errors pass through. */
function queryError(e: unknown): ReaderError {
  if (e instanceof ReaderError) return e;
  const text = e instanceof Error ? e.message : String(e);
  return new ReaderError("query-failed", `query target row error: ${text}`, { cause: e });
}
