/**
 * Executive-side limits (spec §7.7): each writer's rate limit and the current bucket, the
 * per-table size limit (where the ctldb reports table sizes), and the background work that keeps them current: writer
 * overrides and table sizes refreshed every minute (and right after an admin changes a limit),
 * writer usage garbage-collected every hour.
 *
 * Usage is counted in `batch_writers.ts`, inside each mutation batch after the ledger lock is
 * taken, so every mutation transaction (of every executive sharing the ctldb) updates
 * `writer_usage` one at a time: no lost updates and no duplicate-key races (spec §19.2 #16).
 *
 * @module
 */
import type { Ctldb } from "../ctldb/mod.ts";
import { HttpError } from "../http/mod.ts";
import type { Logger } from "../log/mod.ts";
import { parseLdbTableName } from "../schema/mod.ts";
import { PeriodicTasks, reportFailures } from "./background.ts";
import type { ResolvedExecutiveConfig } from "./config.ts";
import type { ExecutiveMetrics } from "./metrics.ts";

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;

/**
 * Rounds half to even, as Go's `math.RoundToEven`.
 *
 * @example
 * ```ts
 * roundHalfEven(2.5); // 2
 * roundHalfEven(3.5); // 4
 * ```
 */
export function roundHalfEven(value: number): number {
  const floor = Math.floor(value);
  const diff = value - floor;
  if (diff > 0.5) return floor + 1;
  if (diff < 0.5) return floor;
  return floor % 2 === 0 ? floor : floor + 1;
}

interface SizeLimit {
  max: number;
  warn: number;
}

/**
 * Enforces the writer rate limit and table size limits.
 *
 * @example
 * ```ts
 * const limiter = new Limiter(ctldb, config, metrics, logger);
 * await limiter.start();
 * console.log(limiter.limitFor("writer1"), limiter.bucket());
 * await limiter.stop();
 * ```
 */
export class Limiter {
  readonly #db: Ctldb;
  readonly #config: ResolvedExecutiveConfig;
  readonly #metrics: ExecutiveMetrics;
  #overrides = new Map<string, number>();
  #sizes = new Map<string, number>();
  #tableLimits = new Map<string, SizeLimit>();
  readonly #tasks: PeriodicTasks;

  /**
   * @param db The ctldb.
   * @param config Limits, periods and the clock.
   * @param metrics Where warnings, sizes and errors are counted.
   * @param log Where background failures are reported.
   */
  constructor(
    db: Ctldb,
    config: ResolvedExecutiveConfig,
    metrics: ExecutiveMetrics,
    log: Logger,
  ) {
    this.#db = db;
    this.#config = config;
    this.#metrics = metrics;
    this.#tasks = new PeriodicTasks(reportFailures(metrics, log));
  }

  /** Whether table sizes are enforced: only where the ctldb reports them (not SQLite). */
  get sizesEnabled(): boolean {
    return this.#db.reportsTableSizes;
  }

  /**
   * Loads writer overrides and table sizes (failing when the ctldb cannot be read, as the
   * original's startup does) and starts the periodic refreshes and garbage collection.
   */
  async start(): Promise<void> {
    await this.refreshWriterLimits();
    await this.refreshTableSizes();
    const { limitsRefreshMs, usageGcMs } = this.#config;
    this.#tasks.every(limitsRefreshMs, "update-limits", () => this.refreshWriterLimits());
    this.#tasks.every(limitsRefreshMs, "refresh-table-sizer", () => this.refreshTableSizes());
    this.#tasks.every(usageGcMs, "limiter-collect-garbage", () => this.collectGarbage());
  }

  /** Stops the background work and waits for a refresh in progress. */
  stop(): Promise<void> {
    return this.#tasks.stop();
  }

  /** The current rate-limit bucket: unix seconds of the period start. */
  bucket(): number {
    const periodSeconds = this.#config.writerLimitPeriodMs / 1000;
    const nowSeconds = Math.floor(this.#config.now() / 1000);
    return nowSeconds - (nowSeconds % periodSeconds);
  }

  /** Mutations a writer may make per period: its override or the default. */
  limitFor(writer: string): number {
    return this.#overrides.get(writer) ?? this.#config.writerLimit;
  }

  /**
   * Rejects a mutation of tables over their maximum size; counts warnings.
   *
   * @param tables Physical table names of the mutation.
   * @throws {HttpError} 507 when a table is over its maximum.
   */
  checkTableSizes(tables: Iterable<string>): void {
    if (!this.sizesEnabled) return;
    for (const table of new Set(tables)) {
      const size = this.#sizes.get(table);
      if (size === undefined) continue;
      const limit = this.#tableLimits.get(table);
      const max = limit?.max ?? this.#config.maxTableSize;
      const warn = limit?.warn ?? this.#config.warnTableSize;
      if (size > max) {
        this.#metrics.error("table-size-overage");
        throw new HttpError(
          507,
          `check table sizes: table '${table}' has exceeded the max size of ${max}`,
        );
      }
      if (size > warn) this.#metrics.tableSizeWarnings.inc({ table });
    }
  }

  /** Reloads the per-writer overrides from `max_writer_rates`. */
  async refreshWriterLimits(): Promise<void> {
    const rows = await this.#db.query<{ writer: string; perMinute: number | bigint }>(
      'SELECT writer_name AS writer, max_rows_per_minute AS "perMinute" FROM max_writer_rates',
    );
    const scale = this.#config.writerLimitPeriodMs / MINUTE_MS;
    this.#overrides = new Map(
      rows.map((row) => [row.writer, roundHalfEven(Number(row.perMinute) * scale)]),
    );
  }

  /** Reloads table sizes from the ctldb and the configured table limits. */
  async refreshTableSizes(): Promise<void> {
    if (!this.sizesEnabled) return;
    const sizes = await this.#db.tableSizes();
    const limits = await this.#db.query<
      { family: string; tbl: string; max: number | bigint; warn: number | bigint }
    >(
      "SELECT family_name AS family, table_name AS tbl, max_size_bytes AS max, " +
        "warn_size_bytes AS warn FROM max_table_sizes",
    );
    const next = new Map<string, number>();
    this.#metrics.tableSizes.reset();
    for (const [table, size] of sizes) {
      const names = parseLdbTableName(table);
      if (!names) continue;
      next.set(table, size);
      this.#metrics.tableSizes.set(names, size);
    }
    this.#sizes = next;
    this.#tableLimits = new Map(
      limits.map((row) => [
        `${row.family.toLowerCase()}___${row.tbl.toLowerCase()}`,
        { max: Number(row.max), warn: Number(row.warn) },
      ]),
    );
  }

  /** Deletes usage buckets older than a day; returns how many rows went. */
  async collectGarbage(): Promise<number> {
    const periodSeconds = this.#config.writerLimitPeriodMs / 1000;
    const cutoff = Math.floor((this.#config.now() - DAY_MS) / 1000);
    const { affectedRows } = await this.#db.exec(
      "DELETE FROM writer_usage WHERE bucket < ?",
      [cutoff - (cutoff % periodSeconds)],
    );
    this.#metrics.usageRowsDeleted.inc(affectedRows);
    return affectedRows;
  }
}
