/**
 * Reading request bodies with a size limit and a read deadline, without a timer per request:
 * one watchdog interval cancels bodies that take longer than the deadline (slow clients), which
 * then fail with 408. The watchdog stops itself at its first tick with no read pending.
 *
 * @module
 */
import { HttpError, readBodyText } from "../http/mod.ts";

/** Reads request bodies as text within a size limit and a deadline. */
export class BodyReader {
  #limit: number;
  #timeoutMs: number;
  #pending = new Map<Request, number>();
  #timedOut = new WeakSet<Request>();
  #watchdog: ReturnType<typeof setInterval> | undefined;

  /**
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
    this.#pending.set(request, performance.now());
    this.#watchdog ??= setInterval(() => this.#check(), Math.min(1000, this.#timeoutMs));
    try {
      return length !== null && Number(length) <= this.#limit
        ? await request.text()
        : await readBodyText(request, this.#limit);
    } catch (error) {
      if (this.#timedOut.has(request)) {
        throw new HttpError(408, "request body read timed out", { cause: error });
      }
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
    const expired = performance.now() - this.#timeoutMs;
    for (const [request, started] of this.#pending) {
      if (started > expired) continue;
      this.#timedOut.add(request);
      this.#pending.delete(request);
      request.body?.cancel(new Error("request body read timed out")).catch(() => {});
    }
  }
}
