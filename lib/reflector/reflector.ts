/**
 * The reflector main loop (spec §10.3; DESIGN §3.6): read the ledger block by block and apply
 * it, forever, until stopped. Startup (bootstrap, opening things) is in `start.ts`.
 *
 * While a block comes back full the loop reads on at once and lets the applier batch
 * consecutive entries into one SQLite transaction; when caught up it commits and sleeps the
 * jittered poll interval. Failures never end the loop: upstream errors and failing entries are
 * retried with capped exponential backoff (an unreachable upstream is probed meanwhile); a
 * failing entry is reported with its seq in the log, the metrics (`apply_errors_total`,
 * `failing_seq`) and the health answer, and entries before it are committed one ledger
 * transaction at a time so only the failing one waits. Sequence gaps are handled by the ledger
 * source. This module owns the loop, status, metrics updates and shutdown; the pieces live in
 * `ledger_source.ts`, `applier.ts`, `failures.ts`, `changelog.ts`, `wal_checkpointer.ts`.
 *
 * @module
 */
import type { RunningService } from "../service.ts";
import type { DatabaseSync } from "node:sqlite";
import type { RunningServer } from "../http/mod.ts";
import { sleep } from "../backoff.ts";
import { getLdbLastUpdate, LdbFaultLatch } from "../ldb/mod.ts";
import { errorMessage, type Logger, silentLogger } from "../log/mod.ts";
import { createRegistry, type Registry } from "../metrics/mod.ts";
import { VERSION } from "../version.ts";
import { Applier, ApplyError, type CommitInfo } from "./applier.ts";
import { jitteredInterval, sleepUntilReachable } from "./backoff.ts";
import { type ChangeHistoryStats, openChangeHistory } from "./change_history.ts";
import type { ChangelogFile } from "./changelog.ts";
import type { ResolvedReflectorConfig } from "./config.ts";
import { ReflectorFailures, type RetryPlan } from "./failures.ts";
import { evaluateHealth, type HealthReport, type ReflectorStatus } from "./health.ts";
import type { LedgerBlock, LedgerSource } from "./ledger_source.ts";
import { type ReflectorMetrics, reflectorMetrics } from "./metrics.ts";
import { WalCheckpointer } from "./wal_checkpointer.ts";

/** A started reflector. */
export interface RunningReflector extends RunningService {
  /** Reflector ID (`<basename(ldb)>-<index>`), the `id` label of its metrics. */
  readonly id: string;
  /** The LDB file it writes. */
  readonly ldbPath: string;
  /** The registry holding its metrics. */
  readonly registry: Registry;
  /** The `-metrics-bind` address actually bound, when serving. */
  readonly address?: { hostname: string; port: number };
  /** Progress: applied and upstream seqs, lag, the failing entry if any. */
  status(): ReflectorStatus;
  /** Health as `/healthz` reports it. */
  health(): HealthReport;
  /** Resolves once `_ldb_seq` ≥ `seq` is committed; rejects when stopped or on `signal`. */
  waitForSeq(seq: number, signal?: AbortSignal): Promise<void>;
  /** Stops after the current step: rolls back an open transaction, closes the LDB. */
  stop(): Promise<void>;
  /** Resolves when the reflector has stopped and closed everything. */
  readonly finished: Promise<void>;
}

interface Waiter {
  seq: number;
  resolve: () => void;
  reject: (error: Error) => void;
}

/** How often the upstream max seq is re-read while catching up (for lag metrics). */
const MAX_SEQ_REFRESH_MS = 1000;

/**
 * The main loop over an opened LDB and upstream. Not constructed directly: {@linkcode
 * startReflector} bootstraps, opens the LDB and the ledger source, builds it and serves it.
 */
