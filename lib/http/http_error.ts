/**
 * The one HTTP error type, and the one place a thrown value becomes a response.
 *
 * @module
 */

/**
 * An error that carries the HTTP status it should be answered with.
 *
 * @example
 * ```ts
 * throw new HttpError(404, "Family not found");
 * ```
 */
export class HttpError extends Error {
  /**
   * @param status HTTP status code sent to the client.
   * @param message Response body text (the original's message where the spec gives one).
   * @param options Standard error options (`cause`).
   */
  constructor(readonly status: number, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "HttpError";
  }
}

/** Options of {@linkcode errorResponse}. */
export interface ErrorResponseOptions {
  /** Append `\n` to the body as Go's `http.Error` does (sidecar); the executive does not. */
  trailingNewline?: boolean;
  /** Called with errors that are not {@linkcode HttpError}s (real server faults). */
  onServerError?: (error: unknown) => void;
}

/**
 * Maps any thrown value to a response: an {@linkcode HttpError} keeps its status and message;
 * anything else is a 500 whose body is the error message.
 *
 * @example
 * ```ts
 * const response = errorResponse(new HttpError(409, "Family already exists"));
 * console.log(response.status); // 409
 * ```
 */
export function errorResponse(error: unknown, options: ErrorResponseOptions = {}): Response {
  const suffix = options.trailingNewline ? "\n" : "";
  if (error instanceof HttpError) {
    return new Response(error.message + suffix, {
      status: error.status,
      headers: { "content-type": "text/plain; charset=utf-8" },
    });
  }
  options.onServerError?.(error);
  const message = error instanceof Error ? error.message : String(error);
  return new Response(message + suffix, {
    status: 500,
    headers: { "content-type": "text/plain; charset=utf-8" },
  });
}
