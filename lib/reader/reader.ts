/**
 * `Reader`: synchronous, in-process reads of an LDB (spec §15.1–15.3). Owns one read-only
 * connection, per-table key metadata and prepared statements. Rotation across several LDBs is
 * `rotating_reader.ts`; the file format is `lib/ldb/`.
 *
 * @module
 */
import type { DatabaseSync, SQLInputValue, StatementSync } from "node:sqlite";
import { getLdbLastUpdate, getLdbSeq, openLdbForRead } from "../ldb/mod.ts";
import { ReaderError } from "./errors.ts";
import { defaultLdbPath } from "./paths.ts";
import {
  isCurrent,
  loadTable,
  lookupSql,
  prepareDefinition,
  prepareQuery,
  prepareTableInfo,
  type Query,
  type TableEntry,
  toRow,
} from "./_table.ts";
import { bindable, keyParts } from "./_keys.ts";
import type { KeyArgs, KeyPart, Row, TableInfo } from "./types.ts";

/**
 * A read-only view of one LDB file. Calls are synchronous (SQLite point reads take a few
 * microseconds) and safe to make from anywhere in one JavaScript thread.
 *
 * Family and table names are validated and lower-cased; key columns are found with
 * `pragma_table_info` in key order, cached with their prepared statements, and reloaded when
 * the LDB's schema changes (a table dropped and recreated with another key is noticed).
 *
 * @example Read a row
 * ```ts
 * import { Reader } from "@ctlstore/ctlstore";
 *
 * using reader = Reader.open("/var/spool/ctlstore/ldb.db");
 * const user = reader.getRowByKey<{ id: number; name: string }>("accounts", "users", 42);
 * console.log(user?.name, reader.getLastSequence());
 * ```
 */
export class Reader implements Disposable {
  /** The LDB file path (`:memory:` or the database's location for {@linkcode Reader.fromDatabase}). */
  readonly path: string;
  #db: DatabaseSync;
  #open = true;
  #tables = new Map<string, Map<string, TableEntry>>();
  #tableInfo: StatementSync;
  #definition: StatementSync;
  #ping: StatementSync | undefined;

  private constructor(db: DatabaseSync, path: string) {
    this.#db = db;
    this.path = path;
    this.#tableInfo = prepareTableInfo(db);
    this.#definition = prepareDefinition(db);
  }

  /**
   * Opens an LDB read-only (readers never checkpoint the WAL).
   *
   * @param path The LDB file; default `$CTLSTORE_PATH/ldb.db`, or
   *   `/var/spool/ctlstore/ldb.db` when `CTLSTORE_PATH` is unset.
   * @returns The reader; close it with {@linkcode Reader.close} or `using`.
   * @throws {LdbNotFoundError} When the file does not exist (`no LDB found at <path>`).
   *
   * @example Open the default LDB
   * ```ts
   * import { Reader } from "@ctlstore/ctlstore";
   *
   * const reader = Reader.open();
   * console.log(reader.path);
   * reader.close();
   * ```
   */
  static open(path: string = defaultLdbPath()): Reader {
    const db = openLdbForRead(path);
    try {
      return new Reader(db, path);
    } catch (e) {
      db.close();
      throw e;
    }
  }

  /**
   * Wraps an open `node:sqlite` connection (for tests). The reader closes it on
   * {@linkcode Reader.close}.
   *
   * @param db An open connection to an LDB.
   * @returns The reader.
   *
   * @example Read an in-memory LDB
   * ```ts
   * import { DatabaseSync } from "node:sqlite";
   * import { Reader } from "@ctlstore/ctlstore";
   *
   * const reader = Reader.fromDatabase(new DatabaseSync(":memory:"));
   * console.log(reader.ping()); // false
   * ```
   */
  static fromDatabase(db: DatabaseSync): Reader {
    return new Reader(db, db.location() ?? ":memory:");
  }

