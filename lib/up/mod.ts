/**
 * `ctlstore up`, the embedded default: one process runs an executive on a SQLite ctldb, a
 * reflector into an LDB, a sidecar over that LDB, a heartbeat and the operator console (over the
 * same LDB, executive and sidecar), all under one data directory.
 * It composes the services' own start functions and adds nothing to them but wiring: paths,
 * start order (the sidecar needs the LDB the reflector creates) and reverse-order shutdown.
 *
 * @module
 */
import { formatListenAddress } from "../http/mod.ts";
import type { RunningService } from "../service.ts";
import { join, resolve } from "node:path";
import { startExecutive } from "../executive/mod.ts";
import { startHeartbeat } from "../heartbeat/mod.ts";
import { createLogger, errorMessage, type Logger } from "../log/mod.ts";
import { startReflector } from "../reflector/mod.ts";
import { startSidecar } from "../sidecar/mod.ts";
import { startConsole } from "../console/mod.ts";
import { resolveUpConfig, type UpConfig } from "./config.ts";

export * from "./config.ts";

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
  /** Base URL of the operator console, e.g. `http://127.0.0.1:1332`; none when it is off. */
  readonly consoleUrl: string | undefined;
  /** Stops heartbeat, console, sidecar, reflector and executive, in that order. */
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
 * Starts executive, reflector, sidecar, console and heartbeat on one data directory.
 *
 * @throws {SettingError} For a heartbeat interval that is not positive, before anything starts
 *   (see `config.ts`).
 * @throws {Error} When a service cannot start (the ones already started are stopped first), or
 *   the signal's reason when it is aborted during start-up.
 * @example
 * ```ts
 * const up = await startUp({ dataDir: "./data" });
 * console.log(up.executiveUrl, up.sidecarUrl);
 * await up.stop();
 * ```
 */
export async function startUp(settings: UpConfig): Promise<RunningUp> {
  // A bad setting fails before the data directory is created.
  const config = resolveUpConfig(settings);
  const { executiveBind, sidecarBind, heartbeatIntervalMs } = config;
  const paths = upPaths(config.dataDir);
  await Deno.mkdir(paths.dataDir, { recursive: true });
  const logger = (name: string): Logger =>
    createLogger(name, {
      debug: config.debug ?? false,
      ...(config.write ? { write: config.write } : {}),
    });
  const log = logger("up");
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
      pollIntervalMs: config.pollIntervalMs,
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
    const operatorConsole = config.consoleBind
      ? await add(startConsole({
        bind: config.consoleBind,
        executiveUrl,
        ldbPath: paths.ldb,
        targets: [`${urlOf(sidecar.address)}/metrics`],
        ...(config.adminToken ? { adminToken: config.adminToken } : {}),
        ...(config.server ? { server: config.server } : {}),
        logger: logger("console"),
      }))
      : undefined;
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
      consoleUrl: operatorConsole?.url,
      stop,
      finished,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
