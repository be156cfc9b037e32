/**
 * `ctlstore up`, the embedded default: one process runs an executive on a SQLite ctldb, a
 * reflector into an LDB, a sidecar over that LDB and a heartbeat, all under one data directory.
 * It composes the services' own start functions and adds nothing to them but wiring: paths,
 * start order (the sidecar needs the LDB the reflector creates) and reverse-order shutdown.
 *
 * @module
 */
import { formatListenAddress, parseListenAddress, type ServerOptions } from "../http/mod.ts";
import type { RunningService } from "../service.ts";
import { join, resolve } from "node:path";
import { type ExecutiveLimits, startExecutive } from "../executive/mod.ts";
import { startHeartbeat } from "../heartbeat/mod.ts";
import { createLogger, errorMessage, type Logger } from "../log/mod.ts";
import { startReflector } from "../reflector/mod.ts";
import { startSidecar } from "../sidecar/mod.ts";

/** Settings of {@linkcode startUp}. */
export interface UpConfig {
  /** Directory holding `ctldb.db`, `ldb.db`, `change.log` and the heartbeat secret. */
  dataDir: string;
  /** Executive listen address (default `127.0.0.1:3000`). */
  executiveBind?: string;
  /** Sidecar listen address (default `127.0.0.1:1331`). */
  sidecarBind?: string;
  /** Milliseconds between heartbeat writes (default 15 s). */
  heartbeatIntervalMs?: number;
  /** Milliseconds between ledger polls when idle (default 100). */
  pollIntervalMs?: number;
  /**
   * The families the LDB carries (a partial LDB, see the reflector's `families`); the heartbeat
   * family is added unless excluded with `-ctlstore`. Absent or empty: every family.
   */
  families?: readonly string[];
  /** The executive's writer rate limit and table sizes (its defaults where absent). */
  limits?: ExecutiveLimits;
  /** Idle timeout and connection cap of the executive and the sidecar. */
  server?: ServerOptions;
  /** Require `Authorization: Bearer <token>` on the executive's admin routes. */
  adminToken?: string;
  /** Enable the executive's drop-table and clear-rows routes. */
  enableDestructiveSchemaChanges?: boolean;
  /** Log debug lines. */
  debug?: boolean;
  /** Where log lines go (default stderr). */
  write?: (line: string) => void;
  /** Stops everything when aborted; aborting during start-up makes {@linkcode startUp} reject. */
  signal?: AbortSignal;
}

/** The files of a data directory. */
export interface UpPaths {
  dataDir: string;
  ctldb: string;
  ldb: string;
  changelog: string;
  heartbeatSecret: string;
}

/** A running `ctlstore up`. */
export interface RunningUp extends RunningService {
  readonly paths: UpPaths;
  /** Base URL of the executive, e.g. `http://127.0.0.1:3000`. */
  readonly executiveUrl: string;
  /** Base URL of the sidecar, e.g. `http://127.0.0.1:1331`. */
  readonly sidecarUrl: string;
  /** Stops heartbeat, sidecar, reflector and executive, in that order. */
  stop(): Promise<void>;
  /**
   * Settles once everything has stopped: after {@linkcode RunningUp.stop}, an abort, or one
   * service ending by itself (which stops the others; a failure rejects with its error).
   */
  readonly finished: Promise<void>;
}

/**
 * The files `ctlstore up` keeps in a data directory.
 *
 * @example
 * ```ts
 * upPaths("./data").ldb; // "/abs/path/data/ldb.db"
 * ```
 */
export function upPaths(dataDir: string): UpPaths {
  const dir = resolve(dataDir);
  return {
    dataDir: dir,
    ctldb: join(dir, "ctldb.db"),
    ldb: join(dir, "ldb.db"),
    changelog: join(dir, "change.log"),
    heartbeatSecret: join(dir, "heartbeat.secret"),
  };
}

