/**
 * The sidecar's change-feed routes over the LDB's change history: `GET /changes` (a page, or a
 * long-poll with `wait`) and `GET /watch` (a server-sent event stream, `event_stream.ts`). Owns
 * their query parameters and answers; names are validated by the reader, errors become
 * responses in `errors.ts`, and the applied seq of `X-Ctlstore-Seq` comes from `min_seq.ts`.
 *
 * `/changes` answers `{"changes":[…],"lastSeq":M}`, with `"more":true` added only when `limit`
 * cut the page short. `lastSeq` is where to continue: the applied seq when the page is
 * complete (so a filter that matched nothing still advances), the last entry's seq when cut
 * short, and never below `after` (a client may ask after a seq the LDB has not applied yet).
 *
 * @module
 */
import { parseGoDuration } from "../flags/mod.ts";
import { HttpError } from "../http/mod.ts";
import {
  type ChangeFilter,
  type ChangePage,
  type Reader,
  SequenceTimeoutError,
} from "../reader/mod.ts";
import { encodeChange } from "./change_json.ts";
import { changeEventStream } from "./event_stream.ts";
import { clientGone, parseSeq, SEQ_HEADER } from "./min_seq.ts";

/** Entries per `/changes` page unless `limit` says otherwise. */
export const DEFAULT_CHANGES_LIMIT = 1000;

/** The largest `limit` of `/changes`. */
export const MAX_CHANGES_LIMIT = 10_000;

/** The longest `wait` of `/changes` unless told otherwise, in milliseconds. */
export const DEFAULT_CHANGES_MAX_WAIT_MS = 60_000;

/** What the change routes need of a reader. */
export type ChangesReader = Pick<Reader, "getChanges" | "waitForSequence">;

/** Options of {@linkcode changesRoute} and {@linkcode watchRoute}. */
export interface ChangesRouteOptions {
  /** `wait` longer than this is clamped to it, in milliseconds (0: no long-poll). */
  maxWaitMs: number;
  /** Heartbeat interval of `/watch`, in milliseconds. */
  heartbeatMs: number;
  /** The sidecar's stop: held long-polls answer what they have, streams end. */
  signal?: AbortSignal;
  /** Where server faults of open streams are reported. */
  onServerError?: (error: unknown) => void;
}

/** A read route: gets the applied seq its answer reflects, read before the data. */
export type SeqRoute = (request: Request, seq: number) => Response | Promise<Response>;

/** `family` and `table` of a query, as given (the reader validates them). */
function filterOf(params: URLSearchParams): ChangeFilter {
  const family = params.get("family");
  const table = params.get("table");
  return { ...(family === null ? {} : { family }), ...(table === null ? {} : { table }) };
}

function parseLimit(text: string | null): number {
  if (text === null) return DEFAULT_CHANGES_LIMIT;
  const value = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(value) || value < 1) {
    throw new HttpError(400, `invalid limit "${text}": must be a positive integer`);
  }
  if (value > MAX_CHANGES_LIMIT) {
    throw new HttpError(400, `invalid limit ${value}: must be at most ${MAX_CHANGES_LIMIT}`);
  }
  return value;
}

function parseWait(text: string | null, maxWaitMs: number): number {
  if (text === null) return 0;
  let value: number;
  try {
    value = parseGoDuration(text);
  } catch {
    throw new HttpError(400, `invalid wait "${text}": must be a Go duration such as 30s or 500ms`);
  }
  if (value < 0) throw new HttpError(400, `invalid wait "${text}": must not be negative`);
  return Math.min(value, maxWaitMs);
}

function pageJson(page: ChangePage, lastSeq: number): string {
  let body = '{"changes":[';
  for (let i = 0; i < page.changes.length; i++) {
    if (i > 0) body += ",";
    body += encodeChange(page.changes[i]!);
  }
  return body + `],"lastSeq":${lastSeq}${page.more ? ',"more":true' : ""}}\n`;
}

/**
 * `GET /changes?after=N[&family=F][&table=T][&limit=L][&wait=D]`.
 *
 * @example
 * ```ts
 * const route = changesRoute(reader, { maxWaitMs: 60_000, heartbeatMs: 15_000 });
 * const response = await route(new Request("http://x/changes?after=0"), reader.getLastSequence());
 * ```
 */
export function changesRoute(reader: ChangesReader, options: ChangesRouteOptions): SeqRoute {
  return async (request, seq) => {
    const params = new URL(request.url).searchParams;
    const afterText = params.get("after");
    if (afterText === null) {
      throw new HttpError(400, "missing after: ask for the changes after a seq (0: all retained)");
    }
    const after = parseSeq("after", afterText);
    const limit = parseLimit(params.get("limit"));
    const waitMs = parseWait(params.get("wait"), options.maxWaitMs);
    const filter = filterOf(params);
    let page = reader.getChanges({ ...filter, after, limit });
    let position = Math.max(after, page.lastSeq);
    if (page.changes.length === 0 && waitMs > 0) {
      // Long-poll: wait for a newer seq, read what it brought, until something matches.
      const deadline = performance.now() + waitMs;
      const held = options.signal
        ? AbortSignal.any([request.signal, options.signal])
        : request.signal;
      while (page.changes.length === 0 && !held.aborted) {
        const timeoutMs = deadline - performance.now();
        if (timeoutMs <= 0) break;
        try {
          seq = await reader.waitForSequence(position + 1, { timeoutMs, signal: held });
        } catch (error) {
          if (error instanceof SequenceTimeoutError || held.aborted) break;
          throw error;
        }
        page = reader.getChanges({ ...filter, after: position, limit });
        position = Math.max(position, page.lastSeq);
      }
      // Nobody reads the answer of a client that went away; count it as such (a sidecar that
      // stops answers what it has instead).
      if (request.signal.aborted) throw clientGone(request.signal.reason);
    }
    return new Response(pageJson(page, position), {
      headers: { "content-type": "application/json", [SEQ_HEADER]: String(seq) },
    });
  };
}

/**
 * `GET /watch?after=N[&family=F][&table=T]` (or `Last-Event-ID: N`, which wins over `after`):
 * validates the request and reads the first page, so its errors are answered before the stream
 * starts, then streams (see `event_stream.ts`). Without either, the stream starts at the
 * applied seq: only new changes.
 *
 * @example
 * ```ts
 * const route = watchRoute(reader, { maxWaitMs: 60_000, heartbeatMs: 15_000 });
 * const response = await route(new Request("http://x/watch"), reader.getLastSequence());
 * ```
 */
export function watchRoute(reader: ChangesReader, options: ChangesRouteOptions): SeqRoute {
  return (request, seq) => {
    const params = new URL(request.url).searchParams;
    const lastEventId = request.headers.get("last-event-id");
    const afterText = params.get("after");
    const after = lastEventId !== null && lastEventId !== ""
      ? parseSeq("Last-Event-ID header", lastEventId)
      : afterText === null
      ? seq
      : parseSeq("after", afterText);
    const filter = filterOf(params);
    const first = reader.getChanges({ ...filter, after, limit: DEFAULT_CHANGES_LIMIT });
    const body = changeEventStream({
      reader,
      filter,
      after,
      first,
      heartbeatMs: options.heartbeatMs,
      ...(options.signal ? { signal: options.signal } : {}),
      ...(options.onServerError ? { onServerError: options.onServerError } : {}),
    });
    return new Response(body, {
      headers: {
        "content-type": "text/event-stream",
        "cache-control": "no-cache",
        "x-accel-buffering": "no",
        [SEQ_HEADER]: String(seq),
      },
    });
  };
}
