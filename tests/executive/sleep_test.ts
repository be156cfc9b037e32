import assert from "node:assert/strict";
import { startExecutive } from "../../lib/executive/mod.ts";
import { sleepResponse } from "../../lib/executive/sleep.ts";
import { tempDir } from "../_helpers/temp.ts";
import { withSqliteExecutive } from "./_fixture.ts";

Deno.test("sleepResponse answers slept, or cancelled when a signal or the deadline ends it", async () => {
  const cases: [string, AbortSignal[], number, number, string][] = [
    ["sleep shorter than the deadline", [], 1000, 1, "slept"],
    ["deadline shorter than the sleep", [], 1, 10_000, "cancelled"],
    ["signal already aborted", [AbortSignal.abort()], 10_000, 10_000, "cancelled"],
  ];
  for (const [name, signals, deadlineMs, sleepMs, expected] of cases) {
    const response = await sleepResponse(signals, deadlineMs, sleepMs);
    assert.deepEqual([response.status, await response.text()], [200, expected], name);
  }
  const controller = new AbortController();
  const pending = sleepResponse([new AbortController().signal, controller.signal], 10_000, 10_000);
  controller.abort();
  assert.equal(await (await pending).text(), "cancelled", "signal aborted while sleeping");
});

Deno.test("GET /sleep answers cancelled once the handler deadline passes", async () => {
  await withSqliteExecutive({ handlerTimeoutMs: 20 }, async (fx) => {
    const reply = await fx.call("GET", "/sleep");
    assert.deepEqual([reply.status, reply.text], [200, "cancelled"]);
    const metrics = (await fx.call("GET", "/metrics")).text;
    assert.match(
      metrics,
      /request_duration_seconds_count\{[^}]*route="\/sleep",method="GET",status="200"\} 1/,
    );
  });
});

Deno.test("stopping the executive cancels a GET /sleep in progress", async () => {
  await using dir = await tempDir();
  const executive = await startExecutive({
    bind: "127.0.0.1:0",
    ctldb: `sqlite:${dir.path}/ctldb.db`,
  });
  try {
    const reply = fetch(`http://127.0.0.1:${executive.address!.port}/sleep`);
    // Give the request time to reach the handler (a stop before that would refuse it).
    await new Promise((resolve) => setTimeout(resolve, 200));
    const stopped = executive.stop();
    const response = await reply;
    assert.deepEqual([response.status, await response.text()], [200, "cancelled"]);
    await stopped;
  } finally {
    await executive.stop();
  }
});
