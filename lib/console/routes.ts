/**
 * The console's HTTP surface in one place: every route, and the one place a thrown error
 * becomes an answer (an HTML page saying what was wrong for pages, plain text for `/watch`,
 * `/fleet.json` and assets). Handlers only parse the request and call a page.
 *
 * Routes: `GET /` (families), `/families/:family`, `/families/:family/tables/:table` (rows),
 * `…/row?k=…`, `…/history`, `GET|POST …/clear` (admin), `/limits`, `/fleet`, `/fleet/table`,
 * `/fleet.json`, `/watch` (the change stream of the console's LDB, as the sidecar's), `/assets/…`,
 * `/healthz`.
 *
 * @module
 */
import { cleanPath, errorResponse, type Handler, Router } from "../http/mod.ts";
import { errorMessage, type Logger, silentLogger } from "../log/mod.ts";
import { watchRoute } from "../sidecar/changes_routes.ts";
import { assetResponse } from "./assets.ts";
import { type ConsoleContext, page } from "./context.ts";
import { type Asked, toConsoleError } from "./errors.ts";
import { errorBody, pageResponse } from "./layout.ts";
import { clearForm, clearTable } from "./pages/admin.ts";
import { familyPage, overviewPage } from "./pages/families.ts";
import { fleetJson, fleetPage, fleetTable } from "./pages/fleet.ts";
import { historyPage } from "./pages/history.ts";
import { limitsPage } from "./pages/limits.ts";
import { rowPage } from "./pages/row.ts";
import { tablePage } from "./pages/table.ts";

/** Heartbeat interval of the console's `/watch` streams. */
const WATCH_HEARTBEAT_MS = 15_000;

/** Options of {@linkcode createConsoleHandler}. */
export interface ConsoleHandlerOptions {
  /** The console's stop: open `/watch` streams end. */
  signal?: AbortSignal;
  /** Where server faults are logged. */
  logger?: Logger;
}

type Params = Record<string, string>;

const TABLE = "/families/:family/tables/:table";

/**
 * Builds the console's request handler.
 *
 * @example
 * ```ts
 * const handler = createConsoleHandler(ctx, { signal, logger });
 * const response = await handler(new Request("http://localhost/fleet"));
 * ```
 */
export function createConsoleHandler(
  ctx: ConsoleContext,
  options: ConsoleHandlerOptions = {},
): (request: Request) => Promise<Response> {
  const log = options.logger ?? silentLogger;
  const serverFault = (error: unknown) =>
    log.error("request failed", { error: errorMessage(error) });
  /** The answer's error; the console's own faults (not an outage it reports) are logged. */
  const mapError = (error: unknown, params: Params = {}) => {
    const mapped = toConsoleError(error, asked(params));
    if (mapped.status === 500 || mapped.status === 422) serverFault(error);
    return mapped;
  };

  const problem = (status: number, message: string) =>
    page(ctx, {
      title: status === 404 ? "Not found" : "Cannot show this page",
      body: errorBody(status, message),
    }, status);

  /** A page: errors become an HTML page with their status and message. */
  const pageRoute = (
    handle: (request: Request, params: Params) => Response | Promise<Response>,
  ): Handler =>
  async (request, params) => {
    try {
      return await handle(request, params);
    } catch (error) {
      const mapped = mapError(error, params);
      return problem(mapped.status, mapped.message);
    }
  };
  /** A data route: errors become plain text with their status. */
  const dataRoute =
    (handle: (request: Request) => Response | Promise<Response>): Handler => async (request) => {
      try {
        return await handle(request);
      } catch (error) {
        return errorResponse(mapError(error), { trailingNewline: true });
      }
    };
  const url = (request: Request) => new URL(request.url);
  const watchOptions = {
    maxWaitMs: 0,
    heartbeatMs: WATCH_HEARTBEAT_MS,
    onServerError: serverFault,
    ...(options.signal ? { signal: options.signal } : {}),
  };

  const router = new Router()
    .add("GET", "/", pageRoute(() => overviewPage(ctx)))
    .add("GET", "/families/:family", pageRoute((_r, p) => familyPage(ctx, p.family!)))
    .add("GET", TABLE, pageRoute((r, p) => tablePage(ctx, p.family!, p.table!, url(r))))
    .add("GET", `${TABLE}/row`, pageRoute((r, p) => rowPage(ctx, p.family!, p.table!, url(r))))
    .add(
      "GET",
      `${TABLE}/history`,
      pageRoute((r, p) => historyPage(ctx, p.family!, p.table!, url(r))),
    )
    .add("GET", `${TABLE}/clear`, pageRoute((_r, p) => clearForm(ctx, p.family!, p.table!)))
    .add("POST", `${TABLE}/clear`, pageRoute((r, p) => clearTable(ctx, r, p.family!, p.table!)))
    .add("GET", "/limits", pageRoute(() => limitsPage(ctx)))
    .add("GET", "/fleet", pageRoute(() => fleetPage(ctx)))
    .add("GET", "/fleet/table", dataRoute(() => pageResponse(fleetTable(ctx).toString())))
    .add("GET", "/fleet.json", dataRoute(() => fleetJson(ctx)))
    .add(
      "GET",
      "/watch",
      dataRoute((request) => {
        const reader = ctx.ldb.reader();
        return watchRoute(reader, watchOptions)(request, reader.getLastSequence());
      }),
    )
    .add(
      "GET",
      "/assets/:name",
      async (request, params) =>
        await assetResponse(params.name!, request) ??
          new Response("No such asset\n", { status: 404 }),
    )
    .add("GET", "/healthz", () => new Response("ok\n"));

  return async (request) => {
    const { pathname, search } = new URL(request.url);
    const clean = cleanPath(pathname);
    if (clean !== pathname) {
      return new Response(null, { status: 301, headers: { location: clean + search } });
    }
    const found = router.match(request.method, pathname);
    if (found === "not-found") return problem(404, `There is no page at ${pathname}`);
    if (found === "method-not-allowed") {
      return problem(405, `${request.method} is not allowed on ${pathname}`);
    }
    return await found.handler(request, found.params);
  };
}

function asked(params: Params): Asked {
  return { family: params.family, table: params.table };
}
