import { deepStrictEqual as assertEquals, rejects } from "node:assert/strict";
import { Backoff, retry, sleep } from "../lib/backoff.ts";

Deno.test("backoff doubles from its first delay up to its cap and starts over after a reset", () => {
  const backoff = new Backoff(100, 1000);
  assertEquals(Array.from({ length: 6 }, () => backoff.next()), [100, 200, 400, 800, 1000, 1000]);
  assertEquals(backoff.failures, 6);
  for (let i = 0; i < 100; i++) backoff.next();
  assertEquals(backoff.next(), 1000, "no overflow after many failures");
  backoff.reset();
  assertEquals([backoff.failures, backoff.next()], [0, 100]);
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

/** An attempt that fails `failures` times with `fail-<n>`, then answers `ok`; records its calls. */
function failingTimes(failures: number) {
  const calls: number[] = [];
  const attempt = (n: number) => {
    calls.push(n);
    return n > failures ? Promise.resolve("ok") : Promise.reject(new Error(`fail-${n}`));
  };
  return { attempt, calls };
}

Deno.test("retry tries again after each failure, waiting as the backoff says, until it succeeds", async () => {
  const { attempt, calls } = failingTimes(3);
  const waits: [string, number, number][] = [];
  const result = await retry(attempt, {
    backoff: new Backoff(1, 4),
    onRetry: (error, n, delayMs) => waits.push([(error as Error).message, n, delayMs]),
  });
  assertEquals(result, "ok");
  assertEquals(calls, [1, 2, 3, 4]);
  assertEquals(waits, [["fail-1", 1, 1], ["fail-2", 2, 2], ["fail-3", 3, 4]]);
});

Deno.test("retry throws the last error once the attempts are used up", async () => {
  const { attempt, calls } = failingTimes(10);
  await rejects(retry(attempt, { attempts: 3, backoff: new Backoff(1, 1) }), /^Error: fail-3$/);
  assertEquals(calls, [1, 2, 3]);
});

Deno.test("retry throws at once an error that is not retryable", async () => {
  const { attempt, calls } = failingTimes(10);
  const retryable = (error: unknown) => (error as Error).message !== "fail-2";
  await rejects(retry(attempt, { backoff: new Backoff(1, 1), retryable }), /^Error: fail-2$/);
  assertEquals(calls, [1, 2]);
});

Deno.test("retry stops waiting and throws the last error when its signal aborts", async () => {
  const controller = new AbortController();
  const { attempt, calls } = failingTimes(10);
  const retrying = retry(attempt, {
    backoff: new Backoff(60_000, 60_000),
    signal: controller.signal,
    onRetry: () => controller.abort(),
  });
  await rejects(retrying, /^Error: fail-1$/);
  assertEquals(calls, [1], "no attempt after the abort");
});
