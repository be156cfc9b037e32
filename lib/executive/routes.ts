/**
 * The executive's HTTP surface in one place (spec §7.1–7.3, DESIGN §3.1): every route, which
 * of them need the admin token, request body limits (413 `Request too large` over 1 MiB,
 * announced or streamed) and read deadline (408 for a body that does not arrive in time), the
 * per-request deadline, the 503 of every route that needs the ctldb while the executive is not
 * ready on it, the mapping of every error to a status and message (bodies without a trailing
 * newline, as the original's executive), and request metrics by route pattern. Handlers only
 * parse the request and call the operation modules.
 *
 * @module
 */
import { CtldbUnavailableError } from "../ctldb/mod.ts";
import {
  BodyReader,
  ClientDisconnectedError,
  errorResponse,
  HttpError,
  Router,
} from "../http/mod.ts";
import { errorMessage } from "../log/mod.ts";
import { metricsResponse } from "../metrics/mod.ts";
import {
  MAX_REQUEST_BODY_BYTES,
  NameError,
  stringifyGoJson,
  TableDefinitionError,
  ValueError,
} from "../schema/mod.ts";
import type { ExecutiveContext } from "./context.ts";
import { ctldbHttpError } from "./ctldb_errors.ts";
import { clearFamily, clearTable, dropTable } from "./destructive.ts";
import { createFamily, listFamilies, listFamilyTables } from "./families.ts";
import { isObject, jsonError, optionalString, parseJsonBody } from "./json_body.ts";
import {
  deleteTableLimit,
  deleteWriterLimit,
  readTableLimits,
  readWriterLimits,
  updateTableLimit,
  updateWriterLimit,
} from "./limits_admin.ts";
import { parseMutationRequest } from "./mutation_request.ts";
import { mutate } from "./mutations.ts";
import type { CtldbReadiness } from "./readiness.ts";
import { readFamilySchema, readTableSchema } from "./schema_read.ts";
import { constantTimeEqual } from "./secrets.ts";
import { sleepResponse } from "./sleep.ts";
import { addFields, createTable, keyFieldsOf, parseTableBody, unzipFields } from "./tables.ts";
import { deleteWriter, rotateWriterSecret, type WriterAuthority } from "./writer_admin.ts";
import { readCookie, registerWriter, writeCookie } from "./writers.ts";

type Params = Record<string, string>;
type RouteHandler = (request: Request, params: Params, signal: AbortSignal) => Promise<Response>;

const KNOWN_METHODS = new Set(["GET", "POST", "PUT", "DELETE", "HEAD", "OPTIONS", "PATCH"]);

/** Routes answered without the ctldb, so also while the executive is not ready on it. */
const LOCAL_ROUTES = new Set(["/status", "/metrics"]);

function ok(): Response {
  return new Response(null, { status: 200 });
}

/**
 * The response header that repeats a mutation's ledger seq (DESIGN §7), so a client can wait
 * for it on a host (sidecar `X-Ctlstore-Min-Seq`, `ctlstore wait-seq`) without parsing the body.
 */
const SEQ_HEADER = "X-Ctlstore-Seq";

function json(value: unknown, headers: Record<string, string> = {}): Response {
  return new Response(stringifyGoJson(value), {
    headers: { "content-type": "application/json", ...headers },
  });
}

/**
 * Maps any error to the HTTP error the client gets: bad names and values 400, ctldb
 * unreachable 503, anything unexpected 500 (with its message).
 *
 * @example
 * ```ts
 * toHttpError(new CtldbUnavailableError("ctldb unavailable: ECONNREFUSED")).status; // 503
 * ```
 */
export function toHttpError(error: unknown): HttpError {
  if (error instanceof HttpError) return error;
  if (
    error instanceof NameError || error instanceof ValueError ||
    error instanceof TableDefinitionError
  ) {
    return new HttpError(400, error.message, { cause: error });
  }
  return ctldbHttpError(error) ?? new HttpError(500, errorMessage(error), { cause: error });
}

