import assert from "node:assert/strict";
import { eachCtldb, mutate, MYTABLE, row, setupMyTable, WRITER_HEADERS } from "./_fixture.ts";
import { startExecutive } from "../../lib/executive/mod.ts";

const CREATE_LEDGER =
  'CREATE TABLE myfamily___mytable ("id" INTEGER, "name" VARCHAR(191), "data" BLOB(255), PRIMARY KEY("id"));';

eachCtldb("the end-to-end example writes the exact ledger rows", {}, async (fx) => {
  await setupMyTable(fx);
  const reply = await mutate(fx, {
    cookie: "AQ==",
    mutations: [
      { table: "mytable", values: { id: 1, name: "it's", data: "3q2+7w==" } },
      { table: "mytable", delete: true, values: { id: 2 } },
    ],
  });
  assert.equal(reply.status, 200, reply.text);
  assert.equal(reply.text, '{"seq":5}');
  assert.equal(reply.headers.get("content-type"), "application/json");
  assert.deepEqual(await fx.ledger(), [
    CREATE_LEDGER,
    "--- BEGIN",
    `REPLACE INTO myfamily___mytable ("id","name","data") VALUES(1,'it''s',x'deadbeef')`,
    'DELETE FROM myfamily___mytable WHERE "id" = 2',
    "--- COMMIT",
  ]);
  const rows = await fx.db.query<{ id: number; name: string; data: Uint8Array }>(
    "SELECT id, name, data FROM myfamily___mytable",
  );
  assert.equal(rows.length, 1);
  assert.equal(rows[0]!.name, "it's");
  assert.deepEqual([...rows[0]!.data], [0xde, 0xad, 0xbe, 0xef]);
  const cookie = await fx.call("GET", "/cookie", { headers: WRITER_HEADERS });
  assert.deepEqual(cookie.text, "\x01");
});

eachCtldb("a single mutation writes one ledger row and no markers", {}, async (fx) => {
  await setupMyTable(fx);
  const reply = await mutate(fx, { mutations: [row(7, "seven")] });
  assert.equal(reply.text, '{"seq":2}');
  assert.deepEqual((await fx.ledger()).slice(1), [
    `REPLACE INTO myfamily___mytable ("id","name","data") VALUES(7,'seven',NULL)`,
  ]);
});

eachCtldb("integers beyond 2^53 stay exact in ctldb and the ledger", {}, async (fx) => {
  await setupMyTable(fx);
  const body =
    '{"mutations":[{"table":"mytable","values":{"id":1700000000123456789,"name":"n","data":null}}]}';
  const reply = await mutate(fx, body);
  assert.equal(reply.status, 200, reply.text);
  assert.equal(
    (await fx.ledger()).at(-1),
    `REPLACE INTO myfamily___mytable ("id","name","data") VALUES(1700000000123456789,'n',NULL)`,
  );
  const [stored] = await fx.db.query<{ id: bigint }>("SELECT id FROM myfamily___mytable");
  assert.equal(BigInt(stored!.id), 1700000000123456789n);
});

eachCtldb("mutation JSON keys match case-insensitively", {}, async (fx) => {
  await setupMyTable(fx);
  const reply = await mutate(fx, {
    Cookie: "Ag==",
    MUTATIONS: [{ Table: "MyTable", Delete: false, Values: { ID: 3, Name: "x", DATA: null } }],
  });
  assert.equal(reply.status, 200, reply.text);
  assert.equal(
    (await fx.ledger()).at(-1),
    `REPLACE INTO myfamily___mytable ("id","name","data") VALUES(3,'x',NULL)`,
  );
});

