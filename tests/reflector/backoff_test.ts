import { deepStrictEqual as assertEquals, ok } from "node:assert/strict";
import { Backoff, jitteredInterval, sleep } from "../../lib/reflector/backoff.ts";

Deno.test("backoff doubles from its first delay up to its cap and starts over after a reset", () => {
  const backoff = new Backoff(100, 1000);
  assertEquals(Array.from({ length: 6 }, () => backoff.next()), [100, 200, 400, 800, 1000, 1000]);
  assertEquals(backoff.failures, 6);
  for (let i = 0; i < 100; i++) backoff.next();
  assertEquals(backoff.next(), 1000, "no overflow after many failures");
  backoff.reset();
  assertEquals([backoff.failures, backoff.next()], [0, 100]);
});

Deno.test("the jittered poll delay stays within its bounds and is never negative", () => {
  const cases: [number, number, number][] = [
    // coefficient, lowest, highest (for an interval of 1000)
    [0.25, 750, 1250],
    [0, 1000, 1000],
    [-1, 1000, 1000], // negative: no jitter
    [5, 0, 2000], // above 1: counts as 1
  ];
  for (const [coefficient, low, high] of cases) {
    for (let i = 0; i < 2000; i++) {
      const delay = jitteredInterval(1000, coefficient);
      ok(delay >= low && delay <= high, `c=${coefficient}: ${delay} outside [${low}, ${high}]`);
    }
  }
});

Deno.test("sleep ends early, without throwing, when its signal aborts", async () => {
  const controller = new AbortController();
  const settledAtOnce = (promise: Promise<void>) =>
    Promise.race([
      promise.then(() => true),
      new Promise<boolean>((resolve) => setTimeout(() => resolve(false), 0)),
    ]);
  const slept = sleep(60_000, controller.signal);
  controller.abort();
  assertEquals(await settledAtOnce(slept), true, "the abort ended the sleep");
  assertEquals(await settledAtOnce(sleep(60_000, controller.signal)), true, "already aborted");
});
