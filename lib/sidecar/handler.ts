/**
 * The sidecar's HTTP handler (spec §13): key lookups, prefix scans, ledger latency and health
 * over one reader, with Go-compatible JSON output and 4xx for client mistakes, plus the change
 * feed (`/changes`, `/watch`) and read-your-writes (`X-Ctlstore-Min-Seq` in, `X-Ctlstore-Seq`
 * out on every read route). It owns routing, request decoding and metrics; the reading itself
 * is the reader's, the change routes are `changes_routes.ts`, the seq headers `min_seq.ts`,
 * prefix-scan answers (streamed when large) `prefix_scan.ts`, and errors become responses in
 * `errors.ts`. A read that finds the LDB damaged or unreadable turns `/healthcheck`, `/ping` and
 * `/healthz` to 503 until the sidecar restarts (a damaged LDB does not heal by itself).
 *
 * @module
 */
import { BodyReader, type Handler, healthResponse, HttpError, Router } from "../http/mod.ts";
import { LdbFaultLatch } from "../ldb/mod.ts";
import { errorMessage, type Logger, silentLogger } from "../log/mod.ts";
import { metricsResponse } from "../metrics/mod.ts";
import type { Reader, Row } from "../reader/mod.ts";
import { MAX_REQUEST_BODY_BYTES, stringifyGoJson } from "../schema/mod.ts";
import { encodeRow } from "./row_json.ts";
import {
  changesRoute,
  DEFAULT_CHANGES_MAX_WAIT_MS,
  type SeqRoute,
  watchRoute,
} from "./changes_routes.ts";
import { resolveSidecarSettings } from "./config.ts";
import { sidecarErrorResponse } from "./errors.ts";
import { DEFAULT_WATCH_HEARTBEAT_MS } from "./event_stream.ts";
import type { SidecarMetrics } from "./metrics.ts";
import { DEFAULT_MIN_SEQ_TIMEOUT_MS, readSeq, SEQ_HEADER } from "./min_seq.ts";
import { prefixScanResponse, type ScanReader, type ScanStreams } from "./prefix_scan.ts";
import { parseKeyRequest } from "./request.ts";

export { DEFAULT_CHANGES_MAX_WAIT_MS, DEFAULT_MIN_SEQ_TIMEOUT_MS, DEFAULT_WATCH_HEARTBEAT_MS };

/** What the sidecar needs of a reader. */
export type SidecarReader = Pick<
  Reader,
  | "getRowByKey"
  | "getRowsByKeyPrefix"
  | "getLedgerLatency"
  | "getLastSequence"
  | "getChanges"
  | "waitForSequence"
>;

/** Options of {@linkcode createSidecarHandler}. */
export interface SidecarHandlerOptions {
  /** Prefix reads returning more rows answer 416; 0 means unlimited. */
  maxRows?: number;
  /** Request bodies must arrive within this many milliseconds (default 5000), else 408. */
  readTimeoutMs?: number;
  /**
   * Longest wait for a request's `X-Ctlstore-Min-Seq`, in milliseconds (default 5000); then
   * 504. 0 answers 504 at once when the seq is not applied yet.
   */
  minSeqTimeoutMs?: number;
  /** `wait` of `/changes` beyond this is clamped to it, in milliseconds (default 60 000). */
  changesMaxWaitMs?: number;
  /** `/watch` sends a heartbeat at least this often, in milliseconds (default 15 000). */
  watchHeartbeatMs?: number;
  /**
   * The sidecar's stop. When aborted, held long-polls answer what they have, open `/watch`
   * streams end and `X-Ctlstore-Min-Seq` waits answer 503, so a graceful stop is quick.
   */
  signal?: AbortSignal;
  /**
   * Opens a reader of its own for a prefix scan too large for one 64 KiB chunk, which is then
   * streamed from one snapshot as the client reads. Without it, such scans are buffered whole.
   */
  openScanReader?: () => ScanReader;
  /** A streamed answer the client does not read for this long is aborted (default 5000 ms). */
  writeTimeoutMs?: number;
  /** Where streamed answers are registered, so a stopping sidecar can end them. */
  scanStreams?: ScanStreams;
  /** Where requests are counted; `/metrics` serves its registry. */
  metrics?: SidecarMetrics;
  /** Where server faults are logged. */
  logger?: Logger;
}

