import assert from "node:assert/strict";
import { openCtldb } from "../../lib/ctldb/mod.ts";
import { startExecutive } from "../../lib/executive/mod.ts";
import { SERVER_CTLDBS } from "../_helpers/server_ctldbs.ts";
import { TcpProxy } from "../_helpers/tcp_proxy.ts";
import { MYTABLE, WRITER_HEADERS } from "./_fixture.ts";

function upsert(base: string, id: number) {
  return fetch(`${base}/families/myfamily/mutations`, {
    method: "POST",
    headers: WRITER_HEADERS,
    body: JSON.stringify({
      mutations: [0, 1, 2].map((i) => ({
        table: "mytable",
        values: { id: id * 10 + i, name: "n", data: null },
      })),
    }),
  }).then(async (r) => ({ status: r.status, text: await r.text() }));
}

/** Every BEGIN is followed by its statements and a COMMIT; rows match the ledger's upserts. */
function checkLedger(statements: string[], rowIds: number[]): void {
  let open = false;
  const ids = new Set<number>();
  for (const statement of statements) {
    if (statement === "--- BEGIN") {
      assert.ok(!open, "nested BEGIN");
      open = true;
    } else if (statement === "--- COMMIT") {
      assert.ok(open, "COMMIT without BEGIN");
      open = false;
    } else {
      const match = /^REPLACE INTO myfamily___mytable \("id","name","data"\) VALUES\((\d+),/.exec(
        statement,
      );
      if (match) ids.add(Number(match[1]));
    }
  }
  assert.ok(!open, "unterminated transaction in the ledger");
  assert.deepEqual([...rowIds].sort((a, b) => a - b), [...ids].sort((a, b) => a - b));
}

for (const server of SERVER_CTLDBS) {
  server.test(
    `when the ctldb becomes unreachable requests get 503, and it recovers by itself (${server.name})`,
    async () => {
      await using database = await server.fresh();
      await using proxy = TcpProxy.start(server.address());
      const dsn = server.throughPort(database.dsn, proxy.port);
      const direct = await openCtldb(database.dsn);
      const executive = await startExecutive({ bind: "127.0.0.1:0", ctldb: dsn });
      try {
        const base = `http://127.0.0.1:${executive.address!.port}`;
        const post = (path: string, body?: string) =>
          fetch(base + path, { method: "POST", body }).then(async (r) => ({
            status: r.status,
            text: await r.text(),
          }));
        assert.equal((await post("/families/myfamily")).status, 200);
        assert.equal((await post("/writers/mywriter", "mysecret")).status, 200);
        assert.equal(
          (await post("/families/myfamily/tables/mytable", JSON.stringify(MYTABLE))).status,
          200,
        );
        assert.equal((await upsert(base, 1)).status, 200);

        // Cut connectivity while requests are in flight.
        const inFlight = Array.from({ length: 40 }, (_, i) => upsert(base, 100 + i));
        await new Promise((resolve) => setTimeout(resolve, 5));
        await proxy.stop();
        const results = await Promise.all(inFlight);
        for (const result of results) assert.ok([200, 503].includes(result.status), result.text);

        const down = await upsert(base, 2);
        assert.equal(down.status, 503);
        assert.match(down.text, /ctldb unavailable/);
        assert.equal((await post("/families/other")).status, 503);
        assert.equal(
          (await post("/families/myfamily/tables/second", JSON.stringify(MYTABLE))).status,
          503,
        );
        const health = await fetch(`${base}/healthz`);
        assert.equal(health.status, 503);
        await health.body?.cancel();
        assert.equal(
          await fetch(`${base}/status`).then((r) => r.body?.cancel().then(() => r.status)),
          200,
        );

        proxy.resume();
        let recovered = await upsert(base, 3);
        for (let i = 0; i < 20 && recovered.status !== 200; i++) {
          await new Promise((resolve) => setTimeout(resolve, 100));
          recovered = await upsert(base, 3);
        }
        assert.equal(recovered.status, 200, recovered.text);

        const statements = (await direct.query<{ statement: string }>(
          "SELECT statement FROM ctlstore_dml_ledger ORDER BY seq",
        )).map((r) => r.statement);
        const rows = (await direct.query<{ id: number }>("SELECT id FROM myfamily___mytable")).map((
          r,
        ) => Number(r.id));
        checkLedger(statements, rows);
        assert.ok(
          !statements.some((s) => s.includes("second")),
          "the table created during the outage",
        );
        const accepted = results.filter((r) => r.status === 200).length;
        assert.equal(rows.length, 3 * (2 + accepted));
      } finally {
        await executive.stop();
        await direct.close();
      }
    },
  );

  server.test(
    `an executive started while the ctldb is unreachable answers 503 and serves once it returns (${server.name})`,
    async () => {
      await using database = await server.fresh();
      await using proxy = TcpProxy.start(server.address());
      await proxy.stop();
      const dsn = server.throughPort(database.dsn, proxy.port);
      const executive = await startExecutive({ bind: "127.0.0.1:0", ctldb: dsn });
      try {
        const base = `http://127.0.0.1:${executive.address!.port}`;
        const call = (method: string, path: string, body?: string) =>
          fetch(base + path, { method, body }).then(async (r) => ({
            status: r.status,
            text: await r.text(),
          }));
        assert.equal((await call("GET", "/status")).status, 200);
        const health = await call("GET", "/healthz");
        assert.equal(health.status, 503);
        assert.match(health.text, /^ctldb unavailable: /);
        const write = await call("POST", "/families/myfamily");
        assert.equal(write.status, 503);
        assert.match(write.text, /^ctldb unavailable: /);
        assert.equal((await upsert(base, 1)).status, 503);

        proxy.resume();
        let ready = await call("GET", "/healthz");
        for (let i = 0; i < 100 && ready.status !== 200; i++) {
          await new Promise((resolve) => setTimeout(resolve, 100));
          ready = await call("GET", "/healthz");
        }
        assert.equal(ready.status, 200, ready.text);
        // The schema was created when the database came back: the whole write path works.
        assert.equal((await call("POST", "/families/myfamily")).status, 200);
        assert.equal((await call("POST", "/writers/mywriter", "mysecret")).status, 200);
        assert.equal(
          (await call("POST", "/families/myfamily/tables/mytable", JSON.stringify(MYTABLE))).status,
          200,
        );
        const written = await upsert(base, 2);
        assert.equal(written.status, 200, written.text);
      } finally {
        await executive.stop();
      }
    },
  );
}
