import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { LdbTestUtil, NameError } from "../../lib/mod.ts";

const USERS = {
  family: "Accounts",
  name: "Users",
  fields: [["id", "integer"], ["name", "string"], ["avatar", "bytestring"], ["score", "decimal"]],
  keyFields: ["id"],
};

Deno.test("LdbTestUtil creates tables with the ledger DDL and rows readers can read", () => {
  using ldb = LdbTestUtil.create();
  ldb.createTable({ ...USERS, rows: [[1, "ada", "png", 1.5], { id: 2, name: "grace" }] });
  assert.deepEqual(
    { ...ldb.db.prepare("SELECT sql FROM sqlite_master WHERE name = 'accounts___users'").get() },
    {
      sql:
        `CREATE TABLE accounts___users ("id" INTEGER, "name" VARCHAR(191), "avatar" BLOB(255), "score" REAL, PRIMARY KEY("id"))`,
    },
  );
  const reader = ldb.openReader();
  assert.deepStrictEqual(reader.getRowByKey("accounts", "users", 1), {
    id: 1,
    name: "ada",
    avatar: new TextEncoder().encode("png"),
    score: 1.5,
  });
  assert.deepStrictEqual(reader.getRowByKey("accounts", "users", 2), {
    id: 2,
    name: "grace",
    avatar: null,
    score: null,
  });
  assert.ok(reader.getLedgerLatency() < 60_000);
});

Deno.test("LdbTestUtil validates tables like the executive", () => {
  using ldb = LdbTestUtil.create();
  const cases: [Partial<typeof USERS>, string][] = [
    [
      { fields: [["id", "integer"], ["x", "float"]] },
      "Field #1: Type 'float' unknown",
    ],
    [
      { fields: [["id"]] },
      "Field #0 is malformed: expected 2 elements, got 1",
    ],
    [{ keyFields: [] }, "table must have at least one key field"],
    [{ keyFields: ["nope"] }, "Primary key field 'nope' not specified as a field"],
    [{ keyFields: ["score"] }, "Fields of type 'decimal' cannot be a key field"],
  ];
  for (const [change, message] of cases) {
    assert.throws(() => ldb.createTable({ ...USERS, ...change }), {
      name: "TableDefinitionError",
      message,
    });
  }
  assert.throws(() => ldb.createTable({ ...USERS, family: "a" }), NameError);
  assert.throws(() => ldb.createTable({ ...USERS, fields: [["Bad-Name", "string"]] }), NameError);
});

Deno.test("LdbTestUtil deletes rows, resets tables and removes its directory", () => {
  const ldb = LdbTestUtil.create();
  try {
    ldb.createTable({ ...USERS, rows: [[1, "ada", null, null]] });
    ldb.createTable({ ...USERS, name: "others", rows: [[1, "x", null, null]] });
    const reader = ldb.openReader();
    ldb.deleteAll("accounts", "users");
    assert.equal(reader.getRowByKey("accounts", "users", 1), undefined);
    assert.equal(reader.getRowByKey<{ name: string }>("accounts", "others", 1)?.name, "x");
    ldb.reset();
    const tables = ldb.db.prepare(
      "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name",
    )
      .all().map((r) => r.name);
    assert.deepEqual(tables, ["_ldb_last_update", "_ldb_seq"]);
    assert.throws(() => reader.getRowByKey("accounts", "users", 1), /Table not found/);
  } finally {
    ldb.close();
  }
  assert.equal(existsSync(ldb.dir), false);
  ldb.close();
});

Deno.test("two LdbTestUtils are independent", () => {
  using a = LdbTestUtil.create();
  using b = LdbTestUtil.create();
  assert.notEqual(a.path, b.path);
  a.createTable({ ...USERS, rows: [[1, "a", null, null]] });
  assert.throws(() => b.openReader().getRowByKey("accounts", "users", 1), /Table not found/);
});
