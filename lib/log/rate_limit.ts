/**
 * Rate-limited reporting of a repeating failure: the first occurrence is logged at once, later
 * ones are counted and summarised at most once per interval, and the recovery line gives the
 * total. A retry loop that fails every 100 ms (a full disk, a dead upstream) thus prints one
 * line, then one line per interval, and never goes silent after the first few. This module only
 * decides when to write; the lines go through the {@linkcode Logger} it is given.
 *
 * @module
 */
import type { LogFields, Logger, LogLevel } from "./mod.ts";

/** Options of {@linkcode RateLimitedLog}. */
export interface RateLimitedLogOptions {
  /** Level of the failure lines (default `warn`); recovery lines are `info`. */
  level?: LogLevel;
  /** Shortest time between two failure lines, in milliseconds (default 30 000). */
  intervalMs?: number;
  /** Clock in milliseconds (default `performance.now`); tests pass their own. */
  now?: () => number;
}

function duration(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)}ms` : `${Math.round(ms / 1000)}s`;
}

/**
 * Logs a repeating failure without flooding the log: the first failure, then at most one
 * summary per interval (`<message>: 41 more failures in the last 30s`, counting the failures
 * since the previous line, with the latest failure's fields), each line carrying
 * `failures=<total so far>`; {@linkcode RateLimitedLog.recovered}
 * logs the total and re-arms it, so the next failure is logged at once again.
 *
 * @example Report a retry loop
 * ```ts
 * import { createLogger, RateLimitedLog } from "./mod.ts";
 *
 * const failures = new RateLimitedLog(createLogger("reflector"), "ledger read failed; retrying");
 * failures.failure({ error: "connect ECONNREFUSED" }); // logged
 * failures.failure({ error: "connect ECONNREFUSED" }); // counted, summarised later
 * failures.recovered("ledger readable again"); // "... failures=2"
 * ```
 */
export class RateLimitedLog {
  readonly #log: Logger;
  readonly #message: string;
  readonly #level: LogLevel;
  readonly #intervalMs: number;
  readonly #now: () => number;
  #failures = 0;
  #unreported = 0;
  #firstAt = 0;
  #lastLineAt = -Infinity;

  /**
   * Creates the limiter; nothing is logged until the first failure.
   *
   * @param log Where the lines go.
   * @param message The failure line's message.
   * @param options Level, interval and clock.
   */
  constructor(log: Logger, message: string, options: RateLimitedLogOptions = {}) {
    this.#log = log;
    this.#message = message;
    this.#level = options.level ?? "warn";
    this.#intervalMs = options.intervalMs ?? 30_000;
    this.#now = options.now ?? (() => performance.now());
  }

  /** Failures since the last recovery. */
  get failures(): number {
    return this.#failures;
  }

  /**
   * Counts one failure and logs it when it is the first since a recovery, or a summary of the
   * ones not yet logged when the interval has passed since the last line.
   *
   * @param fields The failure's details (e.g. `error`, `retryInMs`).
   */
  failure(fields: LogFields = {}): void {
    const now = this.#now();
    if (this.#failures === 0) this.#firstAt = now;
    this.#failures++;
    this.#unreported++;
    if (now - this.#lastLineAt < this.#intervalMs) return;
    // Failures since the last line, this one included; alone, it needs no summary.
    const more = this.#unreported;
    const message = more > 1
      ? `${this.#message}: ${more} more failures in the last ${duration(now - this.#lastLineAt)}`
      : this.#message;
    this.#log[this.#level](message, { ...fields, failures: this.#failures });
    this.#lastLineAt = now;
    this.#unreported = 0;
  }

  /**
   * Ends the failure episode: logs `message` at info level with the total count and how long
   * the failures lasted (nothing when there was no failure), and re-arms the first-failure line.
   *
   * @param message The recovery line's message.
   * @param fields Extra details.
   */
  recovered(message: string, fields: LogFields = {}): void {
    if (this.#failures === 0) return;
    this.#log.info(message, {
      ...fields,
      failures: this.#failures,
      failingFor: duration(this.#now() - this.#firstAt),
    });
    this.#failures = 0;
    this.#unreported = 0;
    this.#lastLineAt = -Infinity;
  }
}
