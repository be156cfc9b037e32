/**
 * The supervisor service (spec §12, DESIGN §3.7): an embedded reflector that keeps running,
 * and a loop that every interval copies its LDB online and publishes the copy to every
 * destination, unless the reflector lags upstream by more than the allowed number of ledger
 * statements. `/metrics` and `/healthz` are served when a metrics address is set.
 *
 * It owns the loop, the health state and the shutdown order (uploads, reflector, server, temp
 * file); its settings' defaults and checks (`config.ts`), snapshots, uploads and the reflector
 * itself live in their own modules.
 *
 * @module
 */
import type { RunningService } from "../service.ts";
import { dirname } from "node:path";
import { sleep } from "../backoff.ts";
import { Router, type RunningServer, startServer } from "../http/mod.ts";
import { removeLdbFiles } from "../ldb/mod.ts";
import { errorMessage, silentLogger } from "../log/mod.ts";
import { createRegistry, metricsResponse } from "../metrics/mod.ts";
import { type RunningReflector, startReflector } from "../reflector/mod.ts";
import { VERSION } from "../version.ts";
import { resolveSupervisorConfig, type SupervisorConfig } from "./config.ts";
import { parseSnapshotDestinations } from "./destination.ts";
import { createSupervisorMetrics } from "./metrics.ts";
import { type RoundOutcome, runSnapshotRound } from "./round.ts";

/** A running supervisor. */
export interface RunningSupervisor extends RunningService {
  /** The metrics server's address, when one was asked for. */
  readonly address?: { hostname: string; port: number };
  /** The embedded reflector. */
  readonly reflector: RunningReflector;
  /** Resolves with the outcome of the next snapshot round to finish. */
  nextRound(): Promise<RoundOutcome>;
  /** Aborts a running upload, stops the reflector and the server, removes temp files. */
  stop(): Promise<void>;
  /** Settles when the supervisor has stopped; rejects when the embedded reflector failed. */
  readonly finished: Promise<void>;
}

function healthText(
  reflector: RunningReflector,
  outcome: RoundOutcome | undefined,
): string | undefined {
  const health = reflector.health();
  if (!health.healthy) return `embedded reflector: ${health.reason}`;
  if (outcome?.kind === "failed") return `last snapshot failed: ${outcome.error.message}`;
  if (outcome?.kind === "skipped") return `last snapshot not published: ${outcome.reason}`;
  return undefined;
}

/**
 * Starts the embedded reflector, the metrics server and the snapshot loop.
 *
 * @throws {SettingError} For a bad setting, the embedded reflector's included, before anything
 *   is created (see `config.ts`).
 * @throws {Error} For a bad snapshot URL (`configure snapshot for '<url>': Unknown scheme <s>`),
 *   a reflector that cannot start, or a metrics address that cannot be bound.
 * @example
 * ```ts
 * const supervisor = await startSupervisor({
 *   reflector: { ldbPath: "/data/supervisor-ldb.db", upstreamDriver: "mysql", upstreamDsn: dsn },
 *   snapshotUrls: "file:///snapshots/snapshot.db,s3://bucket/snapshot.db.gz",
 *   snapshotIntervalMs: 60_000,
 * });
 * await supervisor.stop();
 * ```
 */
export async function startSupervisor(settings: SupervisorConfig): Promise<RunningSupervisor> {
  const config = resolveSupervisorConfig(settings);
  const logger = config.logger ?? silentLogger;
  const { snapshotIntervalMs: intervalMs, maxSnapshotLag: maxLag, retryDelayMs } = config;
  const destinations = parseSnapshotDestinations(config.snapshotUrls, { s3: config.s3 ?? {} });
  if (destinations.length === 0) throw new TypeError("no snapshot URL given");

  const registry = config.registry ?? createRegistry("supervisor", VERSION);
  registry.setDefaultLabels({ version: VERSION, shadow: String(config.shadow ?? false) });
  const metrics = createSupervisorMetrics(registry);
  const ldbPath = config.reflector.ldbPath;
  const snapshotPath = `${ldbPath}.snapshot`;
  await Deno.mkdir(dirname(ldbPath), { recursive: true, mode: 0o700 });
  await removeLdbFiles(snapshotPath);

  const reflector = await startReflector({
    ...config.reflector,
    bootstrapNotFoundIsEmpty: true,
    logger: config.reflector.logger ?? logger.child("reflector"),
    registry,
  });
  const controller = new AbortController();
  let lastOutcome: RoundOutcome | undefined;
  const waiters: ((outcome: RoundOutcome) => void)[] = [];

  let server: RunningServer | undefined;
  if (config.metricsBind) {
    const router = new Router();
    router.add("GET", "/metrics", () => metricsResponse(registry));
    router.add("GET", "/healthz", () => {
      const problem = healthText(reflector, lastOutcome);
      return new Response(`${problem ?? "ok"}\n`, { status: problem ? 503 : 200 });
    });
    try {
      server = await startServer(
        config.metricsBind,
        async (request) => (await router.handle(request)).response,
      );
    } catch (error) {
      await reflector.stop();
      throw error;
    }
  }

  const loop = (async () => {
    let delay = intervalMs;
    while (!controller.signal.aborted) {
      await sleep(delay, controller.signal);
      if (controller.signal.aborted) break;
      const outcome = await runSnapshotRound({
        ldbPath,
        snapshotPath,
        destinations,
        maxLag,
        position: () => reflector.status(),
        metrics,
        logger,
        signal: controller.signal,
      });
      if (controller.signal.aborted && outcome.kind === "failed") break;
      lastOutcome = outcome;
      for (const resolve of waiters.splice(0)) resolve(outcome);
      delay = outcome.kind === "published" ? intervalMs : retryDelayMs;
    }
  })();

  const done = Promise.withResolvers<void>();
  let failure: unknown;
  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> =>
    stopping ??= (async () => {
      controller.abort(new Error("supervisor stopping"));
      await loop;
      const stopped = new Error("supervisor stopped");
      for (const resolve of waiters.splice(0)) resolve({ kind: "failed", error: stopped });
      for (
        const step of [
          () => reflector.stop(),
          () => server?.shutdown(),
          () => removeLdbFiles(snapshotPath),
        ]
      ) {
        try {
          await step();
        } catch (error) {
          logger.warn("error while stopping", { error: errorMessage(error) });
        }
      }
      logger.info("supervisor stopped");
      if (failure === undefined) done.resolve();
      else done.reject(failure);
    })();
  reflector.finished.then(
    () => new Error("the embedded reflector stopped unexpectedly"),
    (error: unknown) => error,
  ).then((error) => {
    if (stopping) return;
    failure = error;
    logger.error("embedded reflector failed", { error: errorMessage(error) });
    void stop();
  });

  return {
    ...(server ? { address: server.address } : {}),
    reflector,
    nextRound: () => new Promise((resolve) => waiters.push(resolve)),
    stop,
    finished: done.promise,
  };
}
