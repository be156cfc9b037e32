import assert from "node:assert/strict";
import {
  eachCtldb,
  type ExecutiveFixture,
  mutate,
  MYTABLE,
  row,
  setupMyTable,
} from "./_fixture.ts";

function post(fx: ExecutiveFixture, path: string, body: unknown, method = "POST") {
  return fx.call(method, path, { body: typeof body === "string" ? body : JSON.stringify(body) });
}

eachCtldb("families are created once, lower-cased", {}, async (fx) => {
  assert.equal((await fx.call("POST", "/families/MyFamily")).status, 200);
  const again = await fx.call("POST", "/families/myfamily");
  assert.deepEqual([again.status, again.text], [409, "Family already exists"]);
  const bad = await fx.call("POST", "/families/a__b");
  assert.deepEqual(
    [bad.status, bad.text],
    [400, "Family names must be only letters, numbers, and single underscore"],
  );
  const rows = await fx.db.query<{ name: string }>("SELECT name FROM families");
  assert.deepEqual(rows.map((r) => r.name), ["myfamily"]);
});

eachCtldb(
  "create table writes the SQLite DDL to the ledger and ctldb DDL to ctldb",
  {},
  async (fx) => {
    await setupMyTable(fx);
    assert.deepEqual(await fx.ledger(), [
      'CREATE TABLE myfamily___mytable ("id" INTEGER, "name" VARCHAR(191), "data" BLOB(255), PRIMARY KEY("id"));',
    ]);
    const columns = (await fx.db.tableColumns(["myfamily___mytable"])).get("myfamily___mytable");
    const expected: Record<string, string[]> = {
      mysql: ["bigint", "varchar", "varbinary"],
      postgres: ["bigint", "character varying(191)", "ctlstore_bytestring"],
      sqlite: ["INTEGER", "VARCHAR(191)", "BLOB(255)"],
    };
    assert.deepEqual(columns?.map((c) => c.columnType), expected[fx.dialect]);
    assert.deepEqual(columns?.map((c) => c.fieldType), ["integer", "string", "bytestring"]);
  },
);

const createErrors: [string, string, unknown, number, string][] = [
  ["malformed JSON", "/families/myfamily/tables/tb1", "{", 400, "JSON Error: "],
  [
    "short tuple",
    "/families/myfamily/tables/tb1",
    { fields: [["id"]], keyFields: ["id"] },
    400,
    "Error unzipping fields: Field #0 is malformed: expected 2 elements, got 1",
  ],
  [
    "unknown type",
    "/families/myfamily/tables/tb1",
    { fields: [["id", "integer"], ["x", "int"]], keyFields: ["id"] },
    400,
    "Error unzipping fields: Field #1: Type 'int' unknown",
  ],
  [
    "non-string tuple",
    "/families/myfamily/tables/tb1",
    { fields: [[1, "integer"]], keyFields: ["id"] },
    400,
    "JSON Error: fields[0][0] must be a string",
  ],
  [
    "bad table name",
    "/families/myfamily/tables/t-1",
    MYTABLE,
    400,
    "Table names must be only letters, numbers, and single underscore",
  ],
  [
    "bad field name",
    "/families/myfamily/tables/tb1",
    { fields: [["i d", "integer"]], keyFields: ["i d"] },
    400,
    "Field names must be only letters, numbers, and underscore",
  ],
  [
    "no key fields",
    "/families/myfamily/tables/tb1",
    { fields: [["id", "integer"]], keyFields: [] },
    400,
    "table must have at least one key field",
  ],
  ["unknown family", "/families/nofamily/tables/tb1", MYTABLE, 404, "Family not found"],
  [
    "undeclared key",
    "/families/myfamily/tables/tb1",
    { fields: [["id", "integer"]], keyFields: ["other"] },
    400,
    "Primary key field 'other' not specified as a field",
  ],
  [
    "decimal key",
    "/families/myfamily/tables/tb1",
    { fields: [["id", "decimal"]], keyFields: ["id"] },
    400,
    "Fields of type 'decimal' cannot be a key field",
  ],
  [
    "duplicate field",
    "/families/myfamily/tables/tb1",
    { fields: [["id", "integer"], ["ID", "string"]], keyFields: ["id"] },
    400,
    "Field 'id' is declared more than once",
  ],
  ["existing table", "/families/myfamily/tables/MyTable", MYTABLE, 409, "Table already exists"],
  [
    "name too long for the ctldb",
    `/families/${"f".repeat(30)}/tables/${"t".repeat(40)}`,
    MYTABLE,
    400,
    `Table name '${"f".repeat(30)}___${"t".repeat(40)}' is longer than `,
  ],
];

