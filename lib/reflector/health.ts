/**
 * Reflector health and its HTTP endpoint. A reflector is healthy when it runs, no read or write
 * has found its LDB damaged or unreadable (that stays until a restart), no ledger entry
 * is failing to apply, the upstream has not been unreadable for longer than
 * `-ledger-latency.max-healty-latency`, and its ledger latency (the age of the last applied
 * write) is within that limit. The last rule holds when caught up too: the heartbeat writes
 * every 15 s, so a latency beyond the limit means the heartbeat or the executive has stopped,
 * and every host shows it. A reflector that has never applied an entry of a ledger it has
 * caught up with (an empty ledger) has no latency and is healthy. The `-metrics-bind` server
 * answers `GET /metrics` (Prometheus) and `GET /healthz` (200, or 503 with a one-line reason).
 *
 * @module
 */
import { formatGoDuration } from "../flags/mod.ts";
import {
  type HealthReport,
  healthResponse,
  Router,
  type RunningServer,
  startServer,
} from "../http/mod.ts";
import { type LdbFault, ldbFaultReason } from "../ldb/mod.ts";
import { metricsResponse, type Registry } from "../metrics/mod.ts";
import type { FailingEntry, UpstreamOutage } from "./failures.ts";

export type { HealthReport };

/** A reflector's progress, as `status()` reports it. */
export interface ReflectorStatus {
  /** Reflector ID, `<basename(ldb)>-<index>`. */
  id: string;
  /** The LDB file. */
  ldbPath: string;
  /** Whether the main loop is running. */
  running: boolean;
  /** `_ldb_seq` as committed (what readers see). */
  appliedSeq: number;
  /** The highest ledger seq seen upstream; `undefined` until the ledger was first read. */
  upstreamMaxSeq?: number;
  /** Ledger entries not yet applied (0 when unknown). */
  lagStatements: number;
  /** Age of the last applied entry while behind, 0 when caught up. */
  lagSeconds?: number;
  /** Milliseconds since the `leader_ts` of the last applied entry. */
  ledgerLatencyMs?: number;
  /** Everything upstream has been applied. */
  caughtUp: boolean;
  /** The entry that fails to apply, retried with backoff. */
  failing?: FailingEntry;
  /** The last upstream failure, while it lasts. */
  upstreamError?: UpstreamOutage;
  /** A read or write found the LDB damaged or unreadable (kept until a restart). */
  ldbFault?: LdbFault;
}

function shortStatement(statement: string): string {
  return statement.length > 120 ? `${statement.slice(0, 117)}...` : statement;
}

/**
 * Judges a reflector's health.
 *
 * @param status The reflector's status.
 * @param maxHealthyLatencyMs The ledger latency (and upstream outage) above which a reflector
 *   is unhealthy, caught up or not.
 * @returns The verdict and a one-line reason.
 *
 * @example
 * ```ts
 * import { evaluateHealth } from "./health.ts";
 *
 * evaluateHealth({
 *   id: "ldb.db-0",
 *   ldbPath: "/tmp/ldb.db",
 *   running: true,
 *   appliedSeq: 10,
 *   upstreamMaxSeq: 10,
 *   lagStatements: 0,
 *   caughtUp: true,
 * }, 60_000); // { healthy: true, reason: "caught up at seq 10" }
 * ```
 */
export function evaluateHealth(status: ReflectorStatus, maxHealthyLatencyMs: number): HealthReport {
  if (!status.running) return { healthy: false, reason: "reflector is not running" };
  if (status.ldbFault) return { healthy: false, reason: ldbFaultReason(status.ldbFault) };
  if (status.failing) {
    const { seq, error, statement, attempts } = status.failing;
    return {
      healthy: false,
      reason: `ledger seq ${seq} fails to apply (${attempts} attempts): ${error}; statement: ${
        shortStatement(statement)
      }`,
    };
  }
  const down = status.upstreamError;
  const latency = status.ledgerLatencyMs;
  const stale = latency !== undefined && latency > maxHealthyLatencyMs;
  // A stale LDB with an unreadable upstream is the outage's fault, whatever its length.
  if (down && (stale || Date.now() - down.since.getTime() > maxHealthyLatencyMs)) {
    return {
      healthy: false,
      reason: `upstream unavailable since ${down.since.toISOString()}: ${down.error}`,
    };
  }
  const position = status.caughtUp
    ? `caught up at seq ${status.appliedSeq}`
    : `${status.lagStatements} statements behind at seq ${status.appliedSeq}`;
  const upstream = down ? `; upstream unavailable: ${down.error}` : "";
  if (stale) {
    const stalled = status.caughtUp ? ", no new ledger entries (is the heartbeat writing?)" : "";
    return {
      healthy: false,
      reason: `ledger latency ${formatGoDuration(latency)} exceeds ${
        formatGoDuration(maxHealthyLatencyMs)
      }; ${position}${stalled}`,
    };
  }
  if (status.caughtUp) {
    const age = latency === undefined ? "" : `, latency ${formatGoDuration(latency)}`;
    return { healthy: true, reason: `${position}${age}` };
  }
  if (latency === undefined) {
    return { healthy: false, reason: `no ledger entry applied yet; ${position}${upstream}` };
  }
  return { healthy: true, reason: `${position}, latency ${formatGoDuration(latency)}` };
}

/**
 * Starts the `-metrics-bind` server: `GET /metrics` and `GET /healthz`.
 *
 * @param bind Go listen address, e.g. `0.0.0.0:9090`.
 * @param registry The metrics to serve.
 * @param health Computes the current health.
 * @throws {Error} When the address cannot be bound.
 * @example
 * ```ts
 * import { createRegistry } from "../metrics/mod.ts";
 * import { startHealthServer } from "./health.ts";
 *
 * const server = await startHealthServer("127.0.0.1:0", createRegistry("reflector", "0.1.0"), () => ({
 *   healthy: true,
 *   reason: "caught up at seq 1",
 * }));
 * await server.shutdown();
 * ```
 */
export function startHealthServer(
  bind: string,
  registry: Registry,
  health: () => HealthReport,
): Promise<RunningServer> {
  const router = new Router()
    .add("GET", "/metrics", () => metricsResponse(registry))
    .add("GET", "/healthz", () => healthResponse(health()));
  return startServer(bind, async (request) => (await router.handle(request)).response);
}
