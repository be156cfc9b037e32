/**
 * Starting and stopping the sidecar service (spec §2.8, §13): opens a reader on the LDB, checks
 * the LDB's integrity (a damaged LDB is never served), serves the handler on the bind address,
 * and drains on stop. An LDB that does not exist yet is waited for (`ldb_wait.ts`) instead of
 * failing the start. Request handling is `handler.ts`.
 *
 * @module
 */
import { formatListenAddress, startServer } from "../http/mod.ts";
import type { RunningService } from "../service.ts";
import { errorMessage, type Logger, silentLogger } from "../log/mod.ts";
import { registerConnectionMetrics, type Registry } from "../metrics/mod.ts";
import {
  checkLdbIntegrity,
  type IntegrityCheckMode,
  LdbCorruptError,
  parseIntegrityCheckMode,
  pathExists,
} from "../ldb/mod.ts";
import { defaultLdbPath, Reader } from "../reader/mod.ts";
import { resolveSidecarSettings, SIDECAR_DEFAULTS } from "./config.ts";
import { createSidecarHandler } from "./handler.ts";
import { waitForFile, waitingHandler } from "./ldb_wait.ts";
import { SidecarMetrics } from "./metrics.ts";
import { openScanReader, ScanStreams } from "./prefix_scan.ts";

/** Configuration of {@linkcode startSidecar}; defaults are the original's flags (§2.8). */
export interface SidecarConfig {
  /** Go-style listen address (default `0.0.0.0:1331`). */
  bindAddr?: string;
  /** LDB file; empty or absent means `$CTLSTORE_PATH/ldb.db` (default `/var/spool/ctlstore/ldb.db`). */
  ldbPath?: string;
  /** Prefix reads returning more rows answer 416; 0 (default) means unlimited. */
  maxRows?: number;
  /** The `application` metrics label (`unknown` when empty). */
  application?: string;
  /** Request bodies must arrive within this many milliseconds (default 5000). */
  readTimeoutMs?: number;
  /**
   * Longest wait of a read for its `X-Ctlstore-Min-Seq` header, in milliseconds (default
   * 5000, `-min-seq-timeout`); then 504.
   */
  minSeqTimeoutMs?: number;
  /**
   * `GET /changes?wait=…` longer than this is clamped to it, in milliseconds (default 60 000,
   * `-changes-max-wait`; 0 turns long-polling off).
   */
  changesMaxWaitMs?: number;
  /** `GET /watch` heartbeat interval in milliseconds (default 15 000, `-watch-heartbeat`). */
  watchHeartbeatMs?: number;
  /**
   * Longest {@linkcode RunningSidecar.stop} waits for responses still being written (default
   * 5000, the original's write timeout). Held long-polls, `X-Ctlstore-Min-Seq` waits and open
   * `/watch` streams are ended at once when the stop begins, so they do not count against it. `Deno.serve` has no write timeout, so without this a
   * client that stops reading would hold a graceful shutdown forever.
   */
  shutdownTimeoutMs?: number;
  /**
   * Close connections with no request in flight for this many milliseconds (default 60 000,
   * `-idle-timeout`; 0 = never). Open `/watch` streams and held long-polls are in flight.
   */
  idleTimeoutMs?: number;
  /** Most open connections; more are answered 503 (default 1024, `-max-connections`; 0 = no cap). */
  maxConnections?: number;
  /**
   * The start-up integrity check (`-integrity-check`): `quick` (default), `full` or `off`. A
   * damaged LDB fails the start: it is never served.
   */
  integrityCheck?: string;
  /**
   * While the LDB file does not exist, look for it this often, in milliseconds (default 1000);
   * meanwhile every route answers 503 `waiting for LDB <path>`.
   */
  ldbPollIntervalMs?: number;
  /**
   * A streamed prefix-scan answer (one larger than 64 KiB) whose client reads nothing for this
   * long is aborted, in milliseconds (default 5000, the original's write timeout): it holds a
   * reader and an LDB snapshot.
   */
  writeTimeoutMs?: number;
  /** Where start, stop and server faults are logged (default: nowhere). */
  logger?: Logger;
  /** Registry for the metrics (default: a new `sidecar` registry with process metrics). */
  registry?: Registry;
  /** Stops the sidecar when aborted. */
  signal?: AbortSignal;
}

/**
 * A running sidecar; `stop()` ends held requests and open streams, lets in-flight requests
 * finish (waiting at most the shutdown timeout for their responses to be read) and closes the
 * reader.
 */
export interface RunningSidecar extends RunningService, AsyncDisposable {
  /** The bound address (the real port when port 0 was asked for). */
  readonly address: { hostname: string; port: number };
  /** The metrics registry served at `/metrics`. */
  readonly registry: Registry;
  /** Stops the sidecar (for `await using`); the same as `stop()`. */
  [Symbol.asyncDispose](): Promise<void>;
}

/**
 * Starts a sidecar. When the LDB file does not exist yet (the reflector still bootstrapping
 * it), the sidecar serves at once but answers every route 503 `waiting for LDB <path>`
 * (`/metrics` excepted), looks for the file every `ldbPollIntervalMs`, and serves it once it
 * appears and passes the integrity check; if it fails the check then, the sidecar stops and
 * {@linkcode RunningSidecar.finished} rejects.
 *
 * @throws {Error} When the LDB fails the integrity check (`LDB at <path> is damaged: …`; its
 *   cause is an {@linkcode LdbCorruptError}) or cannot be read, or the integrity check mode or
 *   a setting is invalid.
 * @throws {Error} When the address cannot be bound.
 * @example
 * ```ts
 * await using sidecar = await startSidecar({ bindAddr: "127.0.0.1:1331", ldbPath: "/tmp/ldb.db" });
 * await fetch("http://127.0.0.1:1331/ping");
 * ```
 */
