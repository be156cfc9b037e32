import { deepStrictEqual as assertEquals } from "node:assert/strict";
import { createLogger, RateLimitedLog } from "../../lib/log/mod.ts";

function fixture(intervalMs = 30_000) {
  const lines: string[] = [];
  let now = 0;
  const log = createLogger("svc", { write: (line) => lines.push(line.slice(25)) });
  const failures = new RateLimitedLog(log, "read failed; retrying", {
    level: "error",
    intervalMs,
    now: () => now,
  });
  return { lines, failures, advance: (ms: number) => now += ms };
}

Deno.test("a repeating failure is logged once, then summarised with its count once per interval", () => {
  const { lines, failures, advance } = fixture();
  for (let i = 1; i <= 300; i++) {
    failures.failure({ error: `attempt ${i}` });
    advance(100); // a failure every 100 ms for 30 s
  }
  failures.failure({ error: "attempt 301" });
  assertEquals(lines, [
    'ERROR svc: read failed; retrying error="attempt 1" failures=1',
    'ERROR svc: read failed; retrying: 300 more failures in the last 30s error="attempt 301" failures=301',
  ]);
  assertEquals(failures.failures, 301);
});

Deno.test("failures further apart than the interval are each logged with the running count", () => {
  const { lines, failures, advance } = fixture(1000);
  for (let i = 0; i < 3; i++) {
    failures.failure({ error: "x" });
    advance(5000);
  }
  assertEquals(lines, [
    "ERROR svc: read failed; retrying error=x failures=1",
    "ERROR svc: read failed; retrying error=x failures=2",
    "ERROR svc: read failed; retrying error=x failures=3",
  ]);
});

Deno.test("recovery logs the total and how long it failed, and re-arms the first-failure line", () => {
  const { lines, failures, advance } = fixture();
  failures.recovered("readable again"); // no failure: nothing to say
  failures.failure({ error: "x" });
  advance(200);
  failures.failure({ error: "x" });
  advance(1300);
  failures.recovered("readable again", { seq: 7 });
  failures.failure({ error: "y" });
  assertEquals(lines, [
    "ERROR svc: read failed; retrying error=x failures=1",
    "INFO svc: readable again seq=7 failures=2 failingFor=2s",
    "ERROR svc: read failed; retrying error=y failures=1",
  ]);
  assertEquals(failures.failures, 1);
});
