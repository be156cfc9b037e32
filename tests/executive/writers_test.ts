import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { registerWriter } from "../../lib/executive/writers.ts";
import { eachCtldb, WRITER_HEADERS } from "./_fixture.ts";

eachCtldb(
  "registering a writer stores the hashed secret and the initial cookie",
  {},
  async (fx) => {
    const reply = await fx.call("POST", "/writers/writer1", { body: "secret1" });
    assert.equal(reply.status, 200, reply.text);
    const rows = await fx.db.query<
      { writer: string; secret: string; cookie: Uint8Array; clock: number }
    >(
      "SELECT writer, secret, cookie, clock FROM mutators",
    );
    assert.equal(rows.length, 1);
    assert.equal(rows[0]!.secret, createHash("sha256").update("secret1").digest("hex"));
    assert.equal(
      new TextDecoder().decode(rows[0]!.cookie),
      "d3JpdGVyMWvvyLhIjKvjOx0M5y3UgjITxDifKeSscYpRbLUKk7iS",
    );
    assert.equal(Number(rows[0]!.clock), 0);
    const again = await fx.call("POST", "/writers/writer1", { body: "secret1" });
    assert.equal(again.status, 200, "re-registering with the same secret succeeds");
    const other = await fx.call("POST", "/writers/writer1", { body: "secret2" });
    assert.deepEqual([other.status, other.text], [
      409,
      "Writer already exists with different credentials",
    ]);
  },
);

eachCtldb(
  "concurrent registrations of one writer with one secret all succeed",
  {},
  async (fx) => {
    // Called directly so that every existence check runs before any insert.
    const secret = new TextEncoder().encode("secret1");
    await Promise.all(Array.from({ length: 8 }, () => registerWriter(fx.db, "racer", secret)));
    const rows = await fx.db.query("SELECT writer FROM mutators");
    assert.equal(rows.length, 1);
  },
);

eachCtldb(
  "writer registration rejects bad names and secret lengths with 400",
  {},
  async (fx) => {
    const cases: [string, string, string][] = [
      ["/writers/ab", "secret", "Writer names must be at least 3 characters"],
      [`/writers/${"w".repeat(51)}`, "secret", "Writer names can only be up to 50 characters"],
      ["/writers/writer1", "ab", "Secret should be at least 3 characters"],
      ["/writers/writer1", "s".repeat(101), "Secret can be at most 100 characters"],
    ];
    for (const [path, body, message] of cases) {
      const reply = await fx.call("POST", path, { body });
      assert.deepEqual([reply.status, reply.text], [400, message], path);
    }
  },
);

eachCtldb("the cookie routes read and overwrite the cookie", {}, async (fx) => {
  await fx.call("POST", "/writers/mywriter", { body: "mysecret" });
  const initial = await fx.call("GET", "/cookie", { headers: WRITER_HEADERS });
  assert.equal(initial.status, 200);
  assert.equal(initial.text, "bXl3cml0ZXJr78i4SIyr4zsdDOct1IIyE8Q4nynkrHGKUWy1CpO4kg==");
  const set = await fx.call("POST", "/cookie", { headers: WRITER_HEADERS, body: "checkpoint-42" });
  assert.equal(set.status, 200, set.text);
  assert.equal(
    (await fx.call("GET", "/cookie", { headers: WRITER_HEADERS })).text,
    "checkpoint-42",
  );
  const same = await fx.call("POST", "/cookie", { headers: WRITER_HEADERS, body: "checkpoint-42" });
  assert.equal(same.status, 200, "setting an unchanged cookie succeeds");
  const cases: [string, Record<string, string>, string | undefined, number, string][] = [
    [
      "GET",
      { "ctlstore-writer": "nobody", "ctlstore-secret": "x" },
      undefined,
      404,
      "Writer not found",
    ],
    ["GET", { ...WRITER_HEADERS, "ctlstore-secret": "wrong" }, undefined, 404, "Writer not found"],
    ["POST", { ...WRITER_HEADERS, "ctlstore-secret": "wrong" }, "c", 404, "Writer not found"],
    ["POST", WRITER_HEADERS, "x".repeat(1025), 400, "Maximum cookie length is 1024 bytes"],
    [
      "GET",
      { "ctlstore-writer": "ab" },
      undefined,
      400,
      "Writer names must be at least 3 characters",
    ],
  ];
  for (const [method, headers, body, status, message] of cases) {
    const reply = await fx.call(
      method,
      "/cookie",
      body === undefined ? { headers } : { headers, body },
    );
    assert.deepEqual([reply.status, reply.text], [status, message], `${method} ${message}`);
  }
});
