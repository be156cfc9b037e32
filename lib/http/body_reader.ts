/**
 * Reading request bodies with a size limit and a read deadline, for every ctlstore HTTP service:
 * a body that has not arrived in full within the deadline (a slowly trickled one) fails with
 * 408, one beyond the limit with 413, and a client that hangs up mid-body with
 * {@linkcode ClientDisconnectedError} — the client's doing, so never a 500.
 *
 * There is no timer per request: one watchdog interval fails the reads that passed the deadline
 * and stops itself at its first tick with no read pending.
 *
 * @module
 */
import { readBody, readBodyText } from "./body.ts";
import { HttpError } from "./http_error.ts";

/**
 * The client closed the connection (or broke the framing) before its request body arrived.
 * Its status, 499, is nginx's "client closed request": nobody is left to read the answer, and
 * it keeps these apart from server faults in logs and metrics.
 *
 * @example
 * ```ts
 * try {
 *   await bodies.read(request);
 * } catch (error) {
 *   if (error instanceof ClientDisconnectedError) log.debug("client disconnected");
 * }
 * ```
 */
export class ClientDisconnectedError extends HttpError {
  /**
   * Creates the error.
   *
   * @param options The error the body stream failed with, as `cause`.
   */
  constructor(options?: ErrorOptions) {
    super(499, "Client closed the connection before sending the whole request body", options);
    this.name = "ClientDisconnectedError";
  }
}

/** The errors a request body stream fails with when its connection breaks. */
const CONNECTION_ERRORS = [
  Deno.errors.BadResource,
  Deno.errors.Interrupted,
  Deno.errors.ConnectionReset,
  Deno.errors.ConnectionAborted,
  Deno.errors.BrokenPipe,
  Deno.errors.UnexpectedEof,
  Deno.errors.Http,
];

interface PendingRead {
  started: number;
  fail: (error: HttpError) => void;
}

/** Reads request bodies within a size limit and a deadline. */
export class BodyReader {
  #limit: number;
  #timeoutMs: number;
  #pending = new Map<Request, PendingRead>();
  #watchdog: ReturnType<typeof setInterval> | undefined;

  /**
   * Creates a reader of request bodies.
   *
   * @param limit Largest body in bytes; larger ones fail with 413 `Request too large`.
   * @param timeoutMs Deadline for the whole body; slower ones fail with 408.
   * @example
   * ```ts
   * const bodies = new BodyReader(1_048_576, 5000);
   * const text = await bodies.read(new Request("http://x/", { method: "POST", body: "{}" }));
   * ```
   */
  constructor(limit: number, timeoutMs: number) {
    if (!(timeoutMs > 0)) {
      throw new RangeError(`the read timeout must be positive, got ${timeoutMs}`);
    }
    this.#limit = limit;
    this.#timeoutMs = timeoutMs;
  }

  /**
   * Reads the body of a request as UTF-8 text.
   *
   * @throws {HttpError} 408 past the deadline, 413 beyond the limit.
   * @throws {ClientDisconnectedError} When the client went away mid-body.
   */
  read(request: Request): Promise<string> {
    return this.#within(
      request,
      this.#announced(request) ? request.text() : readBodyText(request, this.#limit),
    );
  }

  /**
   * Reads the body of a request as bytes; fails as {@linkcode BodyReader.read} does.
   *
   * @example
   * ```ts
   * const bytes = await bodies.readBytes(request);
   * ```
   */
  readBytes(request: Request): Promise<Uint8Array> {
    return this.#within(
      request,
      this.#announced(request) ? request.bytes() : readBody(request, this.#limit),
    );
  }

  /** Stops the watchdog (it restarts with the next read). */
  close(): void {
    clearInterval(this.#watchdog);
    this.#watchdog = undefined;
  }

  /** Whether the body has a length within the limit, so the runtime can read it in one go. */
  #announced(request: Request): boolean {
    const length = request.headers.get("content-length");
    return length !== null && Number(length) <= this.#limit;
  }

  async #within<T>(request: Request, read: Promise<T>): Promise<T> {
    const { promise: expired, reject } = Promise.withResolvers<never>();
    this.#pending.set(request, { started: performance.now(), fail: reject });
    this.#watchdog ??= setInterval(() => this.#check(), Math.min(1000, this.#timeoutMs));
    try {
      return await Promise.race([read, expired]);
    } catch (error) {
      read.catch(() => {});
      if (CONNECTION_ERRORS.some((type) => error instanceof type)) {
        throw new ClientDisconnectedError({ cause: error });
      }
      throw error;
    } finally {
      this.#pending.delete(request);
    }
  }

  #check(): void {
    if (this.#pending.size === 0) return this.close();
    const deadline = performance.now() - this.#timeoutMs;
    for (const [request, pending] of this.#pending) {
      if (pending.started > deadline) continue;
      this.#pending.delete(request);
      pending.fail(new HttpError(408, "request body read timed out"));
    }
  }
}
