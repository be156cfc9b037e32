import { deepStrictEqual as assertEquals, equal, ok, throws } from "node:assert/strict";
import { ExecutiveClient } from "../../lib/client/mod.ts";
import { Reader, ReaderError } from "../../lib/mod.ts";
import { startUp } from "../../lib/up/mod.ts";
import { tempDir } from "../_helpers/temp.ts";

Deno.test("ctlstore up with families keeps only those and the heartbeat's in its LDB", async () => {
  await using dir = await tempDir();
  const up = await startUp({
    dataDir: `${dir.path}/data`,
    executiveBind: "127.0.0.1:0",
    sidecarBind: "127.0.0.1:0",
    consoleBind: "",
    heartbeatIntervalMs: 50,
    pollIntervalMs: 20,
    families: ["app"],
    write: () => {},
  });
  try {
    const client = new ExecutiveClient(up.executiveUrl);
    const writer = { writer: "tester", secret: "s3cret-value" };
    await client.registerWriter(writer);
    for (const family of ["app", "other"]) {
      await client.createFamily(family);
      await client.createTable(family, "items", {
        fields: [["id", "integer"], ["v", "string"]],
        keyFields: ["id"],
      });
    }
    await client.mutate("app", writer, {
      mutations: [{ table: "items", values: { id: 1, v: "a" } }],
    });
    const { seq } = await client.mutate("other", writer, {
      mutations: [{ table: "items", values: { id: 1, v: "not here" } }],
    });
    using reader = Reader.open(up.paths.ldb);
    await reader.waitForSequence(seq!, { timeoutMs: 10_000 });
    assertEquals(reader.getFamilies(), ["app", "ctlstore"]);
    assertEquals(reader.getRowByKey("app", "items", 1), { id: 1, v: "a" });
    ok(reader.getRowByKey("ctlstore", "heartbeats", "heartbeat"), "the heartbeat's rows arrive");
    throws(
      () => reader.getRowByKey("other", "items", 1),
      (e: unknown) => e instanceof ReaderError && e.code === "family-not-carried",
    );
    const response = await fetch(`${up.sidecarUrl}/get-row-by-key/other/items`, {
      method: "POST",
      body: JSON.stringify({ Key: [{ Value: 1 }] }),
    });
    equal(response.status, 404);
    equal(
      await response.text(),
      'family "other" is not carried by this LDB (partial LDB of families app, ctlstore)\n',
    );
  } finally {
    await up.stop();
  }
  await up.finished;
});
