/**
 * Reading request bodies with a size limit and a read deadline, without a timer per request:
 * one watchdog interval fails reads that take longer than the deadline (slow clients) with 408.
 * The watchdog stops itself at its first tick with no read pending.
 *
 * @module
 */
import { HttpError, readBodyText } from "../http/mod.ts";

interface PendingRead {
  started: number;
  fail: (error: HttpError) => void;
}

/** Reads request bodies as text within a size limit and a deadline. */
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
    this.#limit = limit;
    this.#timeoutMs = timeoutMs;
  }

  /** Reads the body of a request as UTF-8 text. */
  async read(request: Request): Promise<string> {
    const length = request.headers.get("content-length");
    const read = length !== null && Number(length) <= this.#limit
      ? request.text()
      : readBodyText(request, this.#limit);
    const { promise: expired, reject } = Promise.withResolvers<never>();
    this.#pending.set(request, { started: performance.now(), fail: reject });
    this.#watchdog ??= setInterval(() => this.#check(), Math.min(1000, this.#timeoutMs));
    try {
      return await Promise.race([read, expired]);
    } catch (error) {
      read.catch(() => {});
      throw error;
    } finally {
      this.#pending.delete(request);
    }
  }

  /** Stops the watchdog (it restarts with the next read). */
  close(): void {
    clearInterval(this.#watchdog);
    this.#watchdog = undefined;
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
