import assert from "node:assert/strict";
import { eachCtldb, type ExecutiveFixture } from "./_fixture.ts";

const TOKEN = "listing-admin-token";
const AUTH = { authorization: `Bearer ${TOKEN}` };

const KEYED = JSON.stringify({ fields: [["id", "integer"]], keyFields: ["id"] });

/** Creates the families, then each `family/table`, failing on any non-200 answer. */
async function create(
  fx: ExecutiveFixture,
  families: string[],
  tables: [string, string][],
  headers: Record<string, string> = {},
): Promise<void> {
  const steps: [string, string | undefined][] = [
    ...families.map((f): [string, undefined] => [`/families/${f}`, undefined]),
    ...tables.map(([f, t]): [string, string] => [`/families/${f}/tables/${t}`, KEYED]),
  ];
  for (const [path, body] of steps) {
    const reply = await fx.call("POST", path, body === undefined ? { headers } : { body, headers });
    assert.equal(reply.status, 200, `POST ${path}: ${reply.text}`);
  }
}

eachCtldb(
  "GET /families lists every family with its tables, both in code-unit order",
  {},
  async (fx) => {
    const empty = await fx.call("GET", "/families");
    assert.deepEqual([empty.status, empty.text], [200, '{"families":[]}']);
    assert.equal(empty.headers.get("content-type"), "application/json");
    // A collation that sorts "_" before digits (MySQL's) would give another order than this.
    await create(fx, ["beta", "alpha_x", "alpha1", "Alpha", "foo", "foo_"], [
      ["alpha", "users"],
      ["alpha", "Accounts"],
      ["alpha", "ab_c"],
      ["alpha", "ab1"],
      ["foo", "baz"],
      ["foo_", "bar"],
    ]);
    const reply = await fx.call("GET", "/families");
    assert.equal(reply.status, 200, reply.text);
    assert.deepEqual(JSON.parse(reply.text), {
      families: [
        { name: "alpha", tables: ["ab1", "ab_c", "accounts", "users"] },
        { name: "alpha1", tables: [] },
        { name: "alpha_x", tables: [] },
        { name: "beta", tables: [] },
        { name: "foo", tables: ["baz"] },
        { name: "foo_", tables: ["bar"] },
      ],
    });
  },
);

eachCtldb(
  "GET /families/:family/tables lists one family's tables and 404s an unknown family",
  {},
  async (fx) => {
    await create(fx, ["demo", "demo_", "lonely"], [
      ["demo", "users"],
      ["demo", "orders"],
      ["demo_", "other"],
    ]);
    const reply = await fx.call("GET", "/families/Demo/tables");
    assert.deepEqual([reply.status, reply.text], [
      200,
      '{"name":"demo","tables":["orders","users"]}',
    ]);
    assert.equal(reply.headers.get("content-type"), "application/json");
    const lonely = await fx.call("GET", "/families/lonely/tables");
    assert.deepEqual([lonely.status, lonely.text], [200, '{"name":"lonely","tables":[]}']);
    const unknown = await fx.call("GET", "/families/nosuch/tables");
    assert.deepEqual([unknown.status, unknown.text], [404, "Family not found"]);
    const bad = await fx.call("GET", "/families/no__pe/tables");
    assert.deepEqual([bad.status, bad.text], [
      400,
      "Family names must be only letters, numbers, and single underscore",
    ]);
  },
);

eachCtldb(
  "with an admin token, the family listings need the bearer token",
  { adminToken: TOKEN },
  async (fx) => {
    await create(fx, ["demo"], [["demo", "users"]], AUTH);
    for (const path of ["/families", "/families/demo/tables"]) {
      for (const headers of [{}, { authorization: "Bearer wrong" }] as Record<string, string>[]) {
        const denied = await fx.call("GET", path, { headers });
        assert.deepEqual(
          [denied.status, denied.text],
          [401, "Unauthorized: this route requires the admin token"],
          `${path} ${JSON.stringify(headers)}`,
        );
      }
      assert.equal((await fx.call("GET", path, { headers: AUTH })).status, 200, path);
    }
  },
);