eachCtldb(
  "table names up to the ctldb's identifier limit are accepted, longer ones refused",
  {},
  async (fx) => {
    const family = "f".repeat(30);
    assert.equal((await fx.call("POST", `/families/${family}`)).status, 200);
    const fits = await post(fx, `/families/${family}/tables/${"t".repeat(30)}`, MYTABLE);
    assert.equal(fits.status, 200, `63 characters: ${fits.text}`);
    const long = await post(fx, `/families/${family}/tables/${"u".repeat(31)}`, MYTABLE);
    const max = fx.db.maxIdentifierLength;
    if (max >= 64) {
      assert.equal(long.status, 200, `64 characters: ${long.text}`);
    } else {
      assert.equal(long.status, 400);
      assert.equal(
        long.text,
        `Table name '${family}___${"u".repeat(31)}' is longer than ${max} characters`,
      );
    }
  },
);

eachCtldb("create table errors have the original's messages and 4xx codes", {}, async (fx) => {
  await setupMyTable(fx);
  assert.equal((await fx.call("POST", `/families/${"f".repeat(30)}`)).status, 200);
  const before = await fx.ledger();
  for (const [name, path, body, status, message] of createErrors) {
    const reply = await post(fx, path, body);
    assert.equal(reply.status, status, `${name}: ${reply.text}`);
    assert.ok(reply.text.startsWith(message), `${name}: ${reply.text}`);
  }
  assert.deepEqual(await fx.ledger(), before);
});

eachCtldb("add fields appends one ledger row per field", {}, async (fx) => {
  await setupMyTable(fx);
  const reply = await post(fx, "/families/myfamily/tables/mytable", {
    fields: [["extra", "text"], ["Amount", "decimal"]],
  }, "PUT");
  assert.equal(reply.status, 200, reply.text);
  assert.deepEqual((await fx.ledger()).slice(1), [
    'ALTER TABLE myfamily___mytable ADD COLUMN "extra" TEXT',
    'ALTER TABLE myfamily___mytable ADD COLUMN "amount" REAL',
  ]);
  const upsert = await mutate(fx, {
    mutations: [{
      table: "mytable",
      values: { id: 1, name: "a", data: null, extra: "e", amount: 1.5 },
    }],
  });
  assert.equal(upsert.status, 200, upsert.text);
  const old = await mutate(fx, { mutations: [row(2, "b")] });
  assert.deepEqual([old.status, old.text], [400, "Missing field extra"]);
});

eachCtldb("add fields errors", {}, async (fx) => {
  await setupMyTable(fx);
  const cases: [string, string, unknown, number, string][] = [
    [
      "unknown family",
      "/families/nofamily/tables/mytable",
      { fields: [["x", "text"]] },
      404,
      "Family does not exist",
    ],
    [
      "unknown table",
      "/families/myfamily/tables/nosuch",
      { fields: [["x", "text"]] },
      404,
      "Table not found: nosuch",
    ],
    [
      "existing column",
      "/families/myfamily/tables/mytable",
      { fields: [["Name", "text"]] },
      409,
      "Column already exists",
    ],
    [
      "bad type",
      "/families/myfamily/tables/mytable",
      { fields: [["x", "blob"]] },
      400,
      "Error unzipping fields: Field #0: Type 'blob' unknown",
    ],
    [
      "bad table name",
      "/families/myfamily/tables/x",
      { fields: [["x", "text"]] },
      400,
      "Table names must be at least 3 characters",
    ],
  ];
  for (const [name, path, body, status, message] of cases) {
    const reply = await post(fx, path, body, "PUT");
    assert.deepEqual([reply.status, reply.text], [status, message], name);
  }
  assert.equal((await fx.ledger()).length, 1);
});

