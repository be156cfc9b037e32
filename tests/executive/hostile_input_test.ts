import assert from "node:assert/strict";
import {
  eachCtldb,
  type ExecutiveFixture,
  mutate,
  row,
  setupMyTable,
  WRITER_HEADERS,
} from "./_fixture.ts";

const CONTROL_TABLES = [
  "families",
  "mutators",
  "locks",
  "ctlstore_dml_ledger",
  "max_table_sizes",
  "max_writer_rates",
  "writer_usage",
];

async function snapshot(fx: ExecutiveFixture): Promise<string> {
  const parts: unknown[] = [];
  for (const table of CONTROL_TABLES) {
    const rows = await fx.db.query(`SELECT * FROM ${table} ORDER BY 1`);
    parts.push(rows.map((r) => Object.entries(r).map(([k, v]) => [k, String(v)])));
  }
  parts.push(await fx.db.listFamilyTables());
  return JSON.stringify(parts);
}

const INJECTIONS = [
  "x'; DROP TABLE families; --",
  'x"; DROP TABLE families; --',
  "x) ; DELETE FROM mutators; --",
  "x` OR 1=1 --",
  "x/**/UNION/**/SELECT",
  "x\u0000y",
  "fämily",
  "x".repeat(301),
];

const enc = encodeURIComponent;
const table = (fields: unknown, keyFields: unknown = ["id"]) =>
  JSON.stringify({ fields, keyFields });

function hostileRequests(): [
  string,
  string,
  string | Uint8Array<ArrayBuffer> | undefined,
  Record<string, string>,
][] {
  const requests: [
    string,
    string,
    string | Uint8Array<ArrayBuffer> | undefined,
    Record<string, string>,
  ][] = [];
  for (const bad of INJECTIONS) {
    const b = enc(bad);
    requests.push(
      ["POST", `/families/${b}`, undefined, {}],
      ["POST", `/families/myfamily/tables/${b}`, table([["id", "integer"]]), {}],
      ["POST", `/families/${b}/tables/mytable`, table([["id", "integer"]]), {}],
      ["POST", "/families/myfamily/tables/newtable", table([[bad, "integer"]], [bad]), {}],
      ["POST", "/families/myfamily/tables/newtable", table([["id", bad]]), {}],
      ["POST", "/families/myfamily/tables/newtable", table([["id", "integer"]], [bad]), {}],
      ["PUT", `/families/myfamily/tables/${b}`, table([["x", "text"]]), {}],
      ["PUT", "/families/myfamily/tables/mytable", table([[bad, "text"]]), {}],
      [
        "POST",
        "/tables",
        JSON.stringify([{
          family: bad,
          name: "tbl",
          fields: [["id", "integer"]],
          keyFields: ["id"],
        }]),
        {},
      ],
      ["GET", `/schema/table/myfamily/${b}`, undefined, {}],
      ["GET", `/schema/family/${b}`, undefined, {}],
      ["POST", `/limits/tables/myfamily/${b}`, '{"max-size":1}', {}],
      ["DELETE", `/limits/tables/${b}/mytable`, undefined, {}],
      ["POST", `/limits/writers/${b}`, '{"amount":1,"period":"1m"}', {}],
      ["DELETE", `/limits/writers/${b}`, undefined, {}],
      ["DELETE", `/families/myfamily/tables/${b}`, undefined, {}],
      ["DELETE", `/clear-rows/families/${b}`, undefined, {}],
      [
        "POST",
        `/families/${b}/mutations`,
        JSON.stringify({ mutations: [row(1, "a")] }),
        WRITER_HEADERS,
      ],
      [
        "POST",
        "/families/myfamily/mutations",
        JSON.stringify({ mutations: [{ table: bad, values: { id: 1 } }] }),
        WRITER_HEADERS,
      ],
      [
        "POST",
        "/families/myfamily/mutations",
        JSON.stringify({
          mutations: [{ table: "mytable", values: { id: 1, name: "a", data: null, [bad]: 1 } }],
        }),
        WRITER_HEADERS,
      ],
      [
        "POST",
        "/families/myfamily/mutations",
        JSON.stringify({
          mutations: [{ table: "mytable", values: { id: bad, name: "a", data: null } }],
        }),
        WRITER_HEADERS,
      ],
      [
        "POST",
        "/families/myfamily/mutations",
        JSON.stringify({
          mutations: [{ table: "mytable", values: { id: 1, name: "a", data: bad } }],
        }),
        WRITER_HEADERS,
      ],
      ["POST", "/families/myfamily/mutations", JSON.stringify({ mutations: [row(1, "a")] }), {
        "ctlstore-writer": bad.slice(0, 40).replace(/[^\x20-\x7e]/g, "?"),
        "ctlstore-secret": "x",
      }],
      ["POST", "/families/myfamily/mutations", JSON.stringify({ mutations: [row(1, "a")] }), {
        ...WRITER_HEADERS,
        "ctlstore-secret": bad.replace(/[^\x20-\x7e]/g, "?"),
      }],
    );
  }
  const nested = "[".repeat(20_000) + "]".repeat(20_000);
  for (
    const body of [
      "",
      "{",
      "[]",
      '"x"',
      "123",
      "null",
      nested,
      '{"mutations": null}',
      '{"mutations": [null]}',
      '{"mutations": [{"table": 5}]}',
      '{"mutations": [{"table": "mytable", "values": []}]}',
      '{"cookie": 5, "mutations": []}',
      '{"cookie": {}, "mutations": []}',
      '{"check_cookie": "%%%", "mutations": []}',
      '{"mutations": [{"table": "mytable", "values": {"id": 1e400, "name": "a", "data": null}}]}',
      '{"mutations": [{"table": "mytable", "values": {"id": 99999999999999999999, "name": "a", "data": null}}]}',
      '{"mutations": [{"table": "mytable", "values": {"id": 1, "name": {"$ne": 1}, "data": null}}]}',
      '{"mutations": [{"table": "mytable", "values": {"id": 1, "name": "a", "data": ["AQ=="]}}]}',
      '{"mutations": [{"table": "mytable", "values": {"id": true, "name": "a", "data": null}}]}',
      '{"mutations": [{"table": "mytable", "values": {"__proto__": {"id": 1}}}]}',
    ]
  ) {
    requests.push(["POST", "/families/myfamily/mutations", body, WRITER_HEADERS]);
  }
  const invalidUtf8 = new Uint8Array([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d]);
  requests.push(["POST", "/families/myfamily/mutations", invalidUtf8, WRITER_HEADERS]);
  for (
    const path of [
      "/families/myfamily/tables/newtable",
      "/tables",
      "/limits/tables/myfamily/mytable",
      "/limits/writers/mywriter",
    ]
  ) {
    for (
      const body of [
        "{",
        "[1,2",
        '{"fields": "id"}',
        '{"fields": [["id", "integer", "x"]], "keyFields": ["id"]}',
        '{"max-size": "1; DROP TABLE x"}',
        '{"amount": {}, "period": []}',
      ]
    ) {
      requests.push(["POST", path, body, {}]);
    }
  }
  return requests;
}

