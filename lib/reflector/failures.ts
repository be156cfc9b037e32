/**
 * The reflector loop's failures (DESIGN §3.6): the ledger entry that fails to apply and the
 * upstream outage, as status and metrics; how long to wait before the next attempt; and the log.
 *
 * Both kinds wait with one capped exponential backoff (`-backoff` 100 ms doubling to 30 s) that
 * any successful step resets, so after a flap the next failure starts small again. A wait caused
 * by an unreachable upstream asks the loop to probe it meanwhile (`sleepUntilReachable`), so a
 * healed network is noticed within a probe interval, not at the end of a 30 s backoff. A failing
 * entry (a bad statement, a full disk) is retried at once the first time, committing what comes
 * before it, then with the backoff. Log lines are rate-limited: the first failure, then a summary
 * with the count at most every 30 s, then one line with the total when it clears. This module
 * neither reads nor applies nor sleeps.
 *
 * @module
 */
import { CtldbUnavailableError } from "../ctldb/mod.ts";
import { errorMessage, type Logger, RateLimitedLog } from "../log/mod.ts";
import type { ApplyError } from "./applier.ts";
import { Backoff } from "../backoff.ts";
import { PollTimeoutError } from "./ledger_source.ts";
import type { ReflectorMetrics } from "./metrics.ts";

/** The entry that fails to apply, retried with backoff. */
export interface FailingEntry {
  /** Its ledger seq. */
  seq: number;
  /** Its statement (`COMMIT` when the commit failed). */
  statement: string;
  /** Why it failed, the last time. */
  error: string;
  /** The first failure. */
  since: Date;
  /** Attempts so far. */
  attempts: number;
  /** The wait before the next attempt. */
  retryInMs: number;
}

/** An upstream that cannot be read, while it lasts. */
export interface UpstreamOutage {
  /** The last failure. */
  error: string;
  /** The first failure. */
  since: Date;
}

/** What the loop does after a failure. */
export interface RetryPlan {
  /** How long to wait before the next attempt. */
  delayMs: number;
  /** Probe the upstream meanwhile and end the wait when it answers again. */
  probeUpstream: boolean;
  /** The failure showed the upstream unreachable (not merely a query that failed). */
  unreachable: boolean;
}

/** Options of {@linkcode ReflectorFailures}. */
export interface ReflectorFailuresOptions {
  /** First backoff delay. */
  backoffInitialMs: number;
  /** Longest backoff delay. */
  backoffMaxMs: number;
  /** Time between upstream probes during a backoff wait (0: no probes). */
  probeIntervalMs: number;
  /** Where failures and recoveries are logged. */
  log: Logger;
  /** Where failures are counted. */
  metrics: ReflectorMetrics;
  /** The `id` label. */
  labels: { id: string };
  /** Shortest time between two failure lines (default 30 s). */
  logIntervalMs?: number;
}

/**
 * Failure state and retry decisions of one reflector loop.
 *
 * @example
 * ```ts
 * import { silentLogger } from "../log/mod.ts";
 * import { createRegistry } from "../metrics/mod.ts";
 * import { ReflectorFailures } from "./failures.ts";
 * import { reflectorMetrics } from "./metrics.ts";
 *
 * const failures = new ReflectorFailures({
 *   backoffInitialMs: 100,
 *   backoffMaxMs: 30_000,
 *   probeIntervalMs: 1000,
 *   log: silentLogger,
 *   metrics: reflectorMetrics(createRegistry("reflector", "0.1.0")),
 *   labels: { id: "ldb.db-0" },
 * });
 * failures.upstreamFailed(new Error("connect ECONNREFUSED")).delayMs; // 100
 * failures.upstreamRead();
 * failures.stepSucceeded();
 * ```
 */
export class ReflectorFailures {
  readonly #options: ReflectorFailuresOptions;
  readonly #backoff: Backoff;
  readonly #upstreamLog: RateLimitedLog;
  readonly #applyLog: RateLimitedLog;
  #failing?: FailingEntry;
  #outage?: UpstreamOutage;