eachCtldb("check_cookie makes the cookie a compare-and-swap", {}, async (fx) => {
  await setupMyTable(fx);
  const first = await mutate(fx, { cookie: "AQ==", mutations: [row(1, "a")] });
  assert.equal(first.status, 200, first.text);
  const swapped = await mutate(fx, {
    cookie: "Ag==",
    check_cookie: "AQ==",
    mutations: [row(2, "b")],
  });
  assert.equal(swapped.status, 200, swapped.text);
  const before = await fx.ledger();
  const stale = await mutate(fx, {
    cookie: "Aw==",
    check_cookie: "AQ==",
    mutations: [row(3, "c")],
  });
  assert.deepEqual([stale.status, stale.text], [409, "Cookie conflict"]);
  assert.deepEqual(await fx.ledger(), before);
  const cookie = await fx.call("GET", "/cookie", { headers: WRITER_HEADERS });
  assert.equal(cookie.text, "\x02");
});

eachCtldb("a null cookie is stored as empty bytes on both ctldbs", {}, async (fx) => {
  await setupMyTable(fx);
  const reply = await mutate(fx, { cookie: null, mutations: [row(1, "a")] });
  assert.equal(reply.status, 200, reply.text);
  const cookie = await fx.call("GET", "/cookie", { headers: WRITER_HEADERS });
  assert.deepEqual([cookie.status, cookie.text], [200, ""]);
  const matched = await mutate(fx, { cookie: "AQ==", check_cookie: "", mutations: [row(2, "b")] });
  assert.equal(matched.status, 200, matched.text);
});

eachCtldb("deletes need every key field and ignore other columns", {}, async (fx) => {
  await setupMyTable(fx);
  const missing = await mutate(fx, { mutations: [{ table: "mytable", delete: true, values: {} }] });
  assert.deepEqual([missing.status, missing.text], [400, "Missing field id"]);
  const ok = await mutate(fx, {
    mutations: [{ table: "mytable", delete: true, values: { id: 9, name: "ignored" } }],
  });
  assert.equal(ok.status, 200, ok.text);
  assert.equal((await fx.ledger()).at(-1), 'DELETE FROM myfamily___mytable WHERE "id" = 9');
});

