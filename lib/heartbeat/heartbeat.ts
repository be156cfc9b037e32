/**
 * The heartbeat service (spec §14): registers a writer, makes sure its family and table exist,
 * then writes the current time in nanoseconds to one row on every interval so that ledger
 * latency stays meaningful on idle systems. It owns the schedule, retries, error counting, the
 * `last_success_timestamp_seconds` gauge and, on `metricsBind`, `/metrics` and `/healthz`
 * (bound before start-up, so a bad address fails before anything is created on the executive;
 * the verdict is in `health.ts`). HTTP client details live in `lib/client`.
 *
 * @module
 */
import type { RunningService } from "../service.ts";
import {
  ExecutiveClient,
  ExecutiveError,
  ExecutiveUnreachableError,
  type WriterCredentials,
} from "../client/mod.ts";
import { errorMessage, type Logger, silentLogger } from "../log/mod.ts";
import { type HealthReport, healthResponse, Router, startServer } from "../http/mod.ts";
import {
  Counter,
  createRegistry,
  Gauge,
  metricName,
  metricsResponse,
  type Registry,
} from "../metrics/mod.ts";
import { DEFAULT_HEARTBEAT_FAMILY } from "../schema/mod.ts";
import { VERSION } from "../version.ts";
import { evaluateHeartbeatHealth, type HeartbeatProgress } from "./health.ts";

/** Configuration of {@linkcode startHeartbeat}; defaults are the original's flags (§2.9). */
export interface HeartbeatConfig {
  /** Executive address; `http://` is prepended unless it starts with `http://`/`https://`. */
  executiveUrl: string;
  /** Writer secret (required). */
  writerSecret: string;
  /** Default `ctlstore`. */
  familyName?: string;
  /** Default `heartbeats`. */
  tableName?: string;
  /** Default `heartbeat`. */
  writerName?: string;
  /** Milliseconds between writes, the first one immediately (default 15 000). */
  intervalMs?: number;
  /** Sent as `Authorization: Bearer <token>` when set. */
  adminToken?: string;
  /** Start-up attempts before giving up while the executive is unreachable (default 6). */
  startupAttempts?: number;
  /** First retry delay in milliseconds, doubled per attempt (default 250). */
  startupBackoffMs?: number;
  /** Per-request timeout in milliseconds (default 10 000). */
  requestTimeoutMs?: number;
  /** Where errors and progress are logged (default: nowhere). */
  logger?: Logger;
  /** Metrics registry to count into (default: a new `heartbeat` registry). */
  registry?: Registry;
  /** When set, serve `GET /metrics` and `GET /healthz` on this Go-style address. */
  metricsBind?: string;
  /** `/healthz` is 503 once the last successful write is older than this (default 3 intervals). */
  maxSuccessAgeMs?: number;
  /** Aborts start-up retries. */
  signal?: AbortSignal;
  /** The clock: Unix time in nanoseconds (default {@linkcode unixNanos}). */
  clock?: () => bigint;
}

/**
 * A running heartbeat; `address` is the metrics listener's, when `metricsBind` was set, and
 * `stop()` waits for an in-flight write to end.
 */
export interface RunningHeartbeat extends RunningService {
  /** The registry holding `heartbeat-errors`. */
  readonly registry: Registry;
  /** Successful writes so far. */
  readonly writes: number;
  /** Failed writes so far (also counted in `heartbeat-errors`). */
  readonly errors: number;
  /** Health as `/healthz` reports it: whether the last write succeeded recently. */
  health(): HealthReport;
}

/**
 * The current Unix time in nanoseconds, as an exact integer.
 *
 * @example
 * ```ts
 * const ns = unixNanos(); // e.g. 1700000000123456789n
 * ```
 */
export function unixNanos(): bigint {
  const ms = performance.timeOrigin + performance.now();
  const whole = Math.floor(ms);
  return BigInt(whole) * 1_000_000n + BigInt(Math.floor((ms - whole) * 1_000_000));
}

function bigEndian(value: bigint): Uint8Array {
  const bytes = new Uint8Array(8);
  new DataView(bytes.buffer).setBigUint64(0, BigInt.asUintN(64, value));
  return bytes;
}

