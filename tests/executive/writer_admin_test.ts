import assert from "node:assert/strict";
import { eachCtldb, type ExecutiveFixture, mutate, row, setupMyTable } from "./_fixture.ts";

const TOKEN = "writer-admin-token";
const AUTH = { authorization: `Bearer ${TOKEN}` };
const SECRET_REQUIRED =
  "Unauthorized: changing or removing a writer requires its current secret (ctlstore-secret)";
const TOKEN_REQUIRED = "Unauthorized: this route requires the admin token";

function as(secret: string): Record<string, string> {
  return { "ctlstore-writer": "mywriter", "ctlstore-secret": secret };
}

async function storedSecrets(fx: ExecutiveFixture): Promise<string[]> {
  const rows = await fx.db.query<{ secret: string }>("SELECT secret FROM mutators");
  return rows.map((r) => r.secret);
}

eachCtldb(
  "PUT /writers/:writer with the current secret changes the secret and keeps the cookie",
  {},
  async (fx) => {
    await setupMyTable(fx);
    await fx.call("POST", "/cookie", { headers: as("mysecret"), body: "checkpoint-7" });
    const rotate = await fx.call("PUT", "/writers/mywriter", {
      headers: { "ctlstore-secret": "mysecret" },
      body: "newsecret",
    });
    assert.deepEqual([rotate.status, rotate.text], [200, ""]);
    const old = await mutate(fx, { mutations: [row(1, "a")] }, as("mysecret"));
    assert.deepEqual([old.status, old.text], [401, "Writer not found"]);
    assert.equal((await mutate(fx, { mutations: [row(1, "a")] }, as("newsecret"))).status, 200);
    // The heartbeat's start-up: registering with the new secret now succeeds, the old one is refused.
    assert.equal((await fx.call("POST", "/writers/mywriter", { body: "newsecret" })).status, 200);
    const stale = await fx.call("POST", "/writers/mywriter", { body: "mysecret" });
    assert.equal(stale.status, 409);
    await fx.call("POST", "/cookie", { headers: as("newsecret"), body: "checkpoint-8" });
    const rotateAgain = await fx.call("PUT", "/writers/mywriter", {
      headers: { "ctlstore-secret": "newsecret" },
      body: "thirdsecret",
    });
    assert.equal(rotateAgain.status, 200, rotateAgain.text);
    const cookie = await fx.call("GET", "/cookie", { headers: as("thirdsecret") });
    assert.deepEqual([cookie.status, cookie.text], [200, "checkpoint-8"]);
  },
);

eachCtldb(
  "without an admin token, changing or removing a writer needs its current secret",
  {},
  async (fx) => {
    await setupMyTable(fx);
    const before = await storedSecrets(fx);
    const wrong: [string, Record<string, string>][] = [
      ["no secret", {}],
      ["a wrong secret", { "ctlstore-secret": "not-it" }],
      ["an admin token nobody configured", { authorization: "Bearer guess" }],
    ];
    for (const [who, headers] of wrong) {
      const rotate = await fx.call("PUT", "/writers/mywriter", { headers, body: "newsecret" });
      assert.deepEqual([rotate.status, rotate.text], [401, SECRET_REQUIRED], `rotate, ${who}`);
      const remove = await fx.call("DELETE", "/writers/mywriter", { headers });
      assert.deepEqual([remove.status, remove.text], [401, SECRET_REQUIRED], `delete, ${who}`);
    }
    assert.deepEqual(await storedSecrets(fx), before, "nothing changed");
  },
);

