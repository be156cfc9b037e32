import assert from "node:assert/strict";
import { eachCtldb, mutate, row, setupMyTable } from "./_fixture.ts";

const ENABLED = { enableDestructiveSchemaChanges: true };

eachCtldb("destructive routes are refused unless enabled", {}, async (fx) => {
  await setupMyTable(fx);
  const cases: [string, string][] = [
    ["/families/myfamily/tables/mytable", "Dropping tables is not enabled."],
    ["/clear-rows/families/myfamily/tables/mytable", "Clearing tables is not enabled."],
    ["/clear-rows/families/myfamily", "Clearing tables is not enabled."],
  ];
  for (const [path, message] of cases) {
    const reply = await fx.call("DELETE", path);
    assert.deepEqual([reply.status, reply.text], [400, message], path);
  }
  assert.equal((await fx.ledger()).length, 1);
});

eachCtldb("drop table removes it from ctldb and writes the ledger row", ENABLED, async (fx) => {
  await setupMyTable(fx);
  const reply = await fx.call("DELETE", "/families/MyFamily/tables/MyTable");
  assert.equal(reply.status, 200, reply.text);
  assert.equal((await fx.ledger()).at(-1), "DROP TABLE IF EXISTS myfamily___mytable");
  assert.equal((await fx.db.tableColumns(["myfamily___mytable"])).size, 0);
  const again = await fx.call("DELETE", "/families/myfamily/tables/mytable");
  assert.deepEqual([again.status, again.text], [404, 'table "myfamilymytable" not found']);
  const bad = await fx.call("DELETE", "/families/my-family/tables/mytable");
  assert.deepEqual([bad.status, bad.text], [
    400,
    "sanitize family: Family names must be only letters, numbers, and single underscore",
  ]);
  const badTable = await fx.call("DELETE", "/families/myfamily/tables/x");
  assert.deepEqual([badTable.status, badTable.text], [
    400,
    "sanitize table: Table names must be at least 3 characters",
  ]);
});

eachCtldb("clear table deletes every row in one ledger statement", ENABLED, async (fx) => {
  await setupMyTable(fx);
  await mutate(fx, { mutations: [row(1, "a"), row(2, "b")] });
  const reply = await fx.call("DELETE", "/clear-rows/families/myfamily/tables/mytable");
  assert.equal(reply.status, 200, reply.text);
  assert.equal((await fx.ledger()).at(-1), "DELETE FROM myfamily___mytable");
  assert.deepEqual(await fx.db.query("SELECT id FROM myfamily___mytable"), []);
  const missing = await fx.call("DELETE", "/clear-rows/families/myfamily/tables/nosuch");
  assert.deepEqual([missing.status, missing.text], [404, 'table "myfamilynosuch" not found']);
});

eachCtldb("clear family clears only this family's tables, atomically", ENABLED, async (fx) => {
  await setupMyTable(fx);
  const other = { fields: [["id", "integer"]], keyFields: ["id"] };
  for (const family of ["myfamily2", "myfamily_"]) {
    assert.equal((await fx.call("POST", `/families/${family}`)).status, 200);
  }
  // `myfamily____mytable` is family `myfamily_`'s, though it starts with `myfamily___`.
  for (
    const path of [
      "/families/myfamily/tables/second",
      "/families/myfamily2/tables/mytable",
      "/families/myfamily_/tables/mytable",
    ]
  ) {
    const created = await fx.call("POST", path, { body: JSON.stringify(other) });
    assert.equal(created.status, 200, created.text);
  }
  await mutate(fx, { mutations: [row(1, "a")] });
  for (const family of ["myfamily2", "myfamily_"]) {
    await mutate(fx, { mutations: [{ table: "mytable", values: { id: 5 } }] }, undefined, family);
  }
  const before = (await fx.ledger()).length;
  const reply = await fx.call("DELETE", "/clear-rows/families/MyFamily");
  assert.equal(reply.status, 200, reply.text);
  assert.deepEqual((await fx.ledger()).slice(before), [
    "--- BEGIN",
    "DELETE FROM myfamily___mytable",
    "DELETE FROM myfamily___second",
    "--- COMMIT",
  ]);
  assert.equal((await fx.db.query("SELECT id FROM myfamily2___mytable")).length, 1);
  assert.equal((await fx.db.query("SELECT id FROM myfamily____mytable")).length, 1);
  const unknown = await fx.call("DELETE", "/clear-rows/families/nofamily");
  assert.deepEqual([unknown.status, unknown.text], [404, "Family not found"]);
  const invalid = await fx.call("DELETE", "/clear-rows/families/a");
  assert.deepEqual([invalid.status, invalid.text], [
    400,
    "Family names must be at least 3 characters",
  ]);
});
