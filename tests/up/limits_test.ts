import assert from "node:assert/strict";
import { startUp } from "../../lib/up/mod.ts";
import { tempDir } from "../_helpers/temp.ts";

Deno.test("ctlstore up passes the writer rate limit to its executive", async () => {
  await using dir = await tempDir();
  const up = await startUp({
    dataDir: `${dir.path}/data`,
    executiveBind: "127.0.0.1:0",
    sidecarBind: "127.0.0.1:0",
    consoleBind: "",
    heartbeatIntervalMs: 3_600_000,
    limits: { writerLimit: 2 },
    write: () => {},
  });
  try {
    const post = (path: string, body: string, headers: Record<string, string> = {}) =>
      fetch(up.executiveUrl + path, { method: "POST", body, headers }).then(async (r) => ({
        status: r.status,
        text: await r.text(),
      }));
    assert.equal((await post("/families/demo", "")).status, 200);
    const table = JSON.stringify({
      fields: [["id", "integer"], ["name", "string"]],
      keyFields: ["id"],
    });
    assert.equal((await post("/families/demo/tables/users", table)).status, 200);
    assert.equal((await post("/writers/demo-writer", "demo-secret")).status, 200);
    const writer = { "ctlstore-writer": "demo-writer", "ctlstore-secret": "demo-secret" };
    const statuses = [];
    for (const id of [1, 2, 3]) {
      const body = JSON.stringify({ mutations: [{ table: "users", values: { id, name: "n" } }] });
      statuses.push((await post("/families/demo/mutations", body, writer)).status);
    }
    assert.deepEqual(statuses, [200, 200, 429]);
  } finally {
    await up.stop();
  }
});

Deno.test("ctlstore up rejects a malformed bind address before creating its data directory", async () => {
  await using dir = await tempDir();
  await assert.rejects(
    startUp({ dataDir: `${dir.path}/data`, sidecarBind: "nonsense", write: () => {} }),
    /invalid listen address 'nonsense'/,
  );
  assert.deepEqual(await Array.fromAsync(Deno.readDir(dir.path)), []);
});
