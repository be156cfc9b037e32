import assert from "node:assert/strict";
import { ExecutiveClient } from "../../lib/client/mod.ts";
import { Reader } from "../../lib/mod.ts";
import { startUp } from "../../lib/up/mod.ts";
import { tempDir } from "../_helpers/temp.ts";
import { HOSTILE } from "./_fixture.ts";

const TOKEN = "console-test-token";
const WRITER = { writer: `<script>alert("w")</script> ünï`, secret: "s3cret-value" };

/** `ctlstore up` in this process, its console included, with one table and a hostile writer. */
async function upWithData(dataDir: string) {
  const up = await startUp({
    dataDir,
    executiveBind: "127.0.0.1:0",
    sidecarBind: "127.0.0.1:0",
    consoleBind: "127.0.0.1:0",
    heartbeatIntervalMs: 3_600_000,
    pollIntervalMs: 20,
    adminToken: TOKEN,
    enableDestructiveSchemaChanges: true,
    write: () => {},
  });
  const client = new ExecutiveClient(up.executiveUrl, { adminToken: TOKEN });
  await client.createFamily("demo");
  await client.createTable("demo", "users", {
    fields: [["id", "integer"], ["name", "string"]],
    keyFields: ["id"],
  });
  await client.registerWriter(WRITER);
  await client.updateWriterLimit(WRITER.writer, 600);
  const { seq } = await client.mutate("demo", WRITER, {
    mutations: [{ table: "users", values: { id: 1, name: HOSTILE } }],
  });
  const reader = Reader.open(up.paths.ldb);
  try {
    await reader.waitForSequence(seq!, { timeoutMs: 10_000 });
  } finally {
    reader.close();
  }
  return { up, client, consoleUrl: up.consoleUrl! };
}

Deno.test("writer names from the executive are shown as text on the limits page", async () => {
  await using dir = await tempDir();
  const { up, consoleUrl } = await upWithData(`${dir.path}/data`);
  try {
    const response = await fetch(`${consoleUrl}/limits`);
    const text = await response.text();
    assert.equal(response.status, 200);
    assert.ok(!text.includes("<script>alert"), "a writer name unescaped");
    const escaped = "&lt;script&gt;alert(&quot;w&quot;)&lt;/script&gt; ünï";
    assert.equal(text.split(escaped).length - 1, 2, "in the writer limits and the writers seen");
    assert.match(text, /600 mutations per minute/);
    assert.match(text, /refuse writes at <b>/);
  } finally {
    await up.stop();
  }
});

async function post(url: string, form: Record<string, string>, headers: HeadersInit = {}) {
  const response = await fetch(url, { method: "POST", body: new URLSearchParams(form), headers });
  return { status: response.status, text: await response.text() };
}

Deno.test("clearing a table needs the admin token and the table's name, then clears it", async () => {
  await using dir = await tempDir();
  const { up, consoleUrl } = await upWithData(`${dir.path}/data`);
  try {
    const clear = `${consoleUrl}/families/demo/tables/users/clear`;
    const refusals: [Record<string, string>, HeadersInit, number, RegExp][] = [
      [{ confirm: "users" }, {}, 401, /needs the admin token/],
      [{ confirm: "users", token: "wrong" }, {}, 401, /the admin token is wrong/],
      [{ confirm: "user", token: TOKEN }, {}, 400, /type the table name &quot;users&quot;/],
      [{ confirm: "users", token: TOKEN }, { origin: "http://evil.example" }, 403, /another site/],
    ];
    for (const [form, headers, status, message] of refusals) {
      const answer = await post(clear, form, headers);
      assert.equal(answer.status, status, answer.text);
      assert.match(answer.text, message);
    }
    const reader = Reader.open(up.paths.ldb);
    try {
      assert.ok(reader.getRowByKey("demo", "users", 1), "nothing was cleared by a refusal");
      const done = await post(clear, { confirm: "users", token: TOKEN });
      assert.equal(done.status, 200, done.text);
      assert.match(done.text, /Every row of demo.users was deleted/);
      for (let i = 0; i < 400 && reader.getRowByKey("demo", "users", 1); i++) {
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
      assert.equal(reader.getRowByKey("demo", "users", 1), undefined);
    } finally {
      reader.close();
    }
  } finally {
    await up.stop();
  }
});