const big = "x".repeat(800_000);
const tooMany = Array.from({ length: 101 }, (_, i) => row(i, "n"));
const errorCases: [string, unknown, Record<string, string>, number, string | RegExp][] = [
  [
    "unknown writer",
    { mutations: [row(1, "a")] },
    { "ctlstore-writer": "nobody" },
    401,
    "Writer not found",
  ],
  [
    "wrong secret",
    { mutations: [row(1, "a")] },
    { ...WRITER_HEADERS, "ctlstore-secret": "bad" },
    401,
    "Writer not found",
  ],
  [
    "invalid writer name",
    { mutations: [row(1, "a")] },
    { "ctlstore-writer": "ab" },
    400,
    "Writer names must be at least 3 characters",
  ],
  [
    "missing field",
    { mutations: [{ table: "mytable", values: { id: 1, data: null } }] },
    WRITER_HEADERS,
    400,
    "Missing field name",
  ],
  [
    "unknown field",
    { mutations: [{ table: "mytable", values: { id: 1, name: "a", data: null, nmae: "b" } }] },
    WRITER_HEADERS,
    400,
    "Unknown field nmae in table mytable",
  ],
  [
    "duplicate field by case",
    { mutations: [{ table: "mytable", values: { id: 1, ID: 2, name: "a", data: null } }] },
    WRITER_HEADERS,
    400,
    "Field id is given more than once",
  ],
  [
    "invalid field name",
    { mutations: [{ table: "mytable", values: { "id;--": 1 } }] },
    WRITER_HEADERS,
    400,
    "Field names must be only letters, numbers, and underscore",
  ],
  [
    "string for an integer",
    { mutations: [{ table: "mytable", values: { id: "1", name: "a", data: null } }] },
    WRITER_HEADERS,
    400,
    /^field 'id': /,
  ],
  [
    "fraction for an integer",
    { mutations: [{ table: "mytable", values: { id: 1.5, name: "a", data: null } }] },
    WRITER_HEADERS,
    400,
    /^field 'id': /,
  ],
  [
    "object as a value",
    { mutations: [{ table: "mytable", values: { id: 1, name: { a: 1 }, data: null } }] },
    WRITER_HEADERS,
    400,
    /^field 'name': /,
  ],
  [
    "array as a value",
    { mutations: [{ table: "mytable", values: { id: 1, name: [1], data: null } }] },
    WRITER_HEADERS,
    400,
    /^field 'name': /,
  ],
  [
    "string too long",
    { mutations: [{ table: "mytable", values: { id: 1, name: "é".repeat(192), data: null } }] },
    WRITER_HEADERS,
    400,
    /^field 'name': /,
  ],
  [
    "bad base64",
    { mutations: [{ table: "mytable", values: { id: 1, name: "a", data: "!!" } }] },
    WRITER_HEADERS,
    400,
    /^field 'data': maybeDecodeBase64/,
  ],
  [
    "null key",
    { mutations: [{ table: "mytable", values: { id: null, name: "a", data: null } }] },
    WRITER_HEADERS,
    400,
    "Key field id cannot be null",
  ],
  [
    "unknown table",
    { mutations: [{ table: "nosuch", values: { id: 1 } }] },
    WRITER_HEADERS,
    404,
    "Table not found: nosuch",
  ],
  [
    "invalid table name",
    { mutations: [{ table: "a b", values: { id: 1 } }] },
    WRITER_HEADERS,
    400,
    "Table names must be only letters, numbers, and single underscore",
  ],
  [
    "too many mutations",
    { mutations: tooMany },
    WRITER_HEADERS,
    413,
    "Number of requests exceeds maximum",
  ],
  ["no mutations", { mutations: [] }, WRITER_HEADERS, 400, /needs at least one table/],
  ["malformed JSON", '{"mutations": [', WRITER_HEADERS, 400, /^JSON Error: /],
  [
    "mutations not an array",
    { mutations: {} },
    WRITER_HEADERS,
    400,
    "JSON Error: mutations must be an array",
  ],
  [
    "delete not a boolean",
    { mutations: [{ table: "mytable", delete: "yes", values: {} }] },
    WRITER_HEADERS,
    400,
    /^JSON Error: /,
  ],
  [
    "bad base64 cookie",
    { cookie: "AQ=", mutations: [row(1, "a")] },
    WRITER_HEADERS,
    400,
    "JSON Error: illegal base64 data at input byte 3",
  ],
  [
    "cookie too long",
    { cookie: btoa("x".repeat(1025)), mutations: [row(1, "a")] },
    WRITER_HEADERS,
    400,
    "Maximum cookie length is 1024 bytes",
  ],
  [
    "statement too large",
    { mutations: [{ table: "bigtable", values: { id: 1, body: big } }] },
    WRITER_HEADERS,
    400,
    "Request generated too large of a DML statement",
  ],
];

eachCtldb(
  "every mutation error has its status and message and writes nothing",
  {},
  async (fx) => {
    await setupMyTable(fx);
    const bigTable = await fx.call("POST", "/families/myfamily/tables/bigtable", {
      body: JSON.stringify({ fields: [["id", "integer"], ["body", "text"]], keyFields: ["id"] }),
    });
    assert.equal(bigTable.status, 200, bigTable.text);
    const before = await fx.ledger();
    for (const [name, body, headers, status, message] of errorCases) {
      const reply = await mutate(fx, body, headers);
      assert.equal(reply.status, status, `${name}: ${reply.text}`);
      if (typeof message === "string") assert.equal(reply.text, message, name);
      else assert.match(reply.text, message, name);
    }
    assert.deepEqual(await fx.ledger(), before);
    const [usage] = await fx.db.query<{ n: number }>("SELECT COUNT(*) AS n FROM writer_usage");
    assert.equal(Number(usage!.n), 0);
  },
);

