import assert from "node:assert/strict";
import { type ExecutiveFixture, withSqliteExecutive } from "../executive/_fixture.ts";
import { ctl } from "./_cli.ts";

const USERS = {
  fields: [["id", "integer"], ["name", "string"], ["avatar", "bytestring"], ["score", "decimal"]],
  keyFields: ["id"],
};

async function setUp(fx: ExecutiveFixture): Promise<string[]> {
  const steps: [string, string | undefined][] = [
    ["/families/demo", undefined],
    ["/families/demo/tables/users", JSON.stringify(USERS)],
    ["/writers/demo-writer", "demo-secret"],
  ];
  for (const [path, body] of steps) {
    const reply = await fx.call("POST", path, body === undefined ? {} : { body });
    assert.equal(reply.status, 200, `${path}: ${reply.text}`);
  }
  return ["-e", fx.base, "-family", "demo", "-table", "users", "-writer", "demo-writer"];
}

const SECRET = { CTLSTORE_SECRET: "demo-secret" };

async function users(fx: ExecutiveFixture) {
  return (await fx.db.query<Record<string, unknown>>(
    "SELECT id, name, avatar, score FROM demo___users ORDER BY id",
  )).map((r) => ({
    ...r,
    id: String(r.id),
    avatar: r.avatar === null ? null : [...r.avatar as Uint8Array],
  }));
}

Deno.test("mutate writes one row from -set and -row and prints the ledger seq", async () => {
  await withSqliteExecutive({}, async (fx) => {
    const flags = await setUp(fx);
    const set = await ctl([
      "mutate",
      ...flags,
      "-set",
      "id=9007199254740993",
      "-set",
      "name=007",
      "-set",
      "avatar=3q2+7w==",
      "-set",
      "score:=1.5",
    ], SECRET);
    assert.deepEqual(set, { code: 0, stdout: `${await fx.db.maxLedgerSeq()}\n`, stderr: "" });
    const row = await ctl([
      "mutate",
      ...flags,
      "-secret",
      "demo-secret",
      "-row",
      '{"id":2,"name":"ada","avatar":null,"score":null}',
      "-set",
      'name:="grace"',
      "-json",
    ]);
    assert.deepEqual(row, {
      code: 0,
      stdout: `{"seq":${await fx.db.maxLedgerSeq()}}\n`,
      stderr: "",
    });
    assert.deepEqual(await users(fx), [
      { id: "2", name: "grace", avatar: null, score: null },
      { id: "9007199254740993", name: "007", avatar: [0xde, 0xad, 0xbe, 0xef], score: 1.5 },
    ]);
  });
});

Deno.test("delete-row deletes a row by its key and prints the ledger seq", async () => {
  await withSqliteExecutive({}, async (fx) => {
    const flags = await setUp(fx);
    const write = await ctl([
      "mutate",
      ...flags,
      "-row",
      '{"id":7,"name":"a","avatar":null,"score":1}',
    ], SECRET);
    assert.equal(write.code, 0, write.stderr);
    const removed = await ctl(["delete-row", ...flags, "-key", "id=7"], SECRET);
    assert.deepEqual(removed, { code: 0, stdout: `${await fx.db.maxLedgerSeq()}\n`, stderr: "" });
    assert.deepEqual(await users(fx), []);
    assert.deepEqual(await ctl(["delete-row", ...flags, "-key", "id:=7", "-json"], SECRET), {
      code: 0,
      stdout: `{"seq":${await fx.db.maxLedgerSeq()}}\n`,
      stderr: "",
    });
    assert.equal((await fx.ledger()).at(-1), 'DELETE FROM demo___users WHERE "id" = 7');
  });
});

Deno.test("mutate and delete-row refuse bad values in one line, before or from the executive", async () => {
  await withSqliteExecutive({}, async (fx) => {
    const flags = await setUp(fx);
    const cases: [string[], Record<string, string>, string][] = [
      [["mutate", ...flags], SECRET, "missing required flag -set or -row"],
      [["delete-row", ...flags], SECRET, "missing required flag -key"],
      [
        ["mutate", ...flags, "-set", "novalue"],
        SECRET,
        "error: invalid -set 'novalue': expected name=value or name:=<json>",
      ],
      [
        ["mutate", ...flags, "-set", "=1"],
        SECRET,
        "error: invalid -set '=1': expected name=value or name:=<json>",
      ],
      [["mutate", ...flags, "-set", "x:={"], SECRET, "error: invalid -set 'x:={': "],
      [["mutate", ...flags, "-row", "[1]"], SECRET, "error: invalid -row: expected a JSON object"],
      [["mutate", ...flags, "-row", "{"], SECRET, "error: invalid -row: "],
      [
        ["mutate", ...flags, "-set", "id=1"],
        { CTLSTORE_SECRET: "wrong" },
        "error: could not apply mutations: server returned [401]: Writer not found",
      ],
      [
        ["mutate", ...flags, "-set", "id=1"],
        SECRET,
        "error: could not apply mutations: server returned [400]: Missing field name",
      ],
      [
        ["delete-row", ...flags, "-key", "id=x"],
        SECRET,
        "error: could not apply mutations: server returned [400]: field 'id': expected an integer, got string",
      ],
    ];
    for (const [args, env, message] of cases) {
      const result = await ctl(args, env);
      assert.deepEqual([result.code, result.stdout], [1, ""], args.join(" "));
      assert.ok(result.stderr.includes(message), `${args.join(" ")}: ${result.stderr}`);
      assert.equal(result.stderr.split("\n").length, 2, `one line: ${result.stderr}`);
    }
    assert.equal(await fx.db.maxLedgerSeq(), 1, "only the table's creation is in the ledger");
  });
});
