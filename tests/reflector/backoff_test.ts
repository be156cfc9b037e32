import { deepStrictEqual as assertEquals, ok } from "node:assert/strict";
import { jitteredInterval, sleepUntilReachable } from "../../lib/reflector/backoff.ts";

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

/** A probe that fails `failures` times, then answers; counts its calls. */
function probeAnsweringAfter(failures: number) {
  const probe = () => {
    probe.calls++;
    return probe.calls > failures ? Promise.resolve() : Promise.reject(new Error("refused"));
  };
  probe.calls = 0;
  return probe;
}

Deno.test("a backoff wait ends at the first probe that answers after the upstream was down", async () => {
  const afterFailedProbes = probeAnsweringAfter(2);
  assertEquals(await sleepUntilReachable(60_000, 5, afterFailedProbes, false), true);
  assertEquals(afterFailedProbes.calls, 3);
  const afterUnreachableRead = probeAnsweringAfter(0);
  assertEquals(await sleepUntilReachable(60_000, 5, afterUnreachableRead, true), true);
  assertEquals(afterUnreachableRead.calls, 1);
});

Deno.test("a reachable upstream whose reads fail does not cut the backoff short", async () => {
  const alwaysAnswers = probeAnsweringAfter(0);
  assertEquals(await sleepUntilReachable(100, 10, alwaysAnswers, false), false);
  ok(alwaysAnswers.calls >= 1, "it was probed");
  const noProbes = probeAnsweringAfter(0);
  assertEquals(await sleepUntilReachable(20, 0, noProbes, true), false);
  assertEquals(noProbes.calls, 0, "interval 0: a plain sleep");
});

Deno.test("a backoff wait ends when its signal aborts, even during a probe that hangs", async () => {
  const controller = new AbortController();
  const hanging = () => {
    controller.abort();
    return new Promise<void>(() => {});
  };
  assertEquals(await sleepUntilReachable(60_000, 5, hanging, true, controller.signal), false);
});