/** A read route: gets the path parameters and the applied seq, read before the data. */
type ReadRoute = (
  request: Request,
  params: Record<string, string>,
  seq: number,
) => Response | Promise<Response>;

/**
 * The `family` and `table` of `<prefix><family>/<table>`, or `undefined` when the path has
 * another shape (the router then answers it).
 */
function familyTable(path: string, prefix: string): Record<string, string> | undefined {
  if (!path.startsWith(prefix)) return undefined;
  const slash = path.indexOf("/", prefix.length);
  if (slash <= prefix.length || slash === path.length - 1) return undefined;
  if (path.indexOf("/", slash + 1) >= 0) return undefined;
  const family = path.slice(prefix.length, slash);
  const table = path.slice(slash + 1);
  if (!family.includes("%") && !table.includes("%")) return { family, table };
  try {
    return { family: decodeURIComponent(family), table: decodeURIComponent(table) };
  } catch {
    return undefined;
  }
}

function pathOf(url: string): string {
  const start = url.indexOf("/", url.indexOf("//") + 2);
  if (start < 0) return "/";
  const query = url.indexOf("?", start);
  return query < 0 ? url.slice(start) : url.slice(start, query);
}

/**
 * Creates the sidecar's request handler.
 *
 * @throws {RangeError} For a negative `maxRows`, a negative `minSeqTimeoutMs` or
 *   `changesMaxWaitMs`, or a `watchHeartbeatMs` or `writeTimeoutMs` that is not positive.
 * @example
 * ```ts
 * const handler = createSidecarHandler(reader, { maxRows: 1000 });
 * Deno.serve({ port: 1331 }, handler);
 * ```
 */
