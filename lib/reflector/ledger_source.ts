/**
 * Reads the DML ledger for the reflector (spec §10.3): blocks of at most `blockSize` rows after
 * a seq, each query bounded by the poll timeout, from the ctldb that `-upstream-driver` names
 * (`mysql`, `postgres`, or `sqlite3` for an embedded SQLite ctldb, the DSN being its path).
 *
 * Sequence gaps (spec §8) are waited on briefly: rows after a missing seq are held back until the
 * gap fills (an in-flight transaction committing) or has been seen for `gapGraceMs` (a
 * rolled-back auto-increment value that will never appear), then the source proceeds past it.
 * It never restarts and never waits forever. An empty LDB starts at the first seq the ledger has
 * (older rows may have been pruned). This module does not apply anything.
 *
 * The upstream is only read: an embedded (SQLite) ctldb must exist and is opened read-only, and
 * it must hold the ledger table, so a mistyped path fails the start with one line instead of
 * creating an empty database and retrying forever. A server database that does not exist fails
 * the start too; an unreachable server or a ledger table the executive has yet to create is
 * retried.
 *
 * @module
 */
import {
  adapterForUpstreamDriver,
  type Ctldb,
  isUnknownDatabaseError,
  type LedgerEntry,
} from "../ctldb/mod.ts";
import { errorMessage, type Logger } from "../log/mod.ts";

/** The ledger query did not answer within the poll timeout. */
export class PollTimeoutError extends Error {
  /** @param timeoutMs The timeout that passed. */
  constructor(readonly timeoutMs: number) {
    super(`ledger poll timed out after ${timeoutMs}ms`);
    this.name = "PollTimeoutError";
  }
}

/** One read of the ledger. */
export interface LedgerBlock {
  /** Entries after the requested seq, without unexpired gaps, in seq order. */
  entries: LedgerEntry[];
  /** The query returned a full block: more rows are probably waiting. */
  full: boolean;
  /** Rows after a gap that is still within its grace period were held back. */
  waitingOnGap: boolean;
}

/** Options of {@linkcode LedgerSource}. */
export interface LedgerSourceOptions {
  /** Ledger table name. */
  ledgerTable: string;
  /** Max rows per query. */
  blockSize: number;
  /** Timeout of one query; 0 means none. */
  timeoutMs: number;
  /** How long a gap is waited on before the source proceeds past it. */
  gapGraceMs: number;
  log: Logger;
  /** Called once per gap the source proceeds past: the missing seqs `from`..`to`. */
  onGapSkipped?: (from: number, to: number) => void;
}

/**
 * Turns a reflector `-upstream-driver`/`-upstream-dsn` pair into a ctldb DSN.
 *
 * @throws {TypeError} For a driver no ctldb adapter reads.
 * @example
 * ```ts
 * import { upstreamDsn } from "./ledger_source.ts";
 *
 * upstreamDsn("sqlite3", "/var/lib/ctlstore/ctldb.db"); // "sqlite:/var/lib/ctlstore/ctldb.db"
 * ```
 */
export function upstreamDsn(driver: string, dsn: string): string {
  return adapterForUpstreamDriver(driver).upstreamDsn(dsn);
}

function withTimeout<T>(promise: Promise<T>, timeoutMs: number): Promise<T> {
  if (timeoutMs <= 0) return promise;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new PollTimeoutError(timeoutMs)), timeoutMs);
  });
  promise.catch(() => {}); // a late failure after the timeout is not unhandled
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/**
 * The ledger as a sequence of blocks.
 *
 * @example
 * ```ts
 * import { silentLogger } from "../log/mod.ts";
 * import { LedgerSource } from "./ledger_source.ts";
 *
 * const source = await LedgerSource.open("sqlite3", "/tmp/ctldb.db", {
 *   ledgerTable: "ctlstore_dml_ledger",
 *   blockSize: 100,
 *   timeoutMs: 5000,
 *   gapGraceMs: 3000,
 *   log: silentLogger,
 * });
 * const block = await source.read(0);
 * await source.close();
 * ```
 */
export class LedgerSource {
  readonly #ctldb: Ctldb;
  readonly #options: LedgerSourceOptions;
  /** First time each gap (keyed by its first missing seq) was seen. */
  readonly #gaps = new Map<number, number>();

