/**
 * Waiting between attempts, for every service that retries: an abortable sleep and capped
 * exponential backoff. What is retried, and when to give up, belongs to the caller.
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
