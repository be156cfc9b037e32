/**
 * Starting and stopping the operator console: the LDB source, the executive, the fleet poller
 * (the configured targets, and the console's own LDB when there is one), and the HTTP server.
 * Stopping ends open `/watch` streams, drains requests, stops polling and counting, and closes
 * the LDB. Pages and routes are `routes.ts`.
 *
 * @module
 */
import { formatListenAddress, startServer } from "../http/mod.ts";
import { errorMessage, silentLogger } from "../log/mod.ts";
import { defaultLdbPath } from "../reader/mod.ts";
import type { RunningService } from "../service.ts";
import { CONSOLE_DEFAULTS, type ConsoleConfig, resolveConsoleConfig } from "./config.ts";
import type { ConsoleContext } from "./context.ts";
import { ExecutiveSource } from "./executive_source.ts";
import { FleetPoller, type FleetSource } from "./fleet.ts";
import { readTarget, targetLabel, type TargetReading } from "./fleet_target.ts";
import { LdbSource } from "./ldb_source.ts";
import { createConsoleHandler } from "./routes.ts";
import { TableStats } from "./table_stats.ts";

/** A running console. */
export interface RunningConsole extends RunningService, AsyncDisposable {
  /** The bound address (the real port when port 0 was asked for). */
  readonly address: { hostname: string; port: number };
  /** The console's base URL, e.g. `http://127.0.0.1:1332`. */
  readonly url: string;
}

/** The console's own LDB as a fleet target: its applied seq and latency, read directly. */
function ldbTarget(ldb: LdbSource): FleetSource {
  return {
    label: "console LDB",
    url: ldb.path,
    read(): Promise<TargetReading> {
      const at = Date.now();
      try {
        const reader = ldb.reader();
        let latencySeconds: number | undefined;
        try {
          latencySeconds = reader.getLedgerLatency() / 1000;
        } catch {
          // Nothing applied yet: no latency to show.
        }
        return Promise.resolve({
          at,
          reachable: true,
          kind: "ldb",
          appliedSeq: reader.getLastSequence(),
          latencySeconds,
        });
      } catch (error) {
        return Promise.resolve({ at, reachable: false, kind: "ldb", error: errorMessage(error) });
      }
    },
  };
}

/**
 * Starts the console.
 *
 * @throws {SettingError} For a bad setting, before anything starts.
 * @throws {Error} When the address cannot be bound.
 * @example
 * ```ts
 * await using running = await startConsole({
 *   bind: "127.0.0.1:1332",
 *   executiveUrl: "http://127.0.0.1:3000",
 *   ldbPath: "./data/ldb.db",
 *   targets: ["http://127.0.0.1:1331/metrics"],
 * });
 * ```
 */
export async function startConsole(settings: ConsoleConfig = {}): Promise<RunningConsole> {
  const config = resolveConsoleConfig(settings);
  const log = config.logger ?? silentLogger;
  const ldb = new LdbSource(config.ldbPath || defaultLdbPath());
  const executive = config.executiveUrl
    ? new ExecutiveSource(config.executiveUrl, config.adminToken)
    : undefined;
  const sources: FleetSource[] = [
    ldbTarget(ldb),
    ...config.targets.map((url) => ({
      label: targetLabel(url),
      url,
      read: (ms: number) => readTarget(url, ms),
    })),
  ];
  const fleet = new FleetPoller(sources, {
    pollIntervalMs: config.pollIntervalMs,
    lagThresholdMs: config.lagThresholdMs,
    historyMs: CONSOLE_DEFAULTS.historyMs,
  });
  const stats = new TableStats(() => ldb.db());
  const ctx: ConsoleContext = { config, ldb, stats, executive, fleet };
  const closing = new AbortController();
  const handler = createConsoleHandler(ctx, { signal: closing.signal, logger: log });
  const server = await startServer(config.bind, handler, config.server ?? {});
  fleet.start();
  const url = `http://${
    formatListenAddress({
      hostname: server.address.hostname === "0.0.0.0" ? "127.0.0.1" : server.address.hostname,
      port: server.address.port,
    })
  }`;
  log.info("console listening", { address: formatListenAddress(server.address), ldb: ldb.path });
  const done = Promise.withResolvers<void>();
  let stopping: Promise<void> | undefined;
  const stop = () =>
    stopping ??= (async () => {
      closing.abort();
      await server.shutdown();
      await Promise.all([fleet.stop(), stats.close()]);
      ldb.close();
      log.info("console stopped");
      done.resolve();
    })();
  config.signal?.addEventListener("abort", () => void stop(), { once: true });
  if (config.signal?.aborted) void stop();
  void server.finished.then(stop, (error: unknown) => {
    log.error("console server failed", { error: errorMessage(error) });
    return stop();
  });
  return {
    address: server.address,
    url,
    stop,
    finished: done.promise,
    [Symbol.asyncDispose]: stop,
  };
}
