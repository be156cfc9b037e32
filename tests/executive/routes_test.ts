import assert from "node:assert/strict";
import { createLogger } from "../../lib/log/mod.ts";
import {
  eachCtldb,
  eachServerCtldb,
  mutate,
  row,
  setupMyTable,
  withSqliteExecutive,
  WRITER_HEADERS,
} from "./_fixture.ts";

const TOKEN = "s3cr3t-admin-token";
const AUTH = { authorization: `Bearer ${TOKEN}` };

eachCtldb(
  "with an admin token, admin routes need the bearer token",
  { adminToken: TOKEN },
  async (fx) => {
    const denied: [string, string][] = [
      ["POST", "/families/myfamily"],
      ["POST", "/families/myfamily/tables/mytable"],
      ["PUT", "/families/myfamily/tables/mytable"],
      ["DELETE", "/families/myfamily/tables/mytable"],
      ["POST", "/tables"],
      ["GET", "/schema/table/myfamily/mytable"],
      ["GET", "/schema/family/myfamily"],
      ["GET", "/limits/tables"],
      ["POST", "/limits/tables/myfamily/mytable"],
      ["DELETE", "/limits/tables/myfamily/mytable"],
      ["GET", "/limits/writers"],
      ["POST", "/limits/writers/mywriter"],
      ["DELETE", "/limits/writers/mywriter"],
      ["DELETE", "/clear-rows/families/myfamily"],
      ["DELETE", "/clear-rows/families/myfamily/tables/mytable"],
    ];
    for (const [method, path] of denied) {
      const attempts: Record<string, string>[] = [{}, { authorization: "Bearer wrong" }, {
        authorization: TOKEN,
      }];
      for (const headers of attempts) {
        const reply = await fx.call(method, path, { headers });
        assert.equal(reply.status, 401, `${method} ${path} ${JSON.stringify(headers)}`);
        assert.match(reply.text, /admin token/);
      }
    }
    await setupMyTable(fx, AUTH);
    assert.equal((await mutate(fx, { mutations: [row(1, "a")] })).status, 200);
    assert.equal((await fx.call("GET", "/cookie", { headers: WRITER_HEADERS })).status, 200);
    assert.equal((await fx.call("GET", "/limits/tables", { headers: AUTH })).status, 200);
    for (const path of ["/status", "/healthz", "/metrics"]) {
      assert.equal((await fx.call("GET", path)).status, 200, path);
    }
  },
);

eachCtldb("bodies over 1 MiB get 413, announced or chunked", {}, async (fx) => {
  await setupMyTable(fx);
  const big = "x".repeat(1_048_577);
  for (const path of ["/families/myfamily/mutations", "/families/other", "/writers/w123"]) {
    const reply = await fx.call("POST", path, { body: big, headers: WRITER_HEADERS });
    assert.deepEqual([reply.status, reply.text], [413, "Request too large"], path);
  }
  const chunks = [new TextEncoder().encode('{"mutations":['), new Uint8Array(1_100_000).fill(32)];
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      const chunk = chunks.shift();
      if (chunk) controller.enqueue(chunk);
      else controller.close();
    },
  });
  const chunked = await fx.call("POST", "/families/myfamily/mutations", {
    body: stream,
    headers: WRITER_HEADERS,
  });
  assert.deepEqual([chunked.status, chunked.text], [413, "Request too large"]);
  assert.equal((await fx.ledger()).length, 1);
});

eachCtldb("unknown paths get 404 and wrong methods 405, as the original", {}, async (fx) => {
  const unknown = await fx.call("GET", "/nope");
  assert.deepEqual([unknown.status, unknown.text], [404, "404 page not found\n"]);
  const method = await fx.call("GET", "/families/myfamily");
  assert.deepEqual([method.status, method.text], [405, ""]);
  const status = await fx.call("GET", "/status");
  assert.deepEqual([status.status, status.text], [200, ""]);
  const health = await fx.call("GET", "/healthz");
  assert.deepEqual([health.status, health.text], [200, "ok"]);
});

