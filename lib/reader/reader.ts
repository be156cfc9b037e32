/**
 * `Reader`: synchronous, in-process reads of an LDB (spec §15.1–15.3). Owns one read-only
 * connection, per-table key metadata and prepared statements. Rotation across several LDBs is
 * `rotating_reader.ts`; the file format is `lib/ldb/`.
 *
 * @module
 */
import type { DatabaseSync, StatementSync } from "node:sqlite";
import { getLdbLastUpdate, getLdbSeq, openLdbForRead, readLdbFamilies } from "../ldb/mod.ts";
import { ReaderError } from "./errors.ts";
import { ChangeFeed } from "./_change_feed.ts";
import { defaultLdbPath } from "./paths.ts";
import { RowQueries } from "./_rows.ts";
import { keyParts } from "./_keys.ts";
import type {
  Change,
  ChangePage,
  GetChangesOptions,
  KeyArgs,
  Row,
  TableInfo,
  WaitForSequenceOptions,
  WatchOptions,
} from "./types.ts";

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
  #rows: RowQueries;
  #ping: StatementSync | undefined;
  #feed: ChangeFeed | undefined;

  private constructor(db: DatabaseSync, path: string) {
    this.#db = db;
    this.path = path;
    this.#rows = new RowQueries(db, () => this.#checkOpen());
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
   * @throws {ReaderError} `bad-name`, `table-not-found`, `family-not-carried` (a partial LDB),
   *   `no-primary-key`, `bad-schema`, `bad-key` (`All primary key fields are required` for
   *   fewer parts than key columns, `too many keys supplied for table's primary key` for more),
   *   `query-failed`, `closed`.
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
    return this.#rows.getRowByKey<T>(family, table, keyParts(key));
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
   *   (`too many keys supplied for table's primary key`) for more parts than key columns;
   *   `query-failed` from the iteration when a row cannot be read (e.g. a damaged LDB): a scan
   *   never ends early without an error.
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
    return this.#rows.getRowsByKeyPrefix<T>(family, table, keyParts(key));
  }

  /**
   * Describes a family table: its physical name, columns with declared types, and key
   * columns in key order.
   *
   * @param family Family name, validated and lower-cased.
   * @param table Table name, validated and lower-cased.
   * @returns The table description.
   * @throws {ReaderError} `bad-name`, `table-not-found`, `family-not-carried`, `no-primary-key`,
   *   `bad-schema`, `closed`.
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
    return this.#rows.tableInfo(family, table);
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
   * The families a partial LDB carries (its reflector ran with `-families`), or `undefined` for
   * a full LDB, which carries every family. Reads of a family a partial LDB does not carry
   * throw {@linkcode ReaderError} `family-not-carried`.
   *
   * @returns The carried families, sorted; `undefined` for every family.
   * @throws {ReaderError} `closed`.
   *
   * @example Tell a partial LDB from a full one
   * ```ts
   * import { Reader } from "@ctlstore/ctlstore";
   *
   * const families = Reader.open().getFamilies();
   * console.log(families ? `only ${families.join(", ")}` : "every family");
   * ```
   */
  getFamilies(): readonly string[] | undefined {
    return readLdbFamilies(this.#checkOpen());
  }

  /**
   * Reads the LDB's change history: the entries with a seq above `after`, in ledger order.
   *
   * The history is written by the reflector in the same SQLite transaction as the rows, so it
   * never disagrees with them. A page holds at most `limit` entries but never ends inside a
   * ledger transaction. Continue with `after: page.lastSeq`.
   *
   * @param options `after`, the `family`/`table` filters and `limit`.
   * @returns The entries, where to continue, and whether `limit` cut the answer short.
   * @throws {ChangeHistoryGoneError} When `after` is older than the retained history.
   * @throws {ReaderError} `no-change-history` when the LDB has none; `bad-name`;
   *   `family-not-carried` when filtering on a family a partial LDB does not carry; `closed`.
   * @throws {RangeError} For a negative or non-integer `after` or `limit`.
   *
   * @example Print what changed in one table since seq 1200
   * ```ts
   * import { Reader } from "@ctlstore/ctlstore";
   *
   * const reader = Reader.open();
   * const page = reader.getChanges({ after: 1200, family: "accounts", table: "users" });
   * for (const change of page.changes) console.log(change.seq, change.op, change.key);
   * console.log("next after:", page.lastSeq);
   * ```
   */
  getChanges(options: GetChangesOptions): ChangePage {
    return this.#changeFeed().getChanges(options);
  }

  /**
   * Follows the change history: yields every matching entry with a seq above `after` as the
   * reflector applies it, forever, until `signal` aborts (the iteration then ends without an
   * error) or the loop is left. Resume from any seq by passing the last one seen.
   *
   * @param options Where to start (default: now), the filters and an abort signal.
   * @returns An async iterator of entries in ledger order.
   * @throws {ChangeHistoryGoneError} When `after` is (or, for a consumer too slow for the
   *   retention, becomes) older than the retained history.
   * @throws {ReaderError} `no-change-history`, `bad-name`, `closed`.
   *
   * @example Follow one family for a minute
   * ```ts
   * import { Reader } from "@ctlstore/ctlstore";
   *
   * const reader = Reader.open();
   * const signal = AbortSignal.timeout(60_000);
   * for await (const change of reader.watch({ family: "accounts", signal })) {
   *   console.log(change.seq, change.table, change.op, change.key);
   * }
   * ```
   */
  watch(options: WatchOptions = {}): AsyncGenerator<Change, void, undefined> {
    return this.#changeFeed().watch(options);
  }

  /**
   * Waits until the LDB has applied ledger seq `seq`, e.g. the `seq` the executive answered a
   * write with: read-your-writes on this host.
   *
   * @param seq The ledger seq to wait for.
   * @param options A timeout (default 30 s) and an abort signal.
   * @returns The LDB's applied seq (at least `seq`).
   * @throws {SequenceTimeoutError} When `seq` is not applied within the timeout.
   * @throws {ReaderError} `closed` when the reader closes meanwhile.
   * @throws {RangeError} For a negative or non-integer `seq` or a negative timeout.
   *
   * @example Read your own write
   * ```ts
   * import { Reader } from "@ctlstore/ctlstore";
   *
   * const reader = Reader.open();
   * const { seq } = { seq: 1234 }; // the executive's answer to a mutation
   * await reader.waitForSequence(seq, { timeoutMs: 5000 });
   * console.log(reader.getRowByKey("accounts", "users", 42));
   * ```
   */
  waitForSequence(seq: number, options?: WaitForSequenceOptions): Promise<number> {
    try {
      return this.#changeFeed().waitForSequence(seq, options);
    } catch (error) {
      return Promise.reject(error);
    }
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
    this.#rows.clear();
    this.#feed?.close(new ReaderError("closed", "reader is closed"));
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

  #changeFeed(): ChangeFeed {
    this.#checkOpen();
    return this.#feed ??= new ChangeFeed(() => this.#checkOpen());
  }

  #checkOpen(): DatabaseSync {
    if (!this.#open) throw new ReaderError("closed", "reader is closed");
    return this.#db;
  }
}
