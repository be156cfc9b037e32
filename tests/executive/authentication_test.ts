import assert from "node:assert/strict";
import { eachCtldb, mutate, setupMyTable, WRITER_HEADERS } from "./_fixture.ts";

const row = { table: "mytable", values: { id: 1, name: "a", data: null } };

/** Requests that are wrong about the schema: each would name a table or field in its error. */
const schemaMistakes: [string, unknown][] = [
  ["a missing field", { mutations: [{ table: "mytable", values: { id: 1, name: "a" } }] }],
  ["an unknown table", { mutations: [{ table: "nosuch", values: { id: 1 } }] }],
  ["an unknown field", { mutations: [{ table: "mytable", values: { ...row.values, x: 1 } }] }],
  ["a value of the wrong type", {
    mutations: [{ table: "mytable", values: { id: "one", name: "a", data: null } }],
  }],
  ["an unknown family", { mutations: [row] }],
];

const strangers: [string, Record<string, string>][] = [
  ["an unknown writer", { "ctlstore-writer": "nobody", "ctlstore-secret": "mysecret" }],
  ["a wrong secret", { ...WRITER_HEADERS, "ctlstore-secret": "not-the-secret" }],
];

eachCtldb(
  "a caller that is not a writer gets 401 and learns nothing about the schema",
  {},
  async (fx) => {
    await setupMyTable(fx);
    const before = await fx.ledger();
    for (const [who, headers] of strangers) {
      for (const [mistake, body] of schemaMistakes) {
        const family = mistake === "an unknown family" ? "nofamily" : "myfamily";
        const reply = await mutate(fx, body, headers, family);
        assert.deepEqual(
          [reply.status, reply.text],
          [401, "Writer not found"],
          `${who} sending ${mistake}`,
        );
      }
      const valid = await mutate(fx, { mutations: [row] }, headers);
      assert.deepEqual([valid.status, valid.text], [401, "Writer not found"], `${who}, valid`);
    }
    assert.deepEqual(await fx.ledger(), before, "nothing was written");
  },
);

eachCtldb("the writer itself still gets the schema errors", {}, async (fx) => {
  await setupMyTable(fx);
  const missing = await mutate(fx, schemaMistakes[0]![1]);
  assert.deepEqual([missing.status, missing.text], [400, "Missing field data"]);
  const table = await mutate(fx, schemaMistakes[1]![1]);
  assert.deepEqual([table.status, table.text], [404, "Table not found: nosuch"]);
});
