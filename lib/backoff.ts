/**
 * Waiting, for every part that waits or retries: the one abortable sleep, capped exponential
 * backoff, and the retry loop built on them. What is retried, and when to give up, belongs to
 * the caller. Like the other shared infrastructure it imports nothing of ours, so any module,
 * `lib/http` included, may use it.
 *
 * @module
 */

/**
 * Sleeps for `ms`, resolving early (without throwing) when `signal` aborts.
 *
 * @example
 * ```ts
 * import { sleep } from "./backoff.ts";
 *
 * await sleep(10, AbortSignal.timeout(1000));
 * ```
 */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted || ms <= 0) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener("abort", done, { once: true });
  });
}

/**
 * Capped exponential backoff: `initialMs`, doubling per failure up to `maxMs`; `reset()` after
 * a success.
 *
 * @example
 * ```ts
 * import { Backoff } from "./backoff.ts";
 *
 * const backoff = new Backoff(100, 30_000);
 * backoff.next(); // 100
 * backoff.next(); // 200
 * backoff.reset();
 * ```
 */
export class Backoff {
  #failures = 0;

  /**
   * @param initialMs The first delay.
   * @param maxMs The cap.
   */
  constructor(readonly initialMs: number, readonly maxMs: number) {}

  /** Consecutive failures since the last reset. */
  get failures(): number {
    return this.#failures;
  }

  /** The delay before the next attempt; counts one failure. */
  next(): number {
    const delay = Math.min(this.maxMs, this.initialMs * 2 ** Math.min(this.#failures, 30));
    this.#failures++;
    return delay;
  }

  /** Forgets past failures. */
  reset(): void {
    this.#failures = 0;
  }
}

/** Options of {@linkcode retry}. */
export interface RetryOptions {
  /** How many times `fn` runs at most, the first included (default: until it succeeds). */
  attempts?: number;
  /** The waits between attempts; `new Backoff(d, d)` waits `d` every time. */
  backoff: Backoff;
  /** Ends the waiting: the last error is thrown instead of trying again. */
  signal?: AbortSignal;
  /** Whether a failure may go away by trying again (default: every failure); others throw at once. */
  retryable?: (error: unknown) => boolean;
  /** Called before each wait, with the failed attempt's number (from 1) and the wait. */
  onRetry?: (error: unknown, attempt: number, delayMs: number) => void;
}

/**
 * Runs `fn` until it succeeds, waiting between attempts as `backoff` says. Gives up, throwing
 * the last error, when the error is not retryable, the attempts are used up or `signal`
 * aborts (before or during a wait).
 *
 * @param fn One attempt; gets its number, from 1.
 * @returns What the first successful attempt returned.
 * @throws The last attempt's error.
 * @example
 * ```ts
 * import { Backoff, retry } from "./backoff.ts";
 *
 * const response = await retry(() => fetch("http://localhost:3000/healthz"), {
 *   attempts: 5,
 *   backoff: new Backoff(250, 5000),
 *   onRetry: (error, attempt, delayMs) => console.warn({ attempt, delayMs, error }),
 * });
 * ```
 */
export async function retry<T>(
  fn: (attempt: number) => Promise<T>,
  options: RetryOptions,
): Promise<T> {
  const attempts = options.attempts ?? Infinity;
  for (let attempt = 1;; attempt++) {
    try {
      return await fn(attempt);
    } catch (error) {
      const retryable = options.retryable?.(error) ?? true;
      if (!retryable || attempt >= attempts || options.signal?.aborted) throw error;
      const delayMs = options.backoff.next();
      options.onRetry?.(error, attempt, delayMs);
      await sleep(delayMs, options.signal);
      if (options.signal?.aborted) throw error;
    }
  }
}
