/**
 * Reflector health and its HTTP endpoint. A reflector is healthy when no ledger entry is failing
 * to apply and either it has applied everything upstream has (caught up, however old the last
 * write: an idle ledger is not a stale LDB, spec §19.3 #27) or its ledger latency is below
 * `-ledger-latency.max-healty-latency`. The `-metrics-bind` server answers `GET /metrics`
 * (Prometheus) and `GET /healthz` (200, or 503 with a one-line reason).
 *
 * @module
 */
import { formatGoDuration } from "../flags/mod.ts";
import { Router, type RunningServer, startServer } from "../http/mod.ts";
import { metricsResponse, type Registry } from "../metrics/mod.ts";

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
  failing?: { seq: number; statement: string; error: string; since: Date; attempts: number };
  /** The last upstream failure, while it lasts. */
  upstreamError?: { error: string; since: Date };
}

/** A health verdict with its one-line reason. */
export interface HealthReport {
  /** Whether `/healthz` answers 200. */
  healthy: boolean;
  /** One line saying why. */
  reason: string;
}

function shortStatement(statement: string): string {
  return statement.length > 120 ? `${statement.slice(0, 117)}...` : statement;
}

/**
 * Judges a reflector's health.
 *
 * @param status The reflector's status.
 * @param maxHealthyLatencyMs The latency above which a reflector that is behind is unhealthy.
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
  if (down && Date.now() - down.since.getTime() > maxHealthyLatencyMs) {
    return {
      healthy: false,
      reason: `upstream unavailable since ${down.since.toISOString()}: ${down.error}`,
    };
  }
  if (status.caughtUp) return { healthy: true, reason: `caught up at seq ${status.appliedSeq}` };
  const latency = status.ledgerLatencyMs;
  const behind = `${status.lagStatements} statements behind at seq ${status.appliedSeq}`;
  const upstream = down ? `; upstream unavailable: ${down.error}` : "";
  if (latency === undefined) {
    return { healthy: false, reason: `no ledger entry applied yet; ${behind}${upstream}` };
  }
  if (latency > maxHealthyLatencyMs) {
    return {
      healthy: false,
      reason: `ledger latency ${formatGoDuration(latency)} exceeds ${
        formatGoDuration(maxHealthyLatencyMs)
      }; ${behind}${upstream}`,
    };
  }
  return { healthy: true, reason: `${behind}, latency ${formatGoDuration(latency)}` };
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
    .add("GET", "/healthz", () => {
      const report = health();
      const line = report.healthy ? `ok: ${report.reason}` : report.reason;
      return new Response(`${line.replace(/[\r\n]+/g, " ")}\n`, {
        status: report.healthy ? 200 : 503,
        headers: { "content-type": "text/plain; charset=utf-8" },
      });
    });
  return startServer(bind, async (request) => (await router.handle(request)).response);
}