/** Reads the heartbeat writer's secret, creating a random one (mode 0600) on first start. */
async function heartbeatSecret(path: string): Promise<string> {
  try {
    return (await Deno.readTextFile(path)).trim();
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
  const secret = Array.from(crypto.getRandomValues(new Uint8Array(16)))
    .map((b) => b.toString(16).padStart(2, "0")).join("");
  await Deno.writeTextFile(path, secret, { mode: 0o600 });
  return secret;
}

function urlOf(address: { hostname: string; port: number }): string {
  const host = address.hostname === "0.0.0.0" ? "127.0.0.1" : address.hostname;
  return `http://${formatListenAddress({ hostname: host, port: address.port })}`;
}

/**
 * Starts executive, reflector, sidecar and heartbeat on one data directory.
 *
 * @throws {Error} When a service cannot start (the ones already started are stopped first), or
 *   the signal's reason when it is aborted during start-up.
 * @example
 * ```ts
 * const up = await startUp({ dataDir: "./data" });
 * console.log(up.executiveUrl, up.sidecarUrl);
 * await up.stop();
 * ```
 */
export async function startUp(config: UpConfig): Promise<RunningUp> {
  const paths = upPaths(config.dataDir);
  const executiveBind = config.executiveBind ?? "127.0.0.1:3000";
  const sidecarBind = config.sidecarBind ?? "127.0.0.1:1331";
  // A malformed address fails before the data directory is created.
  parseListenAddress(executiveBind);
  parseListenAddress(sidecarBind);
  await Deno.mkdir(paths.dataDir, { recursive: true });
  const logger = (name: string): Logger =>
    createLogger(name, {
      debug: config.debug ?? false,
      ...(config.write ? { write: config.write } : {}),
    });
  const log = logger("up");
  const heartbeatIntervalMs = config.heartbeatIntervalMs ?? 15_000;
  const signal = config.signal;
  const started: RunningService[] = [];
  let stopping: Promise<void> | undefined;
  const stop = () =>
    stopping ??= (async () => {
      for (const service of started.toReversed()) {
        try {
          await service.stop();
        } catch (error) {
          log.warn("error while stopping", { error: errorMessage(error) });
        }
      }
    })();
  /** Records a started service (so it is stopped on failure), then honours an abort. */
  const add = async <T extends RunningService>(starting: Promise<T>): Promise<T> => {
    const service = await starting;
    started.push(service);
    signal?.throwIfAborted();
    return service;
  };
  try {
    signal?.throwIfAborted();
    const executive = await add(startExecutive({
      bind: executiveBind,
      ...config.limits,
      ...config.server,
      ctldb: `sqlite:${paths.ctldb}`,
      logger: logger("executive"),
      enableDestructiveSchemaChanges: config.enableDestructiveSchemaChanges ?? false,
      ...(config.adminToken ? { adminToken: config.adminToken } : {}),
    }));
    await add(startReflector({
      ldbPath: paths.ldb,
      upstreamDriver: "sqlite3",
      upstreamDsn: paths.ctldb,
      changelogPath: paths.changelog,
      pollIntervalMs: config.pollIntervalMs ?? 100,
      // Latency stays below one heartbeat interval; unhealthy only after a few missed beats.
      maxHealthyLatencyMs: Math.max(60_000, 4 * heartbeatIntervalMs),
      ...(config.families ? { families: config.families } : {}),
      logger: logger("reflector"),
    }));
    const sidecar = await add(startSidecar({
      bindAddr: sidecarBind,
      ...config.server,
      ldbPath: paths.ldb,
      logger: logger("sidecar"),
    }));
    const executiveUrl = urlOf(executive.address!);
    await add(startHeartbeat({
      executiveUrl,
      writerSecret: await heartbeatSecret(paths.heartbeatSecret),
      intervalMs: heartbeatIntervalMs,
      logger: logger("heartbeat"),
      ...(config.adminToken ? { adminToken: config.adminToken } : {}),
      ...(signal ? { signal } : {}),
    }));
    const onAbort = () => void stop();
    signal?.addEventListener("abort", onAbort, { once: true });
    let failure: unknown;
    const finished = Promise.race(started.map((service) => service.finished))
      .then(() => {
        if (!stopping) log.error("a service stopped by itself; stopping the others");
      }, (error: unknown) => {
        failure = error;
        if (!stopping) log.error("a service failed", { error: errorMessage(error) });
      })
      .then(stop)
      .then(() => {
        signal?.removeEventListener("abort", onAbort);
        if (failure !== undefined) throw failure;
      });
    return {
      paths,
      executiveUrl,
      sidecarUrl: urlOf(sidecar.address),
      stop,
      finished,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