function param(params: Params, name: string): string {
  return params[name] ?? "";
}

/** `POST /tables`: creates each table in turn; the first failure stops, wrapped as the original. */
async function createTables(ctx: ExecutiveContext, body: unknown, signal: AbortSignal) {
  if (body !== null && !Array.isArray(body)) throw jsonError("request body must be an array");
  for (const [i, item] of (body ?? []).entries()) {
    if (!isObject(item)) throw jsonError(`tables[${i}] must be an object`);
    const family = optionalString(item, "family");
    const table = optionalString(item, "name");
    const where = `for family "${family}" table "${table}"`;
    let fields;
    try {
      fields = unzipFields(item);
    } catch (e) {
      if (!(e instanceof TableDefinitionError)) throw e;
      throw new HttpError(400, `unzipping fields param ${where}: ${e.message}`);
    }
    try {
      await createTable(ctx, family, table, fields, keyFieldsOf(item), signal);
    } catch (e) {
      const mapped = toHttpError(e);
      throw new HttpError(mapped.status, `creating table ${where}: ${mapped.message}`, {
        cause: e,
      });
    }
  }
}

function writerHeaders(request: Request): { writer: string; secret: string } {
  return {
    writer: request.headers.get("ctlstore-writer") ?? "",
    secret: request.headers.get("ctlstore-secret") ?? "",
  };
}

