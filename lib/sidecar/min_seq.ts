/**
 * Read-your-writes on the sidecar's read routes: the request header `X-Ctlstore-Min-Seq: N`
 * holds the request until the LDB has applied ledger seq N (bounded by `-min-seq-timeout`), and
 * every read answer carries `X-Ctlstore-Seq: <applied seq>`, read before the data so the answer
 * reflects at least that seq. This file owns the header names, their parsing and the wait; the
 * routes decide what to read.
 *
 * @module
 */
import { formatGoDuration } from "../flags/mod.ts";
import { HttpError } from "../http/mod.ts";
import { type Reader, SequenceTimeoutError } from "../reader/mod.ts";
import { SidecarHttpError } from "./errors.ts";

/** The request header naming the seq a read must reflect. */
export const MIN_SEQ_HEADER = "x-ctlstore-min-seq";

/** The response header with the LDB's applied seq the answer reflects (at least). */
export const SEQ_HEADER = "x-ctlstore-seq";

/** How long a read waits for its `X-Ctlstore-Min-Seq` unless told otherwise, in ms. */
export const DEFAULT_MIN_SEQ_TIMEOUT_MS = 5000;

const DIGITS = /^\d+$/;

/**
 * Parses a seq given by a client (a query parameter or header): a non-negative decimal
 * integer within JavaScript's safe range.
 *
 * @param what How the value is named in the message, e.g. `after` or `X-Ctlstore-Min-Seq header`.
 * @param text The value as given.
 * @throws {HttpError} 400 `invalid <what> "<text>": must be a non-negative integer`.
 * @example
 * ```ts
 * parseSeq("after", "42"); // 42
 * ```
 */
export function parseSeq(what: string, text: string): number {
  const value = Number(text);
  if (!DIGITS.test(text) || !Number.isSafeInteger(value)) {
    throw new HttpError(400, `invalid ${what} "${text}": must be a non-negative integer`);
  }
  return value;
}

/**
 * The error for a request whose client disconnected while it was held: nobody reads the
 * answer, but metrics count it (499, as nginx does) instead of logging a server fault.
 *
 * @example
 * ```ts
 * clientGone(new DOMException("aborted", "AbortError")).status; // 499
 * ```
 */
export function clientGone(cause: unknown): HttpError {
  return new HttpError(499, "the client closed the request", { cause });
}

/** Options of {@linkcode readSeq}. */
export interface ReadSeqOptions {
  /** Longest wait for `X-Ctlstore-Min-Seq`, in milliseconds. */
  timeoutMs: number;
  /** The sidecar's stop: a wait still held answers 503. */
  signal?: AbortSignal;
}

/**
 * The applied seq a read answers at: read now, or, with `X-Ctlstore-Min-Seq: N`, once the LDB
 * has applied N. Only a request that must wait pays for a timer and a signal.
 *
 * @param reader Where the seq is read.
 * @param request The request (its header, and its signal to end the wait when the client goes).
 * @param options The bound of the wait and the sidecar's stop signal.
 * @returns The applied seq (at least N).
 * @throws {HttpError} 400 for an invalid header; 504 (with `X-Ctlstore-Seq`) when N does not
 *   arrive in time; 503 when the sidecar stops meanwhile; 499 when the client went away.
 * @example
 * ```ts
 * const seq = await readSeq(reader, request, { timeoutMs: 5000 });
 * ```
 */
export async function readSeq(
  reader: Pick<Reader, "getLastSequence" | "waitForSequence">,
  request: Request,
  options: ReadSeqOptions,
): Promise<number> {
  const header = request.headers.get(MIN_SEQ_HEADER);
  const now = reader.getLastSequence();
  if (header === null) return now;
  const minSeq = parseSeq("X-Ctlstore-Min-Seq header", header);
  if (now >= minSeq) return now;
  const signal = options.signal
    ? AbortSignal.any([request.signal, options.signal])
    : request.signal;
  try {
    return await reader.waitForSequence(minSeq, { timeoutMs: options.timeoutMs, signal });
  } catch (error) {
    if (error instanceof SequenceTimeoutError) {
      throw new SidecarHttpError(
        504,
        `X-Ctlstore-Min-Seq ${minSeq} was not applied within ` +
          `${formatGoDuration(options.timeoutMs)}: the LDB is at seq ${error.lastSeq}`,
        { cause: error, headers: { [SEQ_HEADER]: String(error.lastSeq) } },
      );
    }
    if (options.signal?.aborted) {
      throw new HttpError(503, "the sidecar is shutting down", { cause: error });
    }
    if (request.signal.aborted) throw clientGone(error);
    throw error;
  }
}
