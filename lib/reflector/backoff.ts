/**
 * Waiting helpers for the reflector loop: abortable sleeps, the jittered poll delay of spec
 * §10.3 and capped exponential backoff for failures (DESIGN §3.6, instead of the original's
 * fixed 1 s restart loop).
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
 * The poll delay `interval × (1 + c × u)` with `u` uniform in [-1, 1); a negative coefficient
 * means no jitter, one above 1 counts as 1 (a larger one would make some delays negative, i.e.
 * no sleep at all).
 *
 * @example
 * ```ts
 * import { jitteredInterval } from "./backoff.ts";
 *
 * jitteredInterval(1000, 0.25); // between 750 and 1250
 * ```
 */
export function jitteredInterval(intervalMs: number, coefficient: number): number {
  const c = coefficient > 0 ? Math.min(coefficient, 1) : 0;
  return intervalMs * (1 + c * (Math.random() * 2 - 1));
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