eachCtldb(
  "metrics count requests and error answers by route pattern, mutations and ledger rows",
  {},
  async (fx) => {
    await setupMyTable(fx);
    await mutate(fx, { mutations: [row(1, "a"), row(2, "b")] });
    await mutate(fx, { mutations: [row(3, "c")] }, { "ctlstore-writer": "nobody" });
    await fx.call("GET", "/nope/42");
    const text = (await fx.call("GET", "/metrics")).text;
    assert.match(
      text,
      /ctlstore_executive_request_duration_seconds_count\{[^}]*route="\/families\/:family\/mutations",method="POST",status="200"\} 1/,
    );
    assert.match(text, /ctlstore_executive_request_duration_seconds_count\{[^}]*status="401"\} 1/);
    assert.match(
      text,
      /ctlstore_executive_request_errors_total\{[^}]*route="\/families\/:family\/mutations",method="POST",status="401"[^}]*\} 1/,
    );
    assert.match(
      text,
      /ctlstore_executive_request_errors_total\{[^}]*route="unmatched",method="GET",status="404"[^}]*\} 1/,
    );
    assert.doesNotMatch(text, /ctlstore_executive_request_errors_total\{[^}]*status="200"/);
    assert.match(text, /ctlstore_executive_mutations_total\{writer="mywriter"[^}]*\} 2/);
    assert.match(text, /ctlstore_executive_ledger_rows_written_total\{[^}]*\} 5/);
    assert.doesNotMatch(text, /route="\/families\/myfamily|\/nope/);
  },
);

Deno.test("secrets and tokens never reach the log", async () => {
  const lines: string[] = [];
  const logger = createLogger("executive", { debug: true, write: (line) => lines.push(line) });
  await withSqliteExecutive({ logger, adminToken: TOKEN }, async (fx) => {
    await setupMyTable(fx, AUTH);
    await mutate(fx, { mutations: [row(1, "a")] });
    await mutate(fx, { mutations: [row(1, "a")] }, {
      ...WRITER_HEADERS,
      "ctlstore-secret": "wrong-secret",
    });
    await fx.call("GET", "/limits/tables", { headers: { authorization: "Bearer guess-token" } });
  });
  assert.ok(lines.length > 0);
  for (const secret of ["mysecret", "wrong-secret", TOKEN, "guess-token"]) {
    assert.ok(!lines.some((line) => line.includes(secret)), secret);
  }
});

eachServerCtldb(
  "a request over the handler timeout gets 503 and writes nothing",
  { handlerTimeoutMs: 300 },
  async (fx) => {
    await setupMyTable(fx);
    const before = await fx.ledger();
    let release!: () => void;
    const released = new Promise<void>((resolve) => release = resolve);
    let locked!: () => void;
    const lockTaken = new Promise<void>((resolve) => locked = resolve);
    const holder = fx.db.transaction(async (tx) => {
      await tx.exec("UPDATE locks SET clock = clock + 1 WHERE id = 'ledger'");
      locked();
      await released;
      throw new Error("roll back the test's lock");
    }).catch(() => {});
    await lockTaken;
    const reply = await mutate(fx, { mutations: [row(1, "a")] });
    release();
    await holder;
    assert.equal(reply.status, 503);
    assert.match(reply.text, /timed out/);
    const metrics = (await fx.call("GET", "/metrics")).text;
    assert.match(
      metrics,
      /ctlstore_executive_request_errors_total\{[^}]*route="\/families\/:family\/mutations",method="POST",status="503"[^}]*\} 1/,
    );
    assert.match(metrics, /ctlstore_executive_errors_total\{[^}]*kind="handler-timeout"[^}]*\} 1/);
    // Taking the ledger lock waits for the timed-out transaction to finish.
    await fx.db.transaction((tx) =>
      tx.exec("UPDATE locks SET clock = clock + 1 WHERE id = 'ledger'")
    );
    assert.deepEqual(await fx.ledger(), before);
    assert.deepEqual(await fx.db.query("SELECT id FROM myfamily___mytable"), []);
  },
);
