/**
 * The one place a thrown value becomes a sidecar response: reader errors are mapped to the
 * client error they stand for (bad names 400, unknown table or a family a partial LDB does not
 * carry 404, history gone 410 with a JSON
 * body, no change history 501, a read-your-writes wait that timed out 504, shutting down 503),
 * a read that found the LDB damaged or unreadable 503, {@linkcode HttpError}s keep their
 * status, and anything else is a logged 500. Bodies end in a
 * newline, as Go's `http.Error` writes them. Routes throw; they never build error responses.
 *
 * @module
 */
import { errorResponse, HttpError } from "../http/mod.ts";
import { isCorruptionError } from "../ldb/mod.ts";
import { errorMessage } from "../log/mod.ts";
import { ChangeHistoryGoneError, ReaderError } from "../reader/mod.ts";
import { stringifyGoJson } from "../schema/mod.ts";

/** Options of {@linkcode SidecarHttpError}. */
export interface SidecarHttpErrorOptions extends ErrorOptions {
  /** Answer with the JSON object `{"error": <message>, ...fields}` instead of plain text. */
  fields?: Record<string, unknown>;
  /** Extra response headers (e.g. `X-Ctlstore-Seq` on a 504). */
  headers?: Record<string, string>;
}

/**
 * An {@linkcode HttpError} whose response has a JSON body or extra headers.
 *
 * @example A 410 with the oldest retained seq
 * ```ts
 * throw new SidecarHttpError(410, "changes after seq 3 are no longer retained", {
 *   fields: { oldestSeq: 120 },
 * });
 * ```
 */
export class SidecarHttpError extends HttpError {
  /** Fields of the JSON body besides `error`; plain text when absent. */
  readonly fields: Record<string, unknown> | undefined;
  /** Extra response headers. */
  readonly headers: Record<string, string>;

  /**
   * @param status HTTP status code sent to the client.
   * @param message The `error` of the JSON body, or the text body.
   * @param options JSON fields, extra headers and the cause.
   */
  constructor(status: number, message: string, options: SidecarHttpErrorOptions = {}) {
    super(status, message, options);
    this.name = "SidecarHttpError";
    this.fields = options.fields;
    this.headers = options.headers ?? {};
  }
}

/**
 * The JSON of a history-gone answer, as `/changes` and `/watch` send it (the 410 body, and the
 * `data` of the stream's `gone` event).
 *
 * @example
 * ```ts
 * goneJson(new ChangeHistoryGoneError(3, 120));
 * // {"error":"changes after seq 3 are no longer retained: …","oldestSeq":120}
 * ```
 */
export function goneJson(error: ChangeHistoryGoneError): string {
  return stringifyGoJson({ error: error.message, oldestSeq: error.oldestSeq });
}

/**
 * The client error a reader error stands for: bad names and keys 400, unknown table 404
 * (`Table not found`), a family a partial LDB does not carry 404 (saying so), history gone 410 (JSON with `oldestSeq`), no change history 501, a
 * wait that timed out 504, a closed reader 503; `undefined` for faults of the LDB (500).
 *
 * @example
 * ```ts
 * clientError(new ReaderError("table-not-found", "Table not found"))?.status; // 404
 * ```
 */
export function clientError(error: unknown): HttpError | undefined {
  if (!(error instanceof ReaderError)) return undefined;
  switch (error.code) {
    case "bad-name":
    case "bad-key":
    case "no-primary-key":
      return new HttpError(400, error.message, { cause: error });
    case "table-not-found":
    case "family-not-carried":
      return new HttpError(404, error.message, { cause: error });
    case "history-gone":
      return new SidecarHttpError(410, error.message, {
        cause: error,
        fields: { oldestSeq: (error as ChangeHistoryGoneError).oldestSeq },
      });
    case "no-change-history":
      return new HttpError(501, error.message, { cause: error });
    case "wait-timeout":
      return new HttpError(504, error.message, { cause: error });
    case "closed":
      return new HttpError(503, "the sidecar is shutting down", { cause: error });
    default:
      return undefined;
  }
}

/**
 * The answer to a read that found the LDB damaged or unreadable ({@linkcode isCorruptionError}:
 * malformed, not a database, an I/O error): 503 `LDB damaged or unreadable: <error>`, never a
 * 200 with the rows read before the damage; `undefined` for other errors ({@linkcode HttpError}s
 * keep their own answer).
 *
 * @example
 * ```ts
 * const malformed = Object.assign(new Error("database disk image is malformed"), { errcode: 11 });
 * ldbFaultError(malformed)?.status; // 503
 * ```
 */
export function ldbFaultError(error: unknown): HttpError | undefined {
  if (error instanceof HttpError || !isCorruptionError(error)) return undefined;
  return new HttpError(503, `LDB damaged or unreadable: ${errorMessage(error)}`, {
    cause: error,
  });
}

/**
 * Maps any thrown value to the sidecar's response (see the module doc); `onServerError` sees
 * the real faults (500).
 *
 * @example
 * ```ts
 * const response = sidecarErrorResponse(new ChangeHistoryGoneError(3, 120));
 * console.log(response.status, await response.json()); // 410 { error: "…", oldestSeq: 120 }
 * ```
 */
export function sidecarErrorResponse(
  error: unknown,
  onServerError?: (error: unknown) => void,
): Response {
  const mapped = clientError(error) ?? ldbFaultError(error) ?? error;
  if (!(mapped instanceof SidecarHttpError)) {
    return errorResponse(mapped, {
      trailingNewline: true,
      ...(onServerError ? { onServerError } : {}),
    });
  }
  if (mapped.fields === undefined) {
    return new Response(mapped.message + "\n", {
      status: mapped.status,
      headers: { "content-type": "text/plain; charset=utf-8", ...mapped.headers },
    });
  }
  return new Response(stringifyGoJson({ error: mapped.message, ...mapped.fields }) + "\n", {
    status: mapped.status,
    headers: { "content-type": "application/json", ...mapped.headers },
  });
}