/** The route table: method, pattern, whether the admin token is required, handler. */
function routeTable(
  ctx: ExecutiveContext,
  bodies: BodyReader,
): [string, string, boolean, RouteHandler][] {
  const jsonBody = async (request: Request) => parseJsonBody(await bodies.readBytes(request));
  return [
    ["GET", "/families", true, async () => json({ families: await listFamilies(ctx.db) })],
    ["GET", "/families/:family/tables", true, async (_r, p) => {
      return json(await listFamilyTables(ctx.db, param(p, "family")));
    }],
    ["POST", "/families/:family", true, async (_r, p) => {
      await createFamily(ctx.db, param(p, "family"));
      return ok();
    }],
    ["POST", "/families/:family/tables/:table", true, async (r, p, signal) => {
      const { fields, keyFields } = parseTableBody(await jsonBody(r));
      await createTable(ctx, param(p, "family"), param(p, "table"), fields, keyFields, signal);
      return ok();
    }],
    ["PUT", "/families/:family/tables/:table", true, async (r, p, signal) => {
      const { fields } = parseTableBody(await jsonBody(r));
      await addFields(ctx, param(p, "family"), param(p, "table"), fields, signal);
      return ok();
    }],
    ["DELETE", "/families/:family/tables/:table", true, async (_r, p, signal) => {
      await dropTable(ctx, param(p, "family"), param(p, "table"), signal);
      return ok();
    }],
    ["POST", "/tables", true, async (r, _p, signal) => {
      await createTables(ctx, await jsonBody(r), signal);
      return ok();
    }],
    ["POST", "/families/:family/mutations", false, async (r, p, signal) => {
      const request = parseMutationRequest(await jsonBody(r));
      const seq = await mutate(ctx, {
        family: param(p, "family"),
        ...writerHeaders(r),
        request,
        signal,
      });
      return json({ seq }, { [SEQ_HEADER]: String(seq) });
    }],
    ["POST", "/writers/:writer", false, async (r, p) => {
      await registerWriter(ctx.db, param(p, "writer"), await bodies.readBytes(r));
      return ok();
    }],
    ["PUT", "/writers/:writer", false, async (r, p) => {
      const authority = writerAuthority(ctx, r);
      await rotateWriterSecret(ctx, param(p, "writer"), authority, await bodies.readBytes(r));
      return ok();
    }],
    ["DELETE", "/writers/:writer", false, async (r, p) => {
      await deleteWriter(ctx, param(p, "writer"), writerAuthority(ctx, r));
      return ok();
    }],
    ["GET", "/cookie", false, async (r) => {
      const { writer, secret } = writerHeaders(r);
      const cookie = await readCookie(ctx.db, writer, secret);
      return new Response(cookie.slice(), {
        headers: { "content-type": "application/octet-stream" },
      });
    }],
    ["POST", "/cookie", false, async (r) => {
      const { writer, secret } = writerHeaders(r);
      await writeCookie(ctx.db, writer, secret, await bodies.readBytes(r));
      return ok();
    }],
    ["GET", "/schema/table/:family/:table", true, async (_r, p) => {
      return json(await readTableSchema(ctx, param(p, "family"), param(p, "table")));
    }],
    ["GET", "/schema/family/:family", true, async (_r, p) => {
      return json(await readFamilySchema(ctx, param(p, "family")));
    }],
    ["GET", "/limits/tables", true, async () => json(await readTableLimits(ctx))],
    ["POST", "/limits/tables/:family/:table", true, async (r, p) => {
      await updateTableLimit(ctx, param(p, "family"), param(p, "table"), await jsonBody(r));
      return ok();
    }],
    ["DELETE", "/limits/tables/:family/:table", true, async (_r, p) => {
      await deleteTableLimit(ctx, param(p, "family"), param(p, "table"));
      return ok();
    }],
    ["GET", "/limits/writers", true, async () => json(await readWriterLimits(ctx))],
    ["POST", "/limits/writers/:writer", true, async (r, p) => {
      await updateWriterLimit(ctx, param(p, "writer"), await jsonBody(r));
      return ok();
    }],
    ["DELETE", "/limits/writers/:writer", true, async (_r, p) => {
      await deleteWriterLimit(ctx, param(p, "writer"));
      return ok();
    }],
    ["DELETE", "/clear-rows/families/:family", true, async (_r, p, signal) => {
      await clearFamily(ctx, param(p, "family"), signal);
      return ok();
    }],
    ["DELETE", "/clear-rows/families/:family/tables/:table", true, async (_r, p, signal) => {
      await clearTable(ctx, param(p, "family"), param(p, "table"), signal);
      return ok();
    }],
    ["GET", "/status", false, () => Promise.resolve(ok())],
    ["GET", "/healthz", false, async () => {
      await ctx.db.ping();
      if (ctx.ledger.pendingRepairs > 0) {
        throw new HttpError(503, `${ctx.ledger.pendingRepairs} ledger row(s) waiting for repair`);
      }
      return new Response("ok");
    }],
    ["GET", "/metrics", false, () => metricsResponse(ctx.metrics.registry)],
  ];
}

/** Options of {@linkcode createExecutiveHandler}. */
export interface ExecutiveHandlerOptions {
  /** Aborted when the executive stops: `GET /sleep` then answers at once. */
  stopping?: AbortSignal;
  /** While not ready, every route but `/status`, `/metrics` and `/sleep` answers its 503. */
  readiness?: Pick<CtldbReadiness, "unavailable">;
}

/**
 * Builds the executive's request handler.
 *
 * @param ctx The executive.
 * @param options The stop signal and the ctldb readiness.
 * @example
 * ```ts
 * const handler = createExecutiveHandler(ctx);
 * const response = await handler(new Request("http://localhost/status"));
 * ```
 */