eachCtldb("mutations of an unknown family's table are 404", {}, async (fx) => {
  await setupMyTable(fx);
  const reply = await mutate(fx, { mutations: [row(1, "a")] }, WRITER_HEADERS, "otherfamily");
  assert.deepEqual([reply.status, reply.text], [404, "Table not found: mytable"]);
  assert.equal(MYTABLE.keyFields[0], "id");
});

eachCtldb("a batch touching one key several times applies in request order", {}, async (fx) => {
  await setupMyTable(fx);
  await fx.call("POST", "/families/myfamily/tables/second", {
    body: JSON.stringify({ fields: [["k", "string"]], keyFields: ["k"] }),
  });
  const reply = await mutate(fx, {
    mutations: [
      row(1, "a"),
      row(1, "b"),
      { table: "second", values: { k: "x" } },
      row(2, "c"),
      { table: "mytable", delete: true, values: { id: 1 } },
      row(1, "d"),
      row(3, "e"),
    ],
  });
  assert.equal(reply.status, 200, reply.text);
  const rows = await fx.db.query<{ id: number; name: string }>(
    "SELECT id, name FROM myfamily___mytable ORDER BY id",
  );
  assert.deepEqual(rows.map((r) => [Number(r.id), r.name]), [[1, "d"], [2, "c"], [3, "e"]]);
  const ledger = await fx.ledgerRows();
  assert.equal(reply.text, `{"seq":${ledger.at(-1)!.seq}}`);
  assert.deepEqual(ledger.slice(-9).map((r) => r.statement), [
    "--- BEGIN",
    `REPLACE INTO myfamily___mytable ("id","name","data") VALUES(1,'a',NULL)`,
    `REPLACE INTO myfamily___mytable ("id","name","data") VALUES(1,'b',NULL)`,
    `REPLACE INTO myfamily___second ("k") VALUES('x')`,
    `REPLACE INTO myfamily___mytable ("id","name","data") VALUES(2,'c',NULL)`,
    'DELETE FROM myfamily___mytable WHERE "id" = 1',
    `REPLACE INTO myfamily___mytable ("id","name","data") VALUES(1,'d',NULL)`,
    `REPLACE INTO myfamily___mytable ("id","name","data") VALUES(3,'e',NULL)`,
    "--- COMMIT",
  ]);
  const seqs = ledger.slice(-9).map((r) => r.seq);
  assert.deepEqual(seqs, seqs.map((_, i) => seqs[0]! + i));
});

eachCtldb(
  "a field another executive just added is accepted at once, not rejected as unknown",
  {},
  async (fx) => {
    await setupMyTable(fx);
    const other = await startExecutive({ bind: "127.0.0.1:0", ctldb: fx.dsn, db: fx.db });
    try {
      const otherBase = `http://127.0.0.1:${other.address!.port}`;
      const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
        fetch(otherBase + path, { method: "POST", body: JSON.stringify(body), headers })
          .then(async (r) => [r.status, await r.text()]);
      // The other executive caches mytable's columns...
      const first = { mutations: [row(1, "a")] };
      assert.deepEqual((await post("/families/myfamily/mutations", first, WRITER_HEADERS))[0], 200);
      // ...then this one adds a field, and a writer uses it through the other one.
      const added = await fx.call("PUT", "/families/myfamily/tables/mytable", {
        body: JSON.stringify({ fields: [["extra", "integer"]] }),
      });
      assert.equal(added.status, 200, added.text);
      const withExtra = {
        mutations: [{ table: "mytable", values: { id: 2, name: "b", data: null, extra: 7 } }],
      };
      assert.deepEqual(
        await post("/families/myfamily/mutations", withExtra, WRITER_HEADERS),
        [200, '{"seq":4}'],
      );
      assert.equal(
        (await fx.ledger()).at(-1),
        'REPLACE INTO myfamily___mytable ("id","name","data","extra") VALUES(2,\'b\',NULL,7)',
      );
    } finally {
      await other.stop();
    }
  },
);