export async function startSidecar(config: SidecarConfig = {}): Promise<RunningSidecar> {
  const log = config.logger ?? silentLogger;
  const path = config.ldbPath || defaultLdbPath();
  const integrityCheck = parseIntegrityCheckMode(config.integrityCheck);
  // Checked before the sidecar serves or waits, so a mistake never waits for an LDB.
  const { maxRows } = resolveSidecarSettings(config);
  const scanStreams = new ScanStreams();
  const metrics = new SidecarMetrics(config.application ?? "", config.registry);
  let reader: Reader | undefined;
  metrics.watchLdb(() => reader);
  /** Aborted when the stop begins: ends held requests, open streams and the wait for the LDB. */
  const closing = new AbortController();
  let handle = waitingHandler(path, metrics.registry);
  /** Opens the LDB and serves it; a damaged LDB is never served. */
  const serveLdb = () => {
    const opened = Reader.open(path);
    try {
      const handler = createSidecarHandler(opened, {
        maxRows,
        readTimeoutMs: config.readTimeoutMs,
        minSeqTimeoutMs: config.minSeqTimeoutMs,
        changesMaxWaitMs: config.changesMaxWaitMs,
        watchHeartbeatMs: config.watchHeartbeatMs,
        signal: closing.signal,
        openScanReader: () => openScanReader(path),
        writeTimeoutMs: config.writeTimeoutMs,
        scanStreams,
        metrics,
        logger: log,
      });
      checkBeforeServing(path, integrityCheck, log);
      reader = opened;
      handle = handler;
    } catch (error) {
      opened.close();
      throw error;
    }
  };
  const present = await pathExists(path);
  if (present) serveLdb();
  let server;
  try {
    server = await startServer(
      config.bindAddr || SIDECAR_DEFAULTS.bindAddr,
      (request) => handle(request),
      { idleTimeoutMs: config.idleTimeoutMs, maxConnections: config.maxConnections },
    );
  } catch (error) {
    reader?.close();
    throw error;
  }
  log.info("sidecar listening", {
    address: formatListenAddress(server.address),
    ldb: path,
    max_rows: maxRows,
  });
  const running = server;
  registerConnectionMetrics(metrics.registry, "sidecar", () => running.connections);
  const shutdownTimeoutMs = config.shutdownTimeoutMs ?? SIDECAR_DEFAULTS.shutdownTimeoutMs;
  const done = Promise.withResolvers<void>();
  // Rejects only after a failure that is logged too, so a caller need not await it.
  done.promise.catch(() => {});
  let failure: { error: unknown } | undefined;
  let waiting: Promise<void> | undefined;
  let stopping: Promise<void> | undefined;
  const stop = () =>
    stopping ??= (async () => {
      closing.abort();
      await waiting;
      let timer: ReturnType<typeof setTimeout> | undefined;
      const gaveUp = new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(true), shutdownTimeoutMs);
      });
      const stuck = await Promise.race([running.shutdown().then(() => false), gaveUp]);
      clearTimeout(timer);
      if (stuck) {
        log.warn("stopped waiting for clients that do not read their responses", {
          after_ms: shutdownTimeoutMs,
        });
      }
      scanStreams.abortAll(new Error("the sidecar stopped"));
      reader?.close();
      log.info("sidecar stopped");
      if (failure) done.reject(failure.error);
      else done.resolve();
    })();
  if (!present) {
    const intervalMs = config.ldbPollIntervalMs ?? SIDECAR_DEFAULTS.ldbPollIntervalMs;
    log.info("waiting for the LDB; answering 503 until it exists", { ldb: path });
    waiting = (async () => {
      if (!await waitForFile(path, intervalMs, closing.signal)) return;
      try {
        serveLdb();
        log.info("LDB found; serving it", { ldb: path });
      } catch (error) {
        log.error("cannot serve the LDB", { ldb: path, error: errorMessage(error) });
        failure = { error };
        void stop();
      }
    })();
  }
  config.signal?.addEventListener("abort", () => void stop(), { once: true });
  if (config.signal?.aborted) void stop();
  void running.finished.then(stop, (error: unknown) => {
    log.error("sidecar server failed", { error: errorMessage(error) });
    return stop();
  });
  return {
    address: server.address,
    stop,
    finished: done.promise,
    registry: metrics.registry,
    [Symbol.asyncDispose]: stop,
  };
}

/** The start-up integrity check: a damaged LDB is never served. */
function checkBeforeServing(path: string, mode: IntegrityCheckMode, log: Logger): void {
  if (mode === "off") return;
  const started = performance.now();
  const report = checkLdbIntegrity(path, { full: mode === "full" });
  if (!report.ok) {
    const damaged = new LdbCorruptError(path, report.problems);
    throw new Error(`${damaged.message}; not serving it`, { cause: damaged });
  }
  const seconds = Math.round(performance.now() - started) / 1000;
  log.info("LDB integrity check passed", { mode, seconds });
}