export function createExecutiveHandler(
  ctx: ExecutiveContext,
  options: ExecutiveHandlerOptions = {},
): (request: Request) => Promise<Response> {
  const stopping = options.stopping ?? new AbortController().signal;
  const bodies = new BodyReader(MAX_REQUEST_BODY_BYTES, ctx.config.readTimeoutMs);
  const router = new Router();
  for (const [method, pattern, admin, handler] of routeTable(ctx, bodies)) {
    const readiness = LOCAL_ROUTES.has(pattern) ? undefined : options.readiness;
    router.add(
      method,
      pattern,
      (request, params) => guarded(ctx, { admin, readiness }, handler, request, params),
    );
  }
  // Not guarded: its deadline is an answer (`cancelled`), not an error. The request's own
  // signal is not watched: a client that went away cannot read the answer, and reading
  // `request.signal` makes Deno print a deprecation warning.
  router.add("GET", "/sleep", () => sleepResponse([stopping], ctx.config.handlerTimeoutMs));
  return async (request) => {
    const start = performance.now();
    const { route, response } = await router.handle(request);
    ctx.metrics.request(
      route,
      KNOWN_METHODS.has(request.method) ? request.method : "OTHER",
      response.status,
      (performance.now() - start) / 1000,
    );
    return response;
  };
}

function checkAdmin(ctx: ExecutiveContext, request: Request): void {
  const token = ctx.config.adminToken;
  if (token === "") return;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.get("authorization") ?? "");
  if (!match || !constantTimeEqual(match[1]!, token)) {
    throw new HttpError(401, "Unauthorized: this route requires the admin token");
  }
}

/**
 * Who may change or remove a writer: with an admin token configured only its holder (so a
 * leaked writer secret cannot lock the writer's owner out), otherwise whoever knows the
 * writer's current secret (`ctlstore-secret`).
 */
function writerAuthority(ctx: ExecutiveContext, request: Request): WriterAuthority {
  if (ctx.config.adminToken === "") {
    return { admin: false, currentSecret: writerHeaders(request).secret };
  }
  checkAdmin(ctx, request);
  return { admin: true };
}

/** What {@linkcode guarded} checks before a handler runs. */
interface Guards {
  /** The admin token is required. */
  admin: boolean;
  /** The route needs the ctldb: it answers 503 while the executive is not ready on it. */
  readiness: Pick<CtldbReadiness, "unavailable"> | undefined;
}

/**
 * Runs one handler with the admin check, the readiness check, the body limit, the deadline and
 * error mapping.
 */
async function guarded(
  ctx: ExecutiveContext,
  guards: Guards,
  handler: RouteHandler,
  request: Request,
  params: Params,
): Promise<Response> {
  const controller = new AbortController();
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    if (guards.admin) checkAdmin(ctx, request);
    const notReady = guards.readiness?.unavailable();
    if (notReady) {
      // The outage itself is logged by the readiness; one line per request would drown it.
      ctx.metrics.error("ctldb-unavailable");
      return errorResponse(notReady);
    }
    if (Number(request.headers.get("content-length") ?? "0") > MAX_REQUEST_BODY_BYTES) {
      throw new HttpError(413, "Request too large");
    }
    const work = handler(request, params, controller.signal);
    work.catch(() => {});
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        controller.abort(new HttpError(503, "Request timed out; nothing was written"));
        ctx.metrics.error("handler-timeout");
        reject(
          new HttpError(503, `Request timed out after ${ctx.config.handlerTimeoutMs} ms`),
        );
      }, ctx.config.handlerTimeoutMs);
    });
    return await Promise.race([work, timeout]);
  } catch (error) {
    const mapped = toHttpError(error);
    if (error instanceof ClientDisconnectedError) {
      ctx.metrics.error("client-disconnect");
      ctx.log.debug("client disconnected before sending its request body", {
        method: request.method,
        path: new URL(request.url).pathname,
      });
    } else if (mapped.status >= 500) {
      ctx.metrics.error(error instanceof CtldbUnavailableError ? "ctldb-unavailable" : "server");
      ctx.log.error("request failed", {
        method: request.method,
        path: new URL(request.url).pathname,
        status: mapped.status,
        error: mapped.message,
      });
    } else {
      ctx.log.debug("request rejected", { status: mapped.status, error: mapped.message });
    }
    return errorResponse(mapped);
  } finally {
    clearTimeout(timer);
  }
}
