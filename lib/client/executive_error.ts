/**
 * The error of a request the executive answered with a non-200 status.
 *
 * @module
 */

/**
 * The executive answered a request with a status other than 200. The message reads
 * `<what>: server returned [<status>]: <body>`, as the original `ctlstore-cli` prints it.
 *
 * @example Tell "already exists" from real failures
 * ```ts
 * import { ExecutiveClient, ExecutiveError } from "./mod.ts";
 *
 * const client = new ExecutiveClient("localhost:3000");
 * try {
 *   await client.createFamily("accounts");
 * } catch (e) {
 *   if (!(e instanceof ExecutiveError && e.status === 409)) throw e;
 * }
 * ```
 */
export class ExecutiveError extends Error {
  /**
   * Creates the error from the request's purpose and the answer.
   *
   * @param what What the request was for, e.g. `could not create family 'abc'`.
   * @param status The HTTP status the executive answered with.
   * @param body The response body text.
   */
  constructor(what: string, readonly status: number, readonly body: string) {
    super(`${what}: server returned [${status}]: ${body}`);
    this.name = "ExecutiveError";
  }
}

/** Options of {@linkcode ExecutiveUnreachableError}. */
export interface ExecutiveUnreachableOptions extends ErrorOptions {
  /** The executive's base URL the request went to. */
  url?: string;
}

/**
 * The executive could not be reached (connection refused, DNS failure, TLS failure, timeout).
 * The message reads `could not make request: <reason>`, as the original `ctlstore-cli` prints
 * it; {@linkcode ExecutiveUnreachableError.reason} and {@linkcode ExecutiveUnreachableError.url}
 * let a caller word it otherwise (`cannot reach the executive at <url>: <reason>`).
 *
 * @example Retry while the executive starts
 * ```ts
 * import { ExecutiveClient, ExecutiveUnreachableError } from "./mod.ts";
 *
 * const client = new ExecutiveClient("localhost:3000");
 * try {
 *   await client.status();
 * } catch (e) {
 *   if (e instanceof ExecutiveUnreachableError) console.log(`${e.url}: ${e.reason}`);
 * }
 * ```
 */
export class ExecutiveUnreachableError extends Error {
  /** Why the request failed, e.g. `connection refused`. */
  readonly reason: string;
  /** The executive's base URL, when known. */
  readonly url: string | undefined;

  /**
   * Creates the error.
   *
   * @param reason Why the request failed.
   * @param options The executive's URL and the cause.
   */
  constructor(reason: string, options: ExecutiveUnreachableOptions = {}) {
    super(`could not make request: ${reason}`, options);
    this.name = "ExecutiveUnreachableError";
    this.reason = reason;
    this.url = options.url;
  }
}
