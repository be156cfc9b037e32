/**
 * The heartbeat service (spec §14): registers a writer, makes sure its family and table exist,
 * then writes the current time in nanoseconds to one row on every interval so that ledger
 * latency stays meaningful on idle systems. It owns the schedule, retries, error counting
 * (`ctlstore_heartbeat_errors_total`), the `ctlstore_heartbeat_last_success_timestamp_seconds`
 * gauge and, on `metricsBind`, `/metrics` and `/healthz`
 * (bound before start-up, so a bad address fails before anything is created on the executive;
 * the verdict is in `health.ts`). Defaults and checks of its settings are `config.ts`'s; HTTP
 * client details live in `lib/client`.
 *
 * @module
 */
import type { RunningService } from "../service.ts";
import { Backoff, retry } from "../backoff.ts";
import {
  ExecutiveClient,
  ExecutiveError,
  ExecutiveUnreachableError,
  type WriterCredentials,
} from "../client/mod.ts";
import { errorMessage, silentLogger } from "../log/mod.ts";
import { type HealthReport, healthResponse, Router, startServer } from "../http/mod.ts";
import {
  Counter,
  createRegistry,
  Gauge,
  metricName,
  metricsResponse,
  type Registry,
} from "../metrics/mod.ts";
import { VERSION } from "../version.ts";
import { type HeartbeatConfig, resolveHeartbeatConfig } from "./config.ts";
import { evaluateHeartbeatHealth, type HeartbeatProgress } from "./health.ts";

/**
 * A running heartbeat; `address` is the metrics listener's, when `metricsBind` was set, and
 * `stop()` waits for an in-flight write to end.
 */
export interface RunningHeartbeat extends RunningService {
  /** The registry holding `ctlstore_heartbeat_errors_total`. */
  readonly registry: Registry;
  /** Successful writes so far. */
  readonly writes: number;
  /** Failed writes so far (also counted in `ctlstore_heartbeat_errors_total`). */
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
 * @throws {SettingError} For an interval that is not positive, before anything starts.
 * @throws {Error} When start-up fails for good (one-line message), or the signal's reason when
 *   it aborts start-up.
 * @example
 * ```ts
 * const heartbeat = await startHeartbeat({ executiveUrl: "localhost:3000", writerSecret: "s3cret" });
 * await heartbeat.stop();
 * ```
 */
export async function startHeartbeat(settings: HeartbeatConfig): Promise<RunningHeartbeat> {
  const config = resolveHeartbeatConfig(settings);
  const family = config.familyName;
  const table = config.tableName;
  const credentials: WriterCredentials = {
    writer: config.writerName,
    secret: config.writerSecret,
  };
  const log = config.logger ?? silentLogger;
  const clock = config.clock ?? unixNanos;
  const registry = config.registry ?? createRegistry("heartbeat", VERSION);
  const writeErrors = new Counter({
    name: metricName("heartbeat", "errors_total"),
    help: "Heartbeat writes that failed (the original's heartbeat-errors)",
    registers: [registry],
  });
  const lastSuccess = new Gauge({
    name: metricName("heartbeat", "last_success_timestamp_seconds"),
    help: "Unix time of the last heartbeat write that succeeded",
    registers: [registry],
  });
  const { intervalMs, maxSuccessAgeMs } = config;
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
    timeoutMs: config.requestTimeoutMs,
    signal: stopping.signal,
  });

  const setUp = async () => {
    try {
      await client.registerWriter(credentials).catch((error) => {
        if (!(error instanceof ExecutiveError && error.status === 409)) throw error;
        throw new Error(
          `writer "${credentials.writer}" is registered with another secret: give the heartbeat ` +
            `that secret, or change it with 'ctlstore writers rotate -writer ${credentials.writer}'`,
          { cause: error },
        );
      });
      await acceptConflict(client.createFamily(family));
      await acceptConflict(client.createTable(family, table, {
        fields: [["name", "string"], ["value", "integer"]],
        keyFields: ["name"],
      }));
    } catch (error) {
      progress.lastError = errorMessage(error);
      throw error;
    }
  };
  try {
    await retry(setUp, {
      attempts: config.startupAttempts,
      backoff: new Backoff(config.startupBackoffMs, Infinity),
      signal: config.signal,
      retryable,
      onRetry: (error, attempt, delayMs) =>
        log.warn("heartbeat start-up failed, retrying", {
          attempt,
          delay_ms: delayMs,
          error: errorMessage(error),
        }),
    });
  } catch (error) {
    await metricsServer?.shutdown();
    config.signal?.throwIfAborted();
    throw new Error(`heartbeat start-up failed: ${errorMessage(error)}`, { cause: error });
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
      writeErrors.inc();
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
