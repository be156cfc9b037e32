/**
 * WAL control (spec §10.8, DESIGN §3.6): readers never checkpoint, so the reflector does. Every
 * `intervalMs` it measures `<ldb>-wal`; above the threshold it runs
 * `PRAGMA wal_checkpoint(<type>)` on its own connection. It also sets `journal_size_limit` to the
 * threshold, so a WAL that grew while a reader held an old snapshot is cut back when SQLite
 * restarts it, whatever the checkpoint type. Failures are counted and logged (rate-limited);
 * unlike the original the checker never gives up.
 *
 * The caller decides when it is safe to checkpoint (no transaction open): it calls
 * {@linkcode WalCheckpointer.maybeRun} from its loop. This module runs no timer.
 *
 * @module
 */
import type { DatabaseSync } from "node:sqlite";
import { errorMessage, type Logger, RateLimitedLog } from "../log/mod.ts";
import type { WalCheckpointType } from "./config.ts";

/** The outcome of one `PRAGMA wal_checkpoint`. */
export interface CheckpointResult {
  /** SQLite could not finish because of readers or another writer. */
  busy: boolean;
  /** Frames in the WAL. */
  logFrames: number;
  /** Frames copied back into the database. */
  checkpointedFrames: number;
}

/** Options of {@linkcode WalCheckpointer}. */
export interface WalCheckpointerOptions {
  /** The LDB path; the WAL is `<ldbPath>-wal`. */
  ldbPath: string;
  /** Minimum time between checks; 0 disables the checker. */
  intervalMs: number;
  /** WAL size in bytes above which a checkpoint runs. */
  thresholdBytes: number;
  type: WalCheckpointType;
  /** The connection's busy timeout, restored after each checkpoint. */
  busyTimeoutMs: number;
  log: Logger;
  /** Called with the WAL size after every check. */
  onSize?: (bytes: number) => void;
  /** Called after every checkpoint. */
  onCheckpoint?: (result: CheckpointResult) => void;
  /** Called for each failure: `wal_stat` or `wal_checkpoint`. */
  onError?: (kind: "wal_stat" | "wal_checkpoint", error: unknown) => void;
}

/**
 * Checks the WAL size and checkpoints when it is too large.
 *
 * @example
 * ```ts
 * import { openLdbForWrite } from "../ldb/mod.ts";
 * import { silentLogger } from "../log/mod.ts";
 * import { WalCheckpointer } from "./wal_checkpointer.ts";
 *
 * const db = openLdbForWrite("/tmp/ldb.db");
 * const wal = new WalCheckpointer(db, {
 *   ldbPath: "/tmp/ldb.db",
 *   intervalMs: 10_000,
 *   thresholdBytes: 8 << 20,
 *   type: "TRUNCATE",
 *   busyTimeoutMs: 5000,
 *   log: silentLogger,
 * });
 * wal.maybeRun(); // call when no transaction is open
 * ```
 */
export class WalCheckpointer {
  readonly #db: DatabaseSync;
  readonly #options: WalCheckpointerOptions;
  #lastCheck = -Infinity;
  readonly #failures: RateLimitedLog;

  /**
   * @param db The reflector's LDB connection.
   * @param options Interval, threshold, type and callbacks.
   */
  constructor(db: DatabaseSync, options: WalCheckpointerOptions) {
    this.#db = db;
    this.#options = options;
    this.#failures = new RateLimitedLog(options.log, "wal check failed");
    if (options.intervalMs > 0) {
      db.exec(`PRAGMA journal_size_limit = ${Math.floor(options.thresholdBytes)}`);
    }
  }

  /** Whether the checker runs at all. */
  get enabled(): boolean {
    return this.#options.intervalMs > 0;
  }

  /**
   * Runs a check if the interval has passed since the last one. Call only while the connection
   * has no open transaction.
   *
   * @returns The checkpoint result when one ran.
   */
  maybeRun(): CheckpointResult | undefined {
    const now = performance.now();
    if (!this.enabled || now - this.#lastCheck < this.#options.intervalMs) return undefined;
    this.#lastCheck = now;
    return this.check();
  }

  /**
   * Measures the WAL and checkpoints when it is above the threshold, now.
   *
   * @returns The checkpoint result when one ran.
   */
  check(): CheckpointResult | undefined {
    const { thresholdBytes, type, log } = this.#options;
    const size = this.measure();
    if (size === undefined || size <= thresholdBytes) return undefined;
    try {
      // FULL, RESTART and TRUNCATE wait for readers through the busy handler; a reader holding
      // an old snapshot would stall the reflector for the whole busy timeout on every check.
      // Without a busy timeout they do what they can at once, like PASSIVE, and report busy.
      this.#db.exec("PRAGMA busy_timeout = 0");
      let row: { busy: number; log: number; checkpointed: number } | undefined;
      try {
        row = this.#db.prepare(`PRAGMA wal_checkpoint(${type})`).get() as typeof row;
      } finally {
        this.#db.exec(`PRAGMA busy_timeout = ${this.#options.busyTimeoutMs}`);
      }
      const result: CheckpointResult = {
        busy: Number(row?.busy ?? 0) !== 0,
        logFrames: Number(row?.log ?? 0),
        checkpointedFrames: Number(row?.checkpointed ?? 0),
      };
      this.#failures.recovered("wal checkpoint succeeded again");
      log.debug("wal checkpoint", { type, walBytes: size, ...result });
      this.#options.onCheckpoint?.(result);
      this.measure();
      return result;
    } catch (error) {
      this.#fail("wal_checkpoint", error);
      return undefined;
    }
  }

  /**
   * Measures `<ldb>-wal` (0 when absent) and reports it through `onSize`, without
   * checkpointing; works when the checker is disabled too.
   *
   * @returns The size in bytes, or `undefined` when it cannot be read (counted as `wal_stat`).
   */
  measure(): number | undefined {
    let size = 0;
    try {
      size = Deno.statSync(`${this.#options.ldbPath}-wal`).size;
    } catch (error) {
      if (!(error instanceof Deno.errors.NotFound)) {
        this.#fail("wal_stat", error);
        return undefined;
      }
    }
    this.#options.onSize?.(size);
    return size;
  }

  #fail(kind: "wal_stat" | "wal_checkpoint", error: unknown): void {
    this.#options.onError?.(kind, error);
    this.#failures.failure({ kind, error: errorMessage(error) });
  }
}