eachCtldb(
  "with an admin token, only the token changes or removes a writer",
  { adminToken: TOKEN },
  async (fx) => {
    await setupMyTable(fx, AUTH);
    const before = await storedSecrets(fx);
    const attempts: [string, Record<string, string>][] = [
      ["the current secret", { "ctlstore-secret": "mysecret" }],
      ["a wrong token", { authorization: "Bearer wrong", "ctlstore-secret": "mysecret" }],
    ];
    for (const [who, headers] of attempts) {
      const rotate = await fx.call("PUT", "/writers/mywriter", { headers, body: "newsecret" });
      assert.deepEqual([rotate.status, rotate.text], [401, TOKEN_REQUIRED], `rotate, ${who}`);
      const remove = await fx.call("DELETE", "/writers/mywriter", { headers });
      assert.deepEqual([remove.status, remove.text], [401, TOKEN_REQUIRED], `delete, ${who}`);
    }
    assert.deepEqual(await storedSecrets(fx), before, "nothing changed");
    // The operator does not need the old secret, which may be lost.
    const rotate = await fx.call("PUT", "/writers/mywriter", { headers: AUTH, body: "newsecret" });
    assert.deepEqual([rotate.status, rotate.text], [200, ""]);
    assert.equal((await mutate(fx, { mutations: [row(1, "a")] }, as("newsecret"))).status, 200);
    const remove = await fx.call("DELETE", "/writers/mywriter", { headers: AUTH });
    assert.deepEqual([remove.status, remove.text], [200, ""]);
    assert.deepEqual(await storedSecrets(fx), []);
  },
);

eachCtldb(
  "changing or removing a writer answers 400 for bad names and secrets, 404 for unknown writers",
  { adminToken: TOKEN },
  async (fx) => {
    await setupMyTable(fx, AUTH);
    const cases: [string, string, string | undefined, number, string][] = [
      ["PUT", "/writers/ab", "newsecret", 400, "Writer names must be at least 3 characters"],
      ["DELETE", "/writers/ab", undefined, 400, "Writer names must be at least 3 characters"],
      ["PUT", "/writers/mywriter", "ab", 400, "Secret should be at least 3 characters"],
      ["PUT", "/writers/mywriter", "s".repeat(101), 400, "Secret can be at most 100 characters"],
      ["PUT", "/writers/nobody", "newsecret", 404, "Writer not found"],
      ["DELETE", "/writers/nobody", undefined, 404, "Writer not found"],
    ];
    for (const [method, path, body, status, text] of cases) {
      const options = body === undefined ? { headers: AUTH } : { headers: AUTH, body };
      const reply = await fx.call(method, path, options);
      assert.deepEqual([reply.status, reply.text], [status, text], `${method} ${path} ${body}`);
    }
  },
);

eachCtldb(
  "DELETE /writers/:writer removes the writer's limit and usage, so a new one starts afresh",
  {},
  async (fx) => {
    await setupMyTable(fx);
    const limit = await fx.call("POST", "/limits/writers/mywriter", {
      body: JSON.stringify({ amount: 1, period: "1m" }),
    });
    assert.equal(limit.status, 200, limit.text);
    assert.equal((await mutate(fx, { mutations: [row(1, "a")] })).status, 200);
    assert.equal((await mutate(fx, { mutations: [row(2, "b")] })).status, 429);
    const remove = await fx.call("DELETE", "/writers/mywriter", { headers: as("mysecret") });
    assert.deepEqual([remove.status, remove.text], [200, ""]);
    for (const table of ["mutators", "max_writer_rates", "writer_usage"]) {
      const rows = await fx.db.query(`SELECT * FROM ${table}`);
      assert.equal(rows.length, 0, table);
    }
    const old = await mutate(fx, { mutations: [row(2, "b")] }, as("mysecret"));
    assert.deepEqual([old.status, old.text], [401, "Writer not found"]);
    assert.equal((await fx.call("POST", "/writers/mywriter", { body: "othersecret" })).status, 200);
    const cookie = await fx.call("GET", "/cookie", { headers: as("othersecret") });
    assert.equal(cookie.text, "bXl3cml0ZXJr78i4SIyr4zsdDOct1IIyE8Q4nynkrHGKUWy1CpO4kg==");
    for (const id of [2, 3]) {
      const reply = await mutate(fx, { mutations: [row(id, "b")] }, as("othersecret"));
      assert.equal(reply.status, 200, `mutation ${id} under the default limit: ${reply.text}`);
    }
  },
);
