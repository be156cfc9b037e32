import assert from "node:assert/strict";
import { PeriodicTasks } from "../../lib/executive/background.ts";

Deno.test("periodic tasks report failures by name, run once at a time and stop together", async () => {
  const failures: string[] = [];
  const tasks = new PeriodicTasks((op, error) =>
    failures.push(`${op}: ${(error as Error).message}`)
  );
  let release!: () => void;
  const released = new Promise<void>((resolve) => release = resolve);
  let runs = 0;
  let started!: () => void;
  const firstRun = new Promise<void>((resolve) => started = resolve);
  tasks.every(1, "slow", async () => {
    runs++;
    started();
    await released;
  }, { immediately: true });
  tasks.every(1, "broken", () => Promise.reject(new Error("boom")), { immediately: true });
  await firstRun;
  // Many ticks pass while the first run of "slow" is still going.
  await new Promise((resolve) => setTimeout(resolve, 30));
  assert.equal(runs, 1);
  const stopped = tasks.stop();
  let done = false;
  stopped.then(() => done = true);
  await new Promise((resolve) => setTimeout(resolve, 5));
  assert.equal(done, false, "stop waits for the run in progress");
  release();
  await stopped;
  assert.ok(failures.length >= 1);
  assert.ok(failures.every((f) => f === "broken: boom"), failures.join());
});
