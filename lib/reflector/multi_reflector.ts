/**
 * Several LDBs from one process (spec §2.6): one reflector per path, IDs `<basename>-<index>`,
 * the changelog only for the first path, one metrics registry and one `-metrics-bind` server
 * whose `/healthz` is healthy only when every reflector is. If one reflector cannot start, the
 * ones already started are stopped and the error is thrown.
 *
 * @module
 */
import type { RunningService } from "../service.ts";
import { formatListenAddress, type RunningServer } from "../http/mod.ts";
import { silentLogger } from "../log/mod.ts";
import { createRegistry, type Registry } from "../metrics/mod.ts";
import { VERSION } from "../version.ts";
import { type ReflectorConfig, reflectorId } from "./config.ts";
import { type HealthReport, type ReflectorStatus, startHealthServer } from "./health.ts";
import type { RunningReflector } from "./reflector.ts";
import { startReflector } from "./start.ts";

/** What {@linkcode startMultiReflector} needs. */
export interface MultiReflectorConfig extends Omit<ReflectorConfig, "ldbPath" | "id"> {
  /** The LDB files, at least two. */
  ldbPaths: string[];
}

/** Running reflectors sharing one process. */
export interface RunningMultiReflector extends RunningService {
  /** One reflector per LDB path, in order. */
  readonly reflectors: readonly RunningReflector[];
  /** The shared metrics registry. */
  readonly registry: Registry;
  /** The `-metrics-bind` address actually bound, when serving. */
  readonly address?: { hostname: string; port: number };
  /** Every reflector's status. */
  status(): ReflectorStatus[];
  /** Healthy when every reflector is; the reason names the first that is not. */
  health(): HealthReport;
  /** Stops every reflector. */
  stop(): Promise<void>;
  /** Resolves when every reflector has stopped. */
  readonly finished: Promise<void>;
}

/**
 * Starts one reflector per LDB path.
 *
 * @throws {Error} `multi-reflector mode requires at least 2 ldb paths`, or any reflector's
 *   startup error.
 * @example
 * ```ts
 * import { startMultiReflector } from "./multi_reflector.ts";
 *
 * const multi = await startMultiReflector({
 *   ldbPaths: ["/a/ldb.db", "/a/ldb-2.db"],
 *   upstreamDriver: "sqlite3",
 *   upstreamDsn: "./data/ctldb.db",
 * });
 * await multi.stop();
 * ```
 */
export async function startMultiReflector(
  config: MultiReflectorConfig,
): Promise<RunningMultiReflector> {
  const { ldbPaths, metricsBind, ...base } = config;
  if (ldbPaths.length < 2) throw new Error("multi-reflector mode requires at least 2 ldb paths");
  const log = config.logger ?? silentLogger;
  const registry = config.registry ?? createRegistry("reflector", VERSION);
  const reflectors: RunningReflector[] = [];
  let server: RunningServer | undefined;
  const stopAll = async () => {
    await server?.shutdown().catch(() => {});
    await Promise.all(reflectors.map((r) => r.stop()));
  };
  const health = (): HealthReport => {
    if (reflectors.length < ldbPaths.length) {
      return { healthy: false, reason: "multi-reflector is starting" };
    }
    const reports = reflectors.map((r) => ({ id: r.id, report: r.health() }));
    const bad = reports.find(({ report }) => !report.healthy);
    if (bad) return { healthy: false, reason: `${bad.id}: ${bad.report.reason}` };
    return {
      healthy: true,
      reason: reports.map(({ id, report }) => `${id}: ${report.reason}`).join("; "),
    };
  };
  try {
    // Bound first, so a bad address fails before any LDB is created.
    if (metricsBind) {
      server = await startHealthServer(metricsBind, registry, health);
      const { hostname, port } = server.address;
      log.info("serving metrics", { address: formatListenAddress({ hostname, port }) });
    }
    for (const [index, ldbPath] of ldbPaths.entries()) {
      const id = reflectorId(ldbPath, index);
      const withChangelog = index === 0;
      if (!withChangelog && base.changelogPath) {
        log.info("changelog disabled for all but the first LDB", { id });
      }
      reflectors.push(
        await startReflector({
          ...base,
          ldbPath,
          id,
          registry,
          logger: log.child(id),
          changelogPath: withChangelog ? base.changelogPath ?? "" : "",
          metricsBind: "",
        }),
      );
    }
  } catch (error) {
    await stopAll();
    throw error;
  }
  const running: RunningMultiReflector = {
    reflectors,
    registry,
    status: () => reflectors.map((r) => r.status()),
    health,
    stop: stopAll,
    finished: Promise.all(reflectors.map((r) => r.finished)).then(async () => {
      await server?.shutdown().catch(() => {});
    }),
  };
  return server ? { ...running, address: server.address } : running;
}