  /**
   * @param ctldb The upstream database.
   * @param options Table, block size, timeout and gap grace.
   */
  constructor(ctldb: Ctldb, options: LedgerSourceOptions) {
    this.#ctldb = ctldb;
    this.#options = options;
  }

  /**
   * Opens the upstream named by a reflector driver and DSN, read-only, and checks that it can
   * be what the reflector reads.
   *
   * @throws {TypeError} For an unknown driver; DSN errors of `openCtldb`.
   * @throws {Error} When a SQLite upstream does not exist or is not a ctldb, or a server
   *   database does not exist (one line, without the DSN).
   */
  static async open(
    driver: string,
    dsn: string,
    options: LedgerSourceOptions,
  ): Promise<LedgerSource> {
    const adapter = adapterForUpstreamDriver(driver);
    let ctldb: Ctldb;
    try {
      ctldb = await adapter.open(adapter.upstreamDsn(dsn), { readOnly: true });
    } catch (error) {
      throw new Error(`cannot open the upstream: ${errorMessage(error)}`, { cause: error });
    }
    const source = new LedgerSource(ctldb, options);
    try {
      await source.#check(ctldb.embedded ? dsn : undefined);
    } catch (error) {
      await ctldb.close().catch(() => {});
      throw error;
    }
    return source;
  }

  /**
   * Reads the max seq once: what fails now for good fails the start (any failure of a local
   * file, a database that does not exist); outages are retried.
   */
  async #check(filePath: string | undefined): Promise<void> {
    try {
      await this.maxSeq();
    } catch (error) {
      const cause = error instanceof Error && error.cause !== undefined ? error.cause : error;
      if (filePath !== undefined) {
        throw new Error(`upstream ${filePath} is not a ctldb: ${errorMessage(cause)}`, {
          cause: error,
        });
      }
      if (isUnknownDatabaseError(error)) {
        throw new Error(`upstream database does not exist: ${errorMessage(cause)}`, {
          cause: error,
        });
      }
      this.#options.log.warn("upstream not readable yet; retrying in the main loop", {
        error: errorMessage(error),
      });
    }
  }

  /** Checks that the upstream answers (`SELECT 1`), within the poll timeout. */
  ping(): Promise<void> {
    return withTimeout(this.#ctldb.ping(), this.#options.timeoutMs);
  }

  /** The highest seq in the ledger (0 when empty), within the poll timeout. */
  maxSeq(): Promise<number> {
    return withTimeout(
      this.#ctldb.maxLedgerSeq(this.#options.ledgerTable),
      this.#options.timeoutMs,
    );
  }

  /**
   * Reads the entries after `afterSeq`.
   *
   * @param afterSeq The last seq applied to the LDB.
   * @throws {PollTimeoutError} When the query outlives the poll timeout; query errors as is.
   */
  async read(afterSeq: number): Promise<LedgerBlock> {
    const { blockSize, ledgerTable, timeoutMs } = this.#options;
    const rows = await withTimeout(
      this.#ctldb.readLedger(afterSeq, blockSize, ledgerTable),
      timeoutMs,
    );
    for (const seq of this.#gaps.keys()) if (seq <= afterSeq) this.#gaps.delete(seq);
    const entries: LedgerEntry[] = [];
    let expected = afterSeq + 1;
    let waitingOnGap = false;
    for (const row of rows) {
      const atStartOfEmptyLdb = afterSeq === 0 && entries.length === 0;
      if (row.seq > expected && !atStartOfEmptyLdb && !this.#passGap(expected, row.seq - 1)) {
        waitingOnGap = true;
        break;
      }
      entries.push(row);
      expected = row.seq + 1;
    }
    return { entries, full: rows.length >= blockSize, waitingOnGap };
  }

  /** Closes the upstream connections. */
  close(): Promise<void> {
    return this.#ctldb.close();
  }

  #passGap(from: number, to: number): boolean {
    const now = performance.now();
    const firstSeen = this.#gaps.get(from);
    if (firstSeen === undefined) {
      this.#gaps.set(from, now);
      this.#options.log.info("ledger sequence gap; waiting for it to fill", { from, to });
      return false;
    }
    if (now - firstSeen < this.#options.gapGraceMs) return false;
    this.#gaps.delete(from);
    this.#options.log.warn("ledger sequence gap did not fill; proceeding past it", { from, to });
    this.#options.onGapSkipped?.(from, to);
    return true;
  }
}