/** Whether a start-up failure may go away by itself (executive not up yet, or failing). */
function retryable(error: unknown): boolean {
  return error instanceof ExecutiveUnreachableError ||
    (error instanceof ExecutiveError && error.status >= 500);
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

async function acceptConflict(call: Promise<void>): Promise<void> {
  try {
    await call;
  } catch (error) {
    if (!(error instanceof ExecutiveError && error.status === 409)) throw error;
  }
}

/**
 * Starts the heartbeat: registers the writer and creates the family and table (200 or 409
 * accepted), retrying with backoff while the executive is unreachable or failing, then writes
 * `{"name":"heartbeat","value":<unix ns>}` now and every interval. Write failures after start-up
 * are logged and counted, never fatal.
 *
 * @throws {Error} When start-up fails for good (one-line message).
 * @example
 * ```ts
 * const heartbeat = await startHeartbeat({ executiveUrl: "localhost:3000", writerSecret: "s3cret" });
 * await heartbeat.stop();
 * ```
 */
export async function startHeartbeat(config: HeartbeatConfig): Promise<RunningHeartbeat> {
  const family = config.familyName ?? DEFAULT_HEARTBEAT_FAMILY;
  const table = config.tableName ?? "heartbeats";
  const credentials: WriterCredentials = {
    writer: config.writerName ?? "heartbeat",
    secret: config.writerSecret,
  };
  const log = config.logger ?? silentLogger;
  const clock = config.clock ?? unixNanos;
  const registry = config.registry ?? createRegistry("heartbeat", VERSION);
  const heartbeatErrors = new Counter({
    name: metricName("heartbeat", "heartbeat-errors"),
    help: "Heartbeat writes that failed",
    registers: [registry],
  });
  const allErrors = new Counter({
    name: metricName("heartbeat", "errors"),
    help: "Errors by name",
    labelNames: ["error"],
    registers: [registry],
  });
  const lastSuccess = new Gauge({
    name: metricName("heartbeat", "last-success-timestamp-seconds"),
    help: "Unix time of the last heartbeat write that succeeded",
    registers: [registry],
  });
  const intervalMs = config.intervalMs ?? 15_000;
  const maxSuccessAgeMs = config.maxSuccessAgeMs ?? 3 * intervalMs;
  const progress: HeartbeatProgress = { startedAt: Date.now() };
  const health = () => evaluateHeartbeatHealth(progress, maxSuccessAgeMs);
  const router = new Router()
    .add("GET", "/metrics", () => metricsResponse(registry))
    .add("GET", "/healthz", () => healthResponse(health()));
  const metricsServer = config.metricsBind
    ? await startServer(
      config.metricsBind,
      async (request) => (await router.handle(request)).response,
    )
    : undefined;
  const stopping = new AbortController();
  const client = new ExecutiveClient(config.executiveUrl, {
    adminToken: config.adminToken,
    timeoutMs: config.requestTimeoutMs ?? 10_000,
    signal: stopping.signal,
  });

  try {
    const attempts = Math.max(1, config.startupAttempts ?? 6);
    let delay = config.startupBackoffMs ?? 250;
    for (let attempt = 1;; attempt++) {
      try {
        await client.registerWriter(credentials);
        await acceptConflict(client.createFamily(family));
        await acceptConflict(client.createTable(family, table, {
          fields: [["name", "string"], ["value", "integer"]],
          keyFields: ["name"],
        }));
        break;
      } catch (error) {
        progress.lastError = errorMessage(error);
        if (attempt >= attempts || !retryable(error)) {
          throw new Error(`heartbeat start-up failed: ${errorMessage(error)}`, { cause: error });
        }
        log.warn("heartbeat start-up failed, retrying", {
          attempt,
          delay_ms: delay,
          error: errorMessage(error),
        });
        await sleep(delay, config.signal);
        delay *= 2;
      }
    }
  } catch (error) {
    await metricsServer?.shutdown();
    throw error;
  }
  log.info("heartbeat started", { family, table, writer: credentials.writer });

  let writes = 0;
  let errors = 0;
  const beat = async () => {
    const value = clock();
    try {
      await client.mutate(family, credentials, {
        cookie: bigEndian(value),
        mutations: [{ table, values: { name: "heartbeat", value } }],
      });
      writes++;
      progress.lastSuccessAt = Date.now();
      progress.lastError = undefined;
      lastSuccess.set(progress.lastSuccessAt / 1000);
      log.debug("heartbeat written", { value });
    } catch (error) {
      if (stopping.signal.aborted) return;
      errors++;
      progress.lastError = errorMessage(error);
      heartbeatErrors.inc();
      allErrors.inc({ error: "heartbeat-errors" });
      log.error("heartbeat failed", { error: errorMessage(error) });
    }
  };

  let timer: ReturnType<typeof setTimeout> | undefined;
  let inFlight: Promise<void> = Promise.resolve();
  const schedule = () => {
    const started = Date.now();
    inFlight = beat().finally(() => {
      if (stopping.signal.aborted) return;
      timer = setTimeout(schedule, Math.max(0, intervalMs - (Date.now() - started)));
    });
  };
  schedule();

  const { promise: finished, resolve: resolveFinished } = Promise.withResolvers<void>();
  let stopped: Promise<void> | undefined;
  return {
    address: metricsServer?.address,
    registry,
    get writes() {
      return writes;
    },
    get errors() {
      return errors;
    },
    health,
    finished,
    stop() {
      stopped ??= (async () => {
        stopping.abort(new Error("heartbeat stopped"));
        clearTimeout(timer);
        await inFlight;
        await metricsServer?.shutdown();
        log.info("heartbeat stopped");
        resolveFinished();
      })();
      return stopped;
    },
  };
}