eachCtldb("hostile input always gets a 4xx with a reason and changes nothing", {
  enableDestructiveSchemaChanges: true,
}, async (fx) => {
  await setupMyTable(fx);
  assert.equal((await mutate(fx, { mutations: [row(1, "a")] })).status, 200);
  const before = await snapshot(fx);
  for (const [method, path, body, headers] of hostileRequests()) {
    const reply = await fx.call(method, path, body === undefined ? { headers } : { body, headers });
    const what = `${method} ${path} ${typeof body === "string" ? body.slice(0, 120) : ""}`;
    assert.ok(reply.status >= 400 && reply.status < 500, `${what}: ${reply.status} ${reply.text}`);
    assert.ok(reply.text.trim() !== "" || reply.status === 405, `${what}: empty reason`);
  }
  assert.equal(await snapshot(fx), before);
  assert.equal((await fx.call("GET", "/status")).status, 200);
  assert.equal((await mutate(fx, { mutations: [row(2, "b")] })).status, 200);
});

eachCtldb("injection attempts in string values are stored verbatim", {}, async (fx) => {
  await setupMyTable(fx);
  // PostgreSQL text cannot hold NUL: such a value is refused with a reason instead.
  const nul = "nul\u0000byte";
  if (fx.dialect === "postgres") {
    const refused = await mutate(fx, { mutations: [row(9, nul)] });
    assert.equal(refused.status, 400, refused.text);
    assert.match(refused.text, /^dml exec error: .*NUL/);
  }
  const values = [
    "x'); DROP TABLE families; --",
    "a''b",
    "back\\slash",
    ...(fx.dialect === "postgres" ? [] : [nul]),
    "ünï©ødé 🎉",
  ];
  for (const [i, name] of values.entries()) {
    const reply = await mutate(fx, { mutations: [row(i, name)] });
    assert.equal(reply.status, 200, reply.text);
  }
  const rows = await fx.db.query<{ id: number; name: string | Uint8Array }>(
    "SELECT id, name FROM myfamily___mytable ORDER BY id",
  );
  const stored = rows.map((r) =>
    typeof r.name === "string" ? r.name : new TextDecoder().decode(r.name)
  );
  assert.deepEqual(stored, values);
  assert.equal((await fx.db.query("SELECT name FROM families")).length, 1);
  assert.equal(
    (await fx.ledger()).at(1),
    `REPLACE INTO myfamily___mytable ("id","name","data") VALUES(0,'x''); DROP TABLE families; --',NULL)`,
  );
});