  /**
   * Creates the tracker with no failure recorded.
   *
   * @param options Backoff, probe interval, log and metrics.
   */
  constructor(options: ReflectorFailuresOptions) {
    this.#options = options;
    this.#backoff = new Backoff(options.backoffInitialMs, options.backoffMaxMs);
    const intervalMs = options.logIntervalMs ?? 30_000;
    this.#upstreamLog = new RateLimitedLog(options.log, "ledger read failed; retrying", {
      level: "warn",
      intervalMs,
    });
    this.#applyLog = new RateLimitedLog(options.log, "ledger entry fails to apply; retrying", {
      level: "error",
      intervalMs,
    });
  }

  /** The entry that fails to apply, if any. */
  get failing(): FailingEntry | undefined {
    return this.#failing && { ...this.#failing };
  }

  /** The current upstream outage, if any. */
  get upstreamOutage(): UpstreamOutage | undefined {
    return this.#outage && { ...this.#outage };
  }

  /** The ledger was read: an outage is over (logged once, with its failure count). */
  upstreamRead(): void {
    if (!this.#outage) return;
    this.#upstreamLog.recovered("ledger readable again", { lastError: this.#outage.error });
    this.#outage = undefined;
  }

  /** A whole read-and-apply step succeeded: the next failure waits the shortest delay again. */
  stepSucceeded(): void {
    this.#backoff.reset();
  }

  /**
   * Clears the failing entry once it is committed.
   *
   * @param committedSeq The LDB's committed seq.
   * @returns Whether a failing entry was cleared.
   */
  applied(committedSeq: number): boolean {
    if (!this.#failing || committedSeq < this.#failing.seq) return false;
    this.#applyLog.recovered("failing ledger entry applied; resuming", {
      seq: this.#failing.seq,
      attempts: this.#failing.attempts,
    });
    this.#failing = undefined;
    this.#options.metrics.failingSeq.set(this.#options.labels, 0);
    return true;
  }

  /**
   * Records an entry that failed to apply (everything uncommitted was rolled back).
   *
   * @returns The wait: none the first time (the retry commits each ledger transaction, so
   *   everything before the failing entry becomes visible), then the backoff.
   */
  applyFailed(error: ApplyError): RetryPlan {
    const { metrics, labels } = this.#options;
    const previous = this.#failing;
    const attempts = previous?.seq === error.seq ? previous.attempts + 1 : 1;
    const delayMs = attempts === 1 ? 0 : this.#backoff.next();
    this.#failing = {
      seq: error.seq,
      statement: error.statement,
      error: error.reason,
      since: previous?.since ?? new Date(),
      attempts,
      retryInMs: delayMs,
    };
    metrics.applyErrors.inc(labels);
    metrics.errors.inc({ ...labels, kind: "apply" });
    metrics.failingSeq.set(labels, error.seq);
    this.#applyLog.failure({
      seq: error.seq,
      attempts,
      error: error.reason,
      statement: error.statement.slice(0, 200),
      retryInMs: delayMs,
    });
    return { delayMs, probeUpstream: false, unreachable: false };
  }

  /**
   * Records a failed ledger read (timeouts included: they count as the upstream being down).
   *
   * @returns The backoff wait, with upstream probes.
   */
  upstreamFailed(error: unknown): RetryPlan {
    const { metrics, labels, probeIntervalMs } = this.#options;
    const message = errorMessage(error);
    this.#outage ??= { error: message, since: new Date() };
    this.#outage.error = message;
    metrics.errors.inc({
      ...labels,
      kind: error instanceof PollTimeoutError ? "poll_timeout" : "upstream",
    });
    const delayMs = this.#backoff.next();
    this.#upstreamLog.failure({ error: message, retryInMs: delayMs });
    return {
      delayMs,
      probeUpstream: probeIntervalMs > 0,
      unreachable: error instanceof CtldbUnavailableError,
    };
  }
}
