/**
 * The reflector loop's own waits: the jittered poll delay of spec §10.3 and the backoff wait
 * that ends as soon as the upstream answers again. The abortable sleep and the capped
 * exponential backoff for failures (DESIGN §3.6, instead of the original's fixed 1 s restart
 * loop) are `lib/backoff.ts`'s, which every caller imports from there.
 *
 * @module
 */

import { sleep } from "../backoff.ts";

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
 * Sleeps up to `ms` while checking, every `probeEveryMs`, whether the upstream answers again;
 * resolves early with `true` when a probe succeeds after the upstream was seen unreachable
 * (`unreachable` at the start, or a failed probe), so a long backoff does not outlast an outage
 * (a probe that succeeds at once only shows a reachable upstream whose queries fail: the backoff
 * stands). Resolves `false` when the time is up or `signal` aborts, also mid-probe.
 *
 * @param ms The backoff delay.
 * @param probeEveryMs Time between probes (0: no probes, a plain sleep).
 * @param probe Resolves when the upstream answers, rejects when it does not.
 * @param unreachable Whether the failure that caused the wait showed the upstream unreachable.
 * @param signal Ends the wait.
 * @example
 * ```ts
 * import { sleepUntilReachable } from "./backoff.ts";
 *
 * const woke = await sleepUntilReachable(30_000, 1000, () => fetch("http://db:8080/ping"), true);
 * ```
 */
export async function sleepUntilReachable(
  ms: number,
  probeEveryMs: number,
  probe: () => Promise<unknown>,
  unreachable: boolean,
  signal?: AbortSignal,
): Promise<boolean> {
  const deadline = performance.now() + ms;
  const { promise: aborted, resolve: abort } = Promise.withResolvers<"aborted">();
  const onAbort = () => abort("aborted");
  signal?.addEventListener("abort", onAbort, { once: true });
  try {
    let down = unreachable;
    while (!signal?.aborted) {
      const left = deadline - performance.now();
      if (probeEveryMs <= 0 || left <= probeEveryMs) {
        await sleep(left, signal);
        return false;
      }
      await sleep(probeEveryMs, signal);
      if (signal?.aborted) break;
      const answer = await Promise.race([
        probe().then(() => "up" as const, () => "down" as const),
        aborted,
      ]);
      if (answer === "aborted") break;
      if (answer === "up" && down) return true;
      if (answer === "down") down = true;
    }
    return false;
  } finally {
    signal?.removeEventListener("abort", onAbort);
  }
}