export function createSidecarHandler(
  reader: SidecarReader,
  options: SidecarHandlerOptions = {},
): (request: Request) => Promise<Response> {
  const log = options.logger ?? silentLogger;
  const faults = new LdbFaultLatch((fault) =>
    log.error("the LDB is damaged or unreadable; /healthcheck answers 503 until a restart", {
      error: fault.error,
    })
  );
  const onServerError = (error: unknown) => {
    if (!faults.record(error)) log.error("request failed", { error: errorMessage(error) });
  };
  /** Every error answer goes through here: a damaged LDB is remembered, then mapped. */
  const failed = (error: unknown) => {
    faults.record(error);
    return sidecarErrorResponse(error, onServerError);
  };
  const settings = resolveSidecarSettings(options);
  const maxRows = settings.maxRows;
  const changeOptions = {
    maxWaitMs: settings.changesMaxWaitMs,
    heartbeatMs: settings.watchHeartbeatMs,
    ...(options.signal ? { signal: options.signal } : {}),
    onServerError,
  };
  const seqOptions = {
    timeoutMs: settings.minSeqTimeoutMs,
    ...(options.signal ? { signal: options.signal } : {}),
  };
  const bodies = new BodyReader(MAX_REQUEST_BODY_BYTES, settings.readTimeoutMs);
  const metrics = options.metrics;

  /**
   * Wraps a read route: waits for `X-Ctlstore-Min-Seq`, reads the applied seq before the data,
   * and puts it on error answers too (the route puts it on its own answers).
   */
  const readRoute = (route: ReadRoute): Handler => async (request, params) => {
    const seq = await readSeq(reader, request, seqOptions);
    try {
      return await route(request, params, seq);
    } catch (error) {
      const response = failed(error);
      response.headers.set(SEQ_HEADER, String(seq));
      return response;
    }
  };
  const seqRoute = (route: SeqRoute): Handler =>
    readRoute((request, _params, seq) => route(request, seq));

  const getRowByKey = readRoute(async (request, params, seq) => {
    const key = parseKeyRequest(await bodies.read(request));
    const row: Row | undefined = reader.getRowByKey(params.family!, params.table!, key);
    if (row === undefined) {
      return new Response(null, {
        status: 404,
        headers: { "x-ctlstore": "Not Found", [SEQ_HEADER]: String(seq) },
      });
    }
    metrics?.rows(ROW_ROUTE, 1);
    return new Response(encodeRow(row) + "\n", { headers: jsonHeaders(seq) });
  });

  const scanOptions = {
    maxRows,
    writeTimeoutMs: settings.writeTimeoutMs,
    ...(options.openScanReader ? { openScanReader: options.openScanReader } : {}),
    ...(options.scanStreams ? { streams: options.scanStreams } : {}),
    onAbort: (error: Error) => {
      if (!faults.record(error)) {
        log.warn("aborted a streamed prefix scan", { error: error.message });
      }
    },
  };
  const getRowsByKeyPrefix = readRoute(async (request, params, seq) => {
    const key = parseKeyRequest(await bodies.read(request));
    const { family, table } = params as { family: string; table: string };
    return prefixScanResponse(reader, family, table, key, jsonHeaders(seq), {
      ...scanOptions,
      onRows: (count) =>
        metrics?.rows(PREFIX_ROUTE, count, family.toLowerCase(), table.toLowerCase()),
    });
  });

  const latency = (prefix: string) => {
    try {
      return reader.getLedgerLatency() / 1000;
    } catch (error) {
      throw new Error(`${prefix}: ${errorMessage(error)}`, { cause: error });
    }
  };
  const healthcheck = () => {
    const damaged = faults.reason();
    if (damaged) throw new HttpError(503, `healthcheck: ${damaged}`);
    latency("healthcheck");
    return new Response(null);
  };
  /** `/healthz`, as every ctlstore service answers it: serving an LDB that reads. */
  const healthz = () => {
    const damaged = faults.reason();
    if (damaged) return healthResponse({ healthy: false, reason: damaged });
    try {
      return healthResponse({ healthy: true, reason: `LDB at seq ${reader.getLastSequence()}` });
    } catch (error) {
      faults.record(error);
      return healthResponse({
        healthy: false,
        reason: `cannot read the LDB: ${errorMessage(error)}`,
      });
    }
  };

  const router = new Router()
    .add("POST", ROW_ROUTE, getRowByKey)
    .add("POST", PREFIX_ROUTE, getRowsByKeyPrefix)
    .add(
      "GET",
      "/get-ledger-latency",
      readRoute((_request, _params, seq) => {
        const value = latency("get ledger latency");
        return new Response(stringifyGoJson({ unit: "seconds", value }) + "\n", {
          headers: jsonHeaders(seq),
        });
      }),
    )
    .add("GET", "/changes", seqRoute(changesRoute(reader, changeOptions)))
    .add("GET", "/watch", seqRoute(watchRoute(reader, changeOptions)))
    .add("GET", "/healthcheck", healthcheck)
    .add("GET", "/ping", healthcheck)
    .add("GET", "/healthz", healthz);
  if (metrics) router.add("GET", "/metrics", () => metricsResponse(metrics.registry));

  /** The two read routes are matched directly (the hot path); the router does the rest. */
  const match = (method: string, path: string): ReturnType<Router["match"]> => {
    if (method === "POST") {
      const row = familyTable(path, "/get-row-by-key/");
      if (row) return { handler: getRowByKey, params: row, name: ROW_ROUTE };
      const prefix = familyTable(path, "/get-rows-by-key-prefix/");
      if (prefix) return { handler: getRowsByKeyPrefix, params: prefix, name: PREFIX_ROUTE };
    }
    return router.match(method, path);
  };

  return async (request: Request): Promise<Response> => {
    const started = metrics ? performance.now() : 0;
    const found = match(request.method, pathOf(request.url));
    let route = "unmatched";
    let response: Response;
    if (found === "not-found") {
      response = new Response("404 page not found\n", { status: 404 });
    } else if (found === "method-not-allowed") {
      response = new Response(null, { status: 405 });
    } else {
      route = found.name;
      try {
        response = await found.handler(request, found.params);
      } catch (error) {
        response = failed(error);
      }
    }
    metrics?.request(route, response.status, (performance.now() - started) / 1000);
    return response;
  };
}

function jsonHeaders(seq: number): Record<string, string> {
  return { "content-type": "application/json", [SEQ_HEADER]: String(seq) };
}

const ROW_ROUTE = "/get-row-by-key/:family/:table";
const PREFIX_ROUTE = "/get-rows-by-key-prefix/:family/:table";
