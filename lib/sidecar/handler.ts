/**
 * The sidecar's HTTP handler (spec §13): key lookups, prefix scans, ledger latency and health
 * over one reader, with Go-compatible JSON output and 4xx for client mistakes. It owns routing,
 * request decoding, error mapping and metrics; the reading itself is the reader's.
 *
 * @module
 */
import { errorResponse, HttpError, Router } from "../http/mod.ts";
import { errorMessage, type Logger, silentLogger } from "../log/mod.ts";
import { metricsResponse } from "../metrics/mod.ts";
import { type Reader, ReaderError, type Row } from "../reader/mod.ts";
import { MAX_REQUEST_BODY_BYTES, stringifyGoJson } from "../schema/mod.ts";
import { encodeRow, encodeRows } from "./row_json.ts";
import { BodyReader } from "./body_reader.ts";
import type { SidecarMetrics } from "./metrics.ts";
import { parseKeyRequest } from "./request.ts";

/** What the sidecar needs of a reader. */
export type SidecarReader = Pick<Reader, "getRowByKey" | "getRowsByKeyPrefix" | "getLedgerLatency">;

/** Options of {@linkcode createSidecarHandler}. */
export interface SidecarHandlerOptions {
  /** Prefix reads returning more rows answer 416; 0 means unlimited. */
  maxRows?: number;
  /** Request bodies must arrive within this many milliseconds (default 5000), else 408. */
  readTimeoutMs?: number;
  /** Where requests are counted; `/metrics` serves its registry. */
  metrics?: SidecarMetrics;
  /** Where server faults are logged. */
  logger?: Logger;
}

const JSON_HEADERS = { "content-type": "application/json" };
const NOT_FOUND_HEADERS = { "x-ctlstore": "Not Found" };

/**
 * The client error a reader error stands for: bad names and keys 400, unknown table 404
 * (`Table not found`), a closed reader 503; `undefined` for faults of the LDB (500).
 */
function clientError(error: unknown): HttpError | undefined {
  if (!(error instanceof ReaderError)) return undefined;
  switch (error.code) {
    case "bad-name":
    case "bad-key":
    case "no-primary-key":
      return new HttpError(400, error.message, { cause: error });
    case "table-not-found":
      return new HttpError(404, error.message, { cause: error });
    case "closed":
      return new HttpError(503, "the sidecar is shutting down", { cause: error });
    default:
      return undefined;
  }
}

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
  const maxRows = options.maxRows ?? 0;
  const bodies = new BodyReader(MAX_REQUEST_BODY_BYTES, options.readTimeoutMs ?? 5000);
  const metrics = options.metrics;
  const log = options.logger ?? silentLogger;
  const fail = (error: unknown): never => {
    throw clientError(error) ?? error;
  };

  const getRowByKey = async (request: Request, params: Record<string, string>) => {
    const key = parseKeyRequest(await bodies.read(request));
    let row: Row | undefined;
    try {
      row = reader.getRowByKey(params.family!, params.table!, key);
    } catch (error) {
      fail(error);
    }
    if (row === undefined) return new Response(null, { status: 404, headers: NOT_FOUND_HEADERS });
    metrics?.rows(ROW_ROUTE, 1);
    return new Response(encodeRow(row) + "\n", { headers: JSON_HEADERS });
  };

  const getRowsByKeyPrefix = async (request: Request, params: Record<string, string>) => {
    const key = parseKeyRequest(await bodies.read(request));
    const rows: Row[] = [];
    try {
      for (const row of reader.getRowsByKeyPrefix(params.family!, params.table!, key)) {
        rows.push(row);
        if (maxRows > 0 && rows.length > maxRows) {
          return new Response(null, { status: 416 });
        }
      }
    } catch (error) {
      fail(error);
    }
    metrics?.rows(
      PREFIX_ROUTE,
      rows.length,
      params.family!.toLowerCase(),
      params.table!.toLowerCase(),
    );
    return new Response(encodeRows(rows) + "\n", { headers: JSON_HEADERS });
  };

  const latency = (prefix: string) => {
    try {
      return reader.getLedgerLatency() / 1000;
    } catch (error) {
      throw new Error(`${prefix}: ${errorMessage(error)}`, { cause: error });
    }
  };

  const router = new Router()
    .add("POST", ROW_ROUTE, getRowByKey)
    .add("POST", PREFIX_ROUTE, getRowsByKeyPrefix)
    .add("GET", "/get-ledger-latency", () => {
      const value = latency("get ledger latency");
      return new Response(stringifyGoJson({ unit: "seconds", value }) + "\n", {
        headers: JSON_HEADERS,
      });
    })
    .add("GET", "/healthcheck", () => {
      latency("healthcheck");
      return new Response(null);
    })
    .add("GET", "/ping", () => {
      latency("healthcheck");
      return new Response(null);
    });
  if (metrics) router.add("GET", "/metrics", () => metricsResponse(metrics.registry));

  const onServerError = (error: unknown) =>
    log.error("request failed", { error: errorMessage(error) });

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
        response = errorResponse(error, { trailingNewline: true, onServerError });
      }
    }
    metrics?.request(
      route,
      response.status,
      request.headers.get("user-agent"),
      (performance.now() - started) / 1000,
    );
    return response;
  };
}

const ROW_ROUTE = "/get-row-by-key/:family/:table";
const PREFIX_ROUTE = "/get-rows-by-key-prefix/:family/:table";