eachCtldb("POST /tables creates several tables and wraps the first error", {}, async (fx) => {
  await setupMyTable(fx);
  const ok = await post(fx, "/tables", [
    { family: "myfamily", name: "tb1", fields: [["id", "string"]], keyFields: ["id"] },
    { family: "myfamily", name: "tb2", fields: [["k", "bytestring"]], keyFields: ["k"] },
  ]);
  assert.equal(ok.status, 200, ok.text);
  assert.equal((await fx.ledger()).length, 3);
  const unzip = await post(fx, "/tables", [{ family: "myfamily", name: "tb3", fields: [["a"]] }]);
  assert.deepEqual([unzip.status, unzip.text], [
    400,
    'unzipping fields param for family "myfamily" table "tb3": Field #0 is malformed: expected 2 elements, got 1',
  ]);
  const conflict = await post(fx, "/tables", [
    { family: "myfamily", name: "tb4", fields: [["id", "integer"]], keyFields: ["id"] },
    { family: "myfamily", name: "tb1", fields: [["id", "string"]], keyFields: ["id"] },
  ]);
  assert.deepEqual([conflict.status, conflict.text], [
    409,
    'creating table for family "myfamily" table "tb1": Table already exists',
  ]);
  assert.equal((await fx.ledger()).length, 4);
  assert.equal((await post(fx, "/tables", [])).status, 200);
  assert.equal((await post(fx, "/tables", "{")).status, 400);
});

eachCtldb(
  "schema routes report fields in column order, with normalized names",
  {},
  async (fx) => {
    await setupMyTable(fx);
    await post(fx, "/families/myfamily/tables/other", {
      fields: [["b", "text"], ["a", "string"], ["k", "integer"], ["bin", "binary"]],
      keyFields: ["k", "a"],
    });
    const table = await fx.call("GET", "/schema/table/MyFamily/Other");
    assert.equal(table.status, 200);
    assert.equal(table.headers.get("content-type"), "application/json");
    assert.equal(
      table.text,
      '{"family":"myfamily","name":"other","fields":[["b","text"],["a","string"],["k","integer"],["bin","binary"]],"keyFields":["a","k"]}',
    );
    const family = JSON.parse((await fx.call("GET", "/schema/family/myfamily")).text);
    assert.deepEqual(family.map((t: { name: string }) => t.name), ["mytable", "other"]);
    const missing = await fx.call("GET", "/schema/table/myfamily/nosuch");
    assert.deepEqual([missing.status, missing.text], [
      404,
      "myfamily___nosuch: table does not exist\n",
    ]);
    assert.equal((await fx.call("GET", "/schema/family/emptyfam")).text, "null");
    assert.equal((await fx.call("GET", "/schema/table/x/nosuch")).status, 400);
  },
);

eachCtldb(
  "a family ending in an underscore lists its own tables, and only those",
  {},
  async (fx) => {
    await setupMyTable(fx);
    assert.equal((await fx.call("POST", "/families/myfamily_")).status, 200);
    await post(fx, "/families/myfamily_/tables/extra", {
      fields: [["id", "integer"]],
      keyFields: ["id"],
    });
    const names = async (family: string) =>
      JSON.parse((await fx.call("GET", `/schema/family/${family}`)).text).map((
        t: { family: string; name: string },
      ) => `${t.family}/${t.name}`);
    assert.deepEqual(await names("myfamily_"), ["myfamily_/extra"]);
    assert.deepEqual(await names("myfamily"), ["myfamily/mytable"]);
  },
);