export class Reflector implements RunningReflector {
  readonly id: string;
  readonly ldbPath: string;
  readonly registry: Registry;
  /** The `id` label of every metric it updates. */
  readonly #labels: { id: string };
  address?: { hostname: string; port: number };
  readonly finished: Promise<void>;
  readonly #config: ResolvedReflectorConfig;
  readonly #log: Logger;
  readonly #db: DatabaseSync;
  readonly #source: LedgerSource;
  readonly #applier: Applier;
  readonly #wal: WalCheckpointer;
  readonly #metrics: ReflectorMetrics;
  readonly #changelog?: ChangelogFile;
  readonly #abort = new AbortController();
  readonly #waiters = new Set<Waiter>();
  readonly #failures: ReflectorFailures;
  /** A read or write found the LDB damaged: `/healthz` answers 503 until a restart. */
  readonly #ldbFault = new LdbFaultLatch((fault) =>
    this.#log.error("the LDB is damaged or unreadable; /healthz answers 503 until a restart", {
      error: fault.error,
    })
  );
  #server?: RunningServer;
  #latencyTimer?: ReturnType<typeof setInterval>;
  #running = true;
  #upstreamMaxSeq?: number;
  #maxSeqReadAt = -Infinity;
  #lastUpdate?: Date;

  /**
   * Starts the loop at once; call {@linkcode Reflector.serve} for metrics.
   *
   * @param config The resolved configuration.
   * @param db The LDB, opened for writing; closed when the reflector stops.
   * @param source The upstream ledger; closed when the reflector stops.
   * @param changelog The changelog file, when enabled; closed when the reflector stops.
   */
  constructor(
    config: ResolvedReflectorConfig,
    db: DatabaseSync,
    source: LedgerSource,
    changelog: ChangelogFile | undefined,
  ) {
    this.#config = config;
    this.id = config.id;
    this.#labels = { id: config.id };
    this.ldbPath = config.ldbPath;
    this.#log = config.logger ?? silentLogger;
    this.registry = config.registry ?? createRegistry("reflector", VERSION);
    this.#metrics = reflectorMetrics(this.registry);
    this.#db = db;
    this.#source = source;
    this.#changelog = changelog;
    this.#failures = new ReflectorFailures({
      backoffInitialMs: config.backoffInitialMs,
      backoffMaxMs: config.backoffMaxMs,
      probeIntervalMs: config.upstreamProbeIntervalMs,
      log: this.#log,
      metrics: this.#metrics,
      labels: this.#labels,
    });
    const history = openChangeHistory(db, config.changeHistorySize, this.#log);
    if (history) this.#onHistory(history.stats());
    this.#applier = new Applier(db, {
      log: this.#log,
      ...(changelog ? { changelog } : {}),
      ...(history ? { history } : {}),
      maxBatchStatements: config.maxBatchStatements,
      maxBatchMs: config.maxBatchMs,
      families: config.families,
      onCommit: (info) => this.#onCommit(info),
    });
    this.#lastUpdate = getLdbLastUpdate(db);
    this.#wal = new WalCheckpointer(db, {
      ldbPath: config.ldbPath,
      intervalMs: config.walPollIntervalMs,
      thresholdBytes: config.walCheckpointThresholdSize,
      type: config.walCheckpointType,
      busyTimeoutMs: config.busyTimeoutMs,
      log: this.#log,
      onSize: (bytes) => this.#metrics.walFileSize.set(this.#labels, bytes),
      onCheckpoint: (r) =>
        this.#metrics.walCheckpoints.inc({ ...this.#labels, busy: String(r.busy) }),
      onError: (kind, error) => {
        this.#ldbFault.record(error);
        this.#metrics.errors.inc({ ...this.#labels, kind });
      },
    });
    this.#initMetrics();
    this.#updateGauges();
    this.finished = this.#run();
  }

  /**
   * Starts the latency gauge timer and takes over the `-metrics-bind` server, which `start.ts`
   * binds before anything else so a bad address creates nothing (shut down on stop).
   */
  serve(server?: RunningServer): void {
    this.#latencyTimer = setInterval(() => {
      if (!this.#wal.enabled) this.#wal.measure();
      this.#updateGauges();
    }, this.#config.ledgerLatencyPollIntervalMs);
    if (server) {
      this.#server = server;
      this.address = server.address;
    }
  }

  status(): ReflectorStatus {
    const appliedSeq = this.#applier.committedSeq;
    const max = this.#upstreamMaxSeq;
    const caughtUp = max !== undefined && appliedSeq >= max;
    const latency = this.#lastUpdate ? Date.now() - this.#lastUpdate.getTime() : undefined;
    const status: ReflectorStatus = {
      id: this.id,
      ldbPath: this.ldbPath,
      running: this.#running,
      appliedSeq,
      lagStatements: max === undefined ? 0 : Math.max(0, max - appliedSeq),
      caughtUp,
    };
    if (max !== undefined) status.upstreamMaxSeq = max;
    if (latency !== undefined) status.ledgerLatencyMs = latency;
    if (caughtUp) status.lagSeconds = 0;
    else if (latency !== undefined) status.lagSeconds = latency / 1000;
    const { failing, upstreamOutage } = this.#failures;
    if (failing) status.failing = failing;
    if (upstreamOutage) status.upstreamError = upstreamOutage;
    const ldbFault = this.#ldbFault.fault;
    if (ldbFault) status.ldbFault = ldbFault;
    return status;
  }

  health(): HealthReport {
    return evaluateHealth(this.status(), this.#config.maxHealthyLatencyMs);
  }

  waitForSeq(seq: number, signal?: AbortSignal): Promise<void> {
    if (this.#applier.committedSeq >= seq) return Promise.resolve();
    if (!this.#running) return Promise.reject(new Error(`reflector ${this.id} is stopped`));
    return new Promise((resolve, reject) => {
      const onAbort = () => {
        this.#waiters.delete(waiter);
        reject(signal?.reason ?? new Error("aborted"));
      };
      const waiter: Waiter = {
        seq,
        resolve: () => {
          signal?.removeEventListener("abort", onAbort);
          resolve();
        },
        reject,
      };
      this.#waiters.add(waiter);
      signal?.addEventListener("abort", onAbort, { once: true });
    });
  }

  async stop(): Promise<void> {
    this.#abort.abort();
    await this.finished;
  }

  async #run(): Promise<void> {
    const signal = this.#abort.signal;
    const aborted = new Promise<undefined>((resolve) =>
      signal.addEventListener("abort", () => resolve(undefined), { once: true })
    );
    this.#log.info("reflector started", { id: this.id, seq: this.#applier.committedSeq });
    while (!signal.aborted) {
      let plan: RetryPlan | undefined;
      let delay = 0;
      try {
        const block = await Promise.race([this.#source.read(this.#applier.seq), aborted]);
        if (block === undefined) break;
        this.#failures.upstreamRead();
        delay = await this.#step(block);
        this.#failures.stepSucceeded();
      } catch (error) {
        plan = this.#onError(error);
        delay = plan.delayMs;
      }
      if (!this.#applier.inTransaction) this.#wal.maybeRun();
      this.#updateGauges();
      if (plan?.probeUpstream) {
        const probe = () => this.#source.ping();
        const { upstreamProbeIntervalMs } = this.#config;
        await sleepUntilReachable(delay, upstreamProbeIntervalMs, probe, plan.unreachable, signal);
      } else if (delay > 0) await sleep(delay, signal);
    }
    await this.#close();
  }

  /** Applies one block; returns how long to wait before the next read. */
  async #step(block: LedgerBlock): Promise<number> {
    const { entries } = block;
    const highest = entries.at(-1)?.seq ?? this.#applier.seq;
    const more = block.full && !block.waitingOnGap;
    if (entries.length > 0) this.#applier.apply(entries);
    if (this.#failures.applied(this.#applier.committedSeq)) this.#applier.commitEveryUnit = false;
    if (more) {
      if (performance.now() - this.#maxSeqReadAt > MAX_SEQ_REFRESH_MS) {
        this.#maxSeqReadAt = performance.now();
        const max = await this.#source.maxSeq().catch((error) => {
          this.#log.debug("cannot read the ledger max seq", { error: errorMessage(error) });
          return highest;
        });
        this.#upstreamMaxSeq = Math.max(highest, max);
      }
      return 0;
    }
    this.#applier.commit();
    if (!block.waitingOnGap) this.#upstreamMaxSeq = highest;
    else this.#upstreamMaxSeq = Math.max(this.#upstreamMaxSeq ?? 0, highest + 1);
    return jitteredInterval(this.#config.pollIntervalMs, this.#config.pollJitterCoefficient);
  }

  #onError(error: unknown): RetryPlan {
    if (!(error instanceof ApplyError)) {
      try {
        this.#applier.commit(); // keep the work done before an upstream failure
      } catch (commitError) {
        error = commitError;
      }
    }
    this.#ldbFault.record(error);
    this.#applier.rollback();
    if (!(error instanceof ApplyError)) return this.#failures.upstreamFailed(error);
    this.#applier.commitEveryUnit = true;
    return this.#failures.applyFailed(error);
  }

  #onCommit(info: CommitInfo): void {
    if (info.lastUpdate) this.#lastUpdate = info.lastUpdate;
    this.#metrics.statementsApplied.inc(this.#labels, info.entries);
    if (info.skipped > 0) this.#metrics.statementsSkipped.inc(this.#labels, info.skipped);
    this.#metrics.commits.inc(this.#labels);
    if (info.changelogEntries > 0) {
      this.#metrics.changelogEntries.inc(this.#labels, info.changelogEntries);
    }
    if (info.history) this.#onHistory(info.history);
    for (const waiter of this.#waiters) {
      if (info.seq >= waiter.seq) {
        this.#waiters.delete(waiter);
        waiter.resolve();
      }
    }
    // No transaction is open right after a commit: a long catch-up gets its checkpoints too.
    this.#wal.maybeRun();
  }

  #onHistory(stats: ChangeHistoryStats): void {
    this.#metrics.changeHistoryEntries.set(this.#labels, stats.entries);
    this.#metrics.changeHistoryRetainedAfter.set(this.#labels, stats.retainedAfter);
  }

  /** Exports every counter and the failing seq from the start, at 0. */
  #initMetrics(): void {
    const m = this.#metrics;
    for (const counter of [m.statementsApplied, m.commits, m.applyErrors, m.gapsSkipped]) {
      counter.inc(this.#labels, 0);
    }
    if (this.#changelog) m.changelogEntries.inc(this.#labels, 0);
    for (const kind of ["upstream", "poll_timeout", "apply", "wal_stat", "wal_checkpoint"]) {
      m.errors.inc({ ...this.#labels, kind }, 0);
    }
    m.failingSeq.set(this.#labels, 0);
  }

  #updateGauges(): void {
    const status = this.status();
    const m = this.#metrics;
    m.appliedSeq.set(this.#labels, status.appliedSeq);
    if (status.upstreamMaxSeq !== undefined) {
      m.upstreamMaxSeq.set(this.#labels, status.upstreamMaxSeq);
    }
    m.lagStatements.set(this.#labels, status.lagStatements);
    if (status.lagSeconds !== undefined) m.lagSeconds.set(this.#labels, status.lagSeconds);
    if (status.ledgerLatencyMs !== undefined) {
      m.ledgerLatency.set(this.#labels, status.ledgerLatencyMs / 1000);
    }
    const healthy = evaluateHealth(status, this.#config.maxHealthyLatencyMs).healthy;
    m.ledgerHealth.set({ ...this.#labels, status: "healthy" }, healthy ? 1 : 0);
    m.ledgerHealth.set({ ...this.#labels, status: "unhealthy" }, healthy ? 0 : 1);
  }

  async #close(): Promise<void> {
    this.#running = false;
    clearInterval(this.#latencyTimer);
    try {
      this.#applier.commit(); // keep finished work; an open ledger transaction is rolled back
    } catch (error) {
      this.#log.warn("final commit failed", { error: errorMessage(error) });
    }
    this.#applier.rollback();
    const stopped = new Error(`reflector ${this.id} stopped`);
    for (const waiter of this.#waiters) waiter.reject(stopped);
    this.#waiters.clear();
    await this.#server?.shutdown().catch(() => {});
    await this.#source.close().catch((error) =>
      this.#log.warn("closing upstream failed", { error: errorMessage(error) })
    );
    this.#changelog?.close();
    this.#db.close();
    this.#updateGauges();
    this.#log.info("reflector stopped", { id: this.id, seq: this.#applier.committedSeq });
  }
}
