/**
 * The body of `GET /watch`: a `text/event-stream` of the change history, pull-based so a client
 * that does not read holds the loop instead of making the sidecar buffer. Each pull answers one
 * chunk: the events of one page of changes (a page never ends inside a ledger transaction) and
 * a heartbeat when one is due. Owns the SSE wire format and the follow loop; the route
 * (`changes_routes.ts`) validates the request and reads the first page before the stream starts.
 *
 * Wire format: `id: <seq>` / `event: change` / `data: <encodeChange JSON>` per change, and
 * `id: <M>` / `event: heartbeat` / `data: {"lastSeq":M}` at the start and at least every
 * heartbeat interval, where M is the stream's position: every matching change up to seq M has
 * been sent (the applied seq once the stream has caught up). So `Last-Event-ID` always names a
 * seq the stream can resume after with no loss and no repeat. Several entries of one statement
 * share a seq; only the last of them carries the `id`, so a connection cut between them resumes
 * before the statement rather than skipping the rest of its entries. When the history moves
 * past the stream (a consumer slower than the retention), `event: gone` with the 410 JSON ends
 * it; another failure ends it with `event: error` and `{"error": …}`.
 *
 * @module
 */
import {
  type Change,
  type ChangeFilter,
  ChangeHistoryGoneError,
  type ChangePage,
  type Reader,
  ReaderError,
  SequenceTimeoutError,
} from "../reader/mod.ts";
import { stringifyGoJson } from "../schema/mod.ts";
import { encodeChange } from "./change_json.ts";
import { clientError, goneJson } from "./errors.ts";

/** Heartbeat interval unless told otherwise, in milliseconds. */
export const DEFAULT_WATCH_HEARTBEAT_MS = 15_000;

/** Entries read per page while following. */
const PAGE_LIMIT = 1000;

/** Options of {@linkcode changeEventStream}. */
export interface ChangeEventStreamOptions {
  /** Where changes are read and seqs waited for. */
  reader: Pick<Reader, "getChanges" | "waitForSequence">;
  /** The validated filter. */
  filter: ChangeFilter;
  /** The seq the stream resumes after. */
  after: number;
  /** The first page (read by the route, so its errors become 4xx before the stream starts). */
  first: ChangePage;
  /** Heartbeat interval in milliseconds. */
  heartbeatMs: number;
  /** The sidecar's stop: ends the stream. */
  signal?: AbortSignal;
  /** Called with failures that are server faults (not a gone history, not a shutdown). */
  onServerError?: (error: unknown) => void;
}

/**
 * Formats changes as SSE `change` events.
 *
 * @example
 * ```ts
 * changeEvents([change]); // "id: 7\nevent: change\ndata: {\"seq\":7,…}\n\n"
 * ```
 */
export function changeEvents(changes: readonly Change[]): string {
  let text = "";
  for (let i = 0; i < changes.length; i++) {
    const change = changes[i]!;
    const id = changes[i + 1]?.seq === change.seq ? "" : `id: ${change.seq}\n`;
    text += `${id}event: change\ndata: ${encodeChange(change)}\n\n`;
  }
  return text;
}

/**
 * Formats a heartbeat at stream position `seq`.
 *
 * @example
 * ```ts
 * heartbeatEvent(42); // 'id: 42\nevent: heartbeat\ndata: {"lastSeq":42}\n\n'
 * ```
 */
export function heartbeatEvent(seq: number): string {
  return `id: ${seq}\nevent: heartbeat\ndata: {"lastSeq":${seq}}\n\n`;
}

/**
 * Creates the event stream of `GET /watch`. It ends when the client cancels it, when `signal`
 * aborts (after the chunk being written), or after a `gone` or `error` event.
 *
 * @example
 * ```ts
 * const first = reader.getChanges({ after: 0 });
 * const body = changeEventStream({ reader, filter: {}, after: 0, first, heartbeatMs: 15_000 });
 * return new Response(body, { headers: { "content-type": "text/event-stream" } });
 * ```
 */
export function changeEventStream(options: ChangeEventStreamOptions): ReadableStream<Uint8Array> {
  const { reader, filter, heartbeatMs, signal: stop } = options;
  const encoder = new TextEncoder();
  /** Aborted when the stream ends for any reason: stops every wait. */
  const ended = new AbortController();
  let pending: ChangePage | undefined = options.first;
  /** Every matching change up to this seq has been sent (or is in the chunk being built). */
  let position = options.after;
  let caughtUp = false;
  let finished = false;
  let nextHeartbeat = 0;
  let controller: ReadableStreamDefaultController<Uint8Array> | undefined;

  const end = () => {
    if (ended.signal.aborted) return;
    ended.abort();
    stop?.removeEventListener("abort", end);
    try {
      controller?.close();
    } catch {
      // Already closed or cancelled.
    }
  };

  /** The events of the next page, or a final `gone`/`error` event. */
  const readPage = (): string => {
    let page = pending;
    pending = undefined;
    try {
      page ??= reader.getChanges({ ...filter, after: position, limit: PAGE_LIMIT });
    } catch (error) {
      finished = true;
      if (error instanceof ChangeHistoryGoneError) {
        return `event: gone\ndata: ${goneJson(error)}\n\n`;
      }
      if (error instanceof ReaderError && error.code === "closed") return "";
      if (!clientError(error)) options.onServerError?.(error);
      const message = error instanceof Error ? error.message : String(error);
      return `event: error\ndata: ${stringifyGoJson({ error: message })}\n\n`;
    }
    position = Math.max(position, page.lastSeq);
    caughtUp = !page.more;
    return changeEvents(page.changes);
  };

  /** The next chunk, or `undefined` when the stream is over. */
  const next = async (): Promise<string | undefined> => {
    while (!finished && !ended.signal.aborted) {
      let text = caughtUp ? "" : readPage();
      if (finished) return text || undefined;
      const now = performance.now();
      if (now >= nextHeartbeat) {
        text += heartbeatEvent(position);
        nextHeartbeat = now + heartbeatMs;
      }
      if (text !== "") return text;
      try {
        await reader.waitForSequence(position + 1, {
          timeoutMs: Math.max(0, nextHeartbeat - now),
          signal: ended.signal,
        });
        caughtUp = false;
      } catch (error) {
        if (error instanceof SequenceTimeoutError) continue;
        if (ended.signal.aborted || (error instanceof ReaderError && error.code === "closed")) {
          return undefined;
        }
        throw error;
      }
    }
    return undefined;
  };

  return new ReadableStream<Uint8Array>({
    start(streamController) {
      controller = streamController;
      if (stop?.aborted) return end();
      stop?.addEventListener("abort", end, { once: true });
    },
    async pull() {
      let text: string | undefined;
      try {
        text = await next();
      } catch (error) {
        options.onServerError?.(error);
        text = undefined;
      }
      if (ended.signal.aborted) return;
      if (text === undefined) return end();
      controller!.enqueue(encoder.encode(text));
    },
    cancel() {
      end();
    },
  }, { highWaterMark: 0 });
}
