import assert from "node:assert/strict";
import { Reader } from "../../lib/mod.ts";
import { startUp, type UpConfig } from "../../lib/up/mod.ts";
import { tempDir } from "../_helpers/temp.ts";

function config(dataDir: string, lines: string[], signal?: AbortSignal): UpConfig {
  return {
    dataDir,
    executiveBind: "127.0.0.1:0",
    sidecarBind: "127.0.0.1:0",
    consoleBind: "127.0.0.1:0",
    heartbeatIntervalMs: 50,
    pollIntervalMs: 20,
    write: (line) => lines.push(line),
    ...(signal ? { signal } : {}),
  };
}

async function heartbeatRow(ldbPath: string): Promise<Record<string, unknown>> {
  const reader = Reader.open(ldbPath);
  try {
    for (let attempt = 0; attempt < 400; attempt++) {
      try {
        const row = reader.getRowByKey("ctlstore", "heartbeats", "heartbeat");
        if (row) return row;
      } catch (error) {
        if (!(error instanceof Error && error.message === "Table not found")) throw error;
      }
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  } finally {
    reader.close();
  }
  throw new Error("no heartbeat row reached the LDB");
}

Deno.test("ctlstore up's heartbeat rows reach the LDB with exact nanosecond values", async () => {
  await using dir = await tempDir();
  const lines: string[] = [];
  const up = await startUp(config(`${dir.path}/data`, lines));
  try {
    const row = await heartbeatRow(up.paths.ldb);
    assert.equal(row.name, "heartbeat");
    assert.equal(typeof row.value, "bigint", "nanoseconds beyond 2^53 stay exact");
    const nowNs = BigInt(Date.now()) * 1_000_000n;
    assert.ok((row.value as bigint) > nowNs - 60_000_000_000n, String(row.value));
  } finally {
    await up.stop();
  }
  await up.finished;
  assert.ok(lines.some((line) => line.includes("executive stopped")), lines.join("\n"));
});

Deno.test("aborting ctlstore up's signal stops every service and settles finished", async () => {
  await using dir = await tempDir();
  const lines: string[] = [];
  const controller = new AbortController();
  const up = await startUp(config(`${dir.path}/data`, lines, controller.signal));
  controller.abort();
  await up.finished;
  for (const service of ["heartbeat", "sidecar", "reflector", "executive"]) {
    assert.ok(lines.some((line) => line.includes(`${service} stopped`)), service);
  }
});

Deno.test("an abort during ctlstore up's start-up stops what started and rejects", async () => {
  await using dir = await tempDir();
  const lines: string[] = [];
  const controller = new AbortController();
  const reason = new Error("stop now");
  const abortOnce = (line: string) => {
    lines.push(line);
    if (line.includes("reflector started")) controller.abort(reason);
  };
  await assert.rejects(
    startUp({ ...config(`${dir.path}/data`, lines, controller.signal), write: abortOnce }),
    (error) => error === reason,
  );
  assert.ok(lines.some((line) => line.includes("reflector stopped")), lines.join("\n"));
  assert.ok(lines.some((line) => line.includes("executive stopped")), lines.join("\n"));
  assert.ok(!lines.some((line) => line.includes("sidecar listening")), lines.join("\n"));
});