  /**
   * Reads one row by its full primary key.
   *
   * Key parts are given in primary-key order, as arguments or as one array. A string part is
   * turned into bytes when the key column is binary; other values are bound as given (SQLite
   * column affinity applies, so `"42"` finds integer key 42).
   *
   * @typeParam T The row shape; defaults to {@linkcode Row}.
   * @param family Family name, validated and lower-cased.
   * @param table Table name, validated and lower-cased.
   * @param key The primary-key values, one per key column.
   * @returns The row, or `undefined` when no row has this key.
   * @throws {ReaderError} `bad-name`, `table-not-found`, `no-primary-key`, `bad-schema`,
   *   `bad-key` (`All primary key fields are required`), `query-failed`, `closed`.
   *
   * @example Read a row by a composite key
   * ```ts
   * import { Reader } from "@ctlstore/ctlstore";
   *
   * const reader = Reader.open();
   * const row = reader.getRowByKey("accounts", "members", "team-1", 42);
   * const same = reader.getRowByKey("accounts", "members", ["team-1", 42]);
   * ```
   */
  getRowByKey<T = Row>(family: string, table: string, ...key: KeyArgs): T | undefined {
    const parts = keyParts(key);
    for (let attempt = 0;; attempt++) {
      const entry = this.#tables.get(family)?.get(table) ?? this.#load(family, table);
      if (parts.length !== entry.keyCount) {
        if (attempt === 0 && this.#isStale(family, table, entry)) continue;
        throw new ReaderError("bad-key", "All primary key fields are required");
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

  /**
   * Iterates the rows whose primary key starts with the given parts (0 to all key columns), in
   * the order SQLite returns them (key order in practice). No parts scans the whole table.
   *
   * Each call uses its own statement, so lookups inside the loop are fine. An unfinished
   * iteration holds the LDB snapshot it started on: finish the loop or `break` out of it.
   *
   * @typeParam T The row shape; defaults to {@linkcode Row}.
   * @param family Family name, validated and lower-cased.
   * @param table Table name, validated and lower-cased.
   * @param key A prefix of the primary key, one value per leading key column.
   * @returns An iterator over the matching rows.
   * @throws {ReaderError} As {@linkcode Reader.getRowByKey}, with `bad-key`
   *   (`too many keys supplied for table's primary key`) for more parts than key columns.
   *
   * @example Read all members of a team
   * ```ts
   * import { Reader } from "@ctlstore/ctlstore";
   *
   * for (const row of Reader.open().getRowsByKeyPrefix("accounts", "members", "team-1")) {
   *   console.log(row);
   * }
   * ```
   */
  getRowsByKeyPrefix<T = Row>(family: string, table: string, ...key: KeyArgs): IterableIterator<T> {
    const parts = keyParts(key);
    let entry = this.#tables.get(family)?.get(table) ?? this.#load(family, table);
    if (parts.length > entry.keyCount && this.#isStale(family, table, entry)) {
      entry = this.#load(family, table);
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
    if (query.busy) query = this.#prepare(entry, parts.length);
    query.busy = true;
    let any = false;
    try {
      for (const result of query.statement.iterate(...values)) {
        any = true;
        yield toRow(query, result as unknown as unknown[]) as T;
      }
    } finally {
      query.busy = false;
    }
    if (!any && this.#isStale(family, table, entry)) {
      const fresh = this.#load(family, table);
      yield* this.getRowsByKeyPrefix<T>(fresh.info.family, fresh.info.table, parts);
    }
  }

  /**
   * Validates the key count and returns the prefix query (integers read as bigint): the
   * cached one, or a new one while the cached one serves an unfinished iteration. The
   * iteration claims it when it starts.
   */
  #prefixQuery(entry: TableEntry, keys: number): Query {
    if (keys > entry.keyCount) {
      throw new ReaderError("bad-key", "too many keys supplied for table's primary key");
    }
    const cached = entry.prefix[keys];
    if (cached && !cached.busy) return cached;
    const query = this.#prepare(entry, keys);
    if (!cached) entry.prefix[keys] = query;
    return query;
  }

  /**
   * Describes a family table: its physical name, columns with declared types, and key
   * columns in key order.
   *
   * @param family Family name, validated and lower-cased.
   * @param table Table name, validated and lower-cased.
   * @returns The table description.
   * @throws {ReaderError} `bad-name`, `table-not-found`, `no-primary-key`, `bad-schema`, `closed`.
   *
   * @example Key column types
   * ```ts
   * import { Reader } from "@ctlstore/ctlstore";
   *
   * const info = Reader.open().tableInfo("accounts", "users");
   * console.log(info.keyColumns.map((c) => `${c.name}:${c.fieldType}`));
   * ```
   */
  tableInfo(family: string, table: string): TableInfo {
    const entry = this.#tables.get(family)?.get(table) ?? this.#load(family, table);
    if (!this.#isStale(family, table, entry)) return entry.info;
    return this.#load(family, table).info;
  }

  /**
   * The last ledger sequence applied to the LDB.
   *
   * @returns The sequence, 0 when nothing was applied yet.
   * @throws {ReaderError} `closed`.
   *
   * @example
   * ```ts
   * import { Reader } from "@ctlstore/ctlstore";
   *
   * console.log(Reader.open().getLastSequence());
   * ```
   */
  getLastSequence(): number {
    return getLdbSeq(this.#checkOpen());
  }

  /**
   * How far the LDB is behind the ledger: now minus the leader timestamp of the last applied
   * statement, in milliseconds.
   *
   * @returns The latency in milliseconds.
   * @throws {ReaderError} `no-ledger-updates` when nothing was applied yet; `closed`.
   *
   * @example
   * ```ts
   * import { Reader } from "@ctlstore/ctlstore";
   *
   * console.log(`${Reader.open().getLedgerLatency() / 1000} s behind`);
   * ```
   */
  getLedgerLatency(): number {
    const at = getLdbLastUpdate(this.#checkOpen());
    if (at === undefined) {
      throw new ReaderError("no-ledger-updates", "no ledger updates have been received yet");
    }
    return Date.now() - at.getTime();
  }

  /**
   * Tells whether the LDB has a sequence row, i.e. a reflector has initialized it.
   *
   * @returns `true` when `_ldb_seq` holds a sequence; `false` otherwise or when closed.
   *
   * @example
   * ```ts
   * import { Reader } from "@ctlstore/ctlstore";
   *
   * if (!Reader.open().ping()) console.log("LDB not initialized");
   * ```
   */
  ping(): boolean {
    if (!this.#open) return false;
    try {
      this.#ping ??= this.#db.prepare("SELECT seq FROM _ldb_seq WHERE id = 1");
      const row = this.#ping.get() as { seq: unknown } | undefined;
      return row !== undefined && row.seq !== null;
    } catch {
      return false;
    }
  }

  /**
   * Closes the connection. Later calls throw {@linkcode ReaderError} `closed`; closing twice
   * is harmless.
   *
   * @example
   * ```ts
   * import { Reader } from "@ctlstore/ctlstore";
   *
   * const reader = Reader.open();
   * reader.close();
   * ```
   */
  close(): void {
    if (!this.#open) return;
    this.#open = false;
    this.#tables = new Map();
    this.#db.close();
  }

  /**
   * Closes the reader (for `using`).
   *
   * @example
   * ```ts
   * import { Reader } from "@ctlstore/ctlstore";
   *
   * {
   *   using reader = Reader.open();
   *   reader.getRowByKey("accounts", "users", 42);
   * } // closed here
   * ```
   */
  [Symbol.dispose](): void {
    this.close();
  }

  #checkOpen(): DatabaseSync {
    if (!this.#open) throw new ReaderError("closed", "reader is closed");
    return this.#db;
  }

  #load(family: string, table: string): TableEntry {
    this.#checkOpen();
    const entry = loadTable(this.#tableInfo, family, table);
    let tables = this.#tables.get(family);
    if (!tables) this.#tables.set(family, tables = new Map());
    tables.set(table, entry);
    return entry;
  }

  #forget(family: string, table: string): void {
    this.#tables.get(family)?.delete(table);
  }

  #prepare(entry: TableEntry, keys: number): Query {
    return prepareQuery(this.#checkOpen(), lookupSql(entry, keys));
  }

  /** When the table's definition changed since `entry` was read, forgets the entry. */
  #isStale(family: string, table: string, entry: TableEntry): boolean {
    if (isCurrent(this.#definition, entry)) return false;
    this.#forget(family, table);
    return true;
  }
}

/** A SQLite failure as `query-failed`; reader errors pass through. */
function queryError(e: unknown): Error {
  if (e instanceof ReaderError) return e;
  const text = e instanceof Error ? e.message : String(e);
  return new ReaderError("query-failed", `query target row error: ${text}`, { cause: e });
}
