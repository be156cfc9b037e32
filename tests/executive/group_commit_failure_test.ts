import assert from "node:assert/strict";
import {
  type Ctldb,
  type CtldbSession,
  CtldbUnavailableError,
  openCtldb,
} from "../../lib/ctldb/mod.ts";
import { startExecutive } from "../../lib/executive/mod.ts";
import { freshMysqlDatabase, mysqlTest } from "../_helpers/mysql.ts";
import { TcpProxy } from "../_helpers/tcp_proxy.ts";
import { eachCtldb } from "./_fixture.ts";
import {
  credentials,
  FAMILY,
  FIXED,
  ok,
  rowStatement,
  setup,
  upsert,
  WRITERS,
} from "./_group_commit.ts";

/** `db` with one method replaced. */
function overriding<K extends keyof Ctldb>(db: Ctldb, name: K, method: Ctldb[K]): Ctldb {
  return new Proxy(db, {
    get(target, property) {
      if (property === name) return method;
      const value = Reflect.get(target, property, target);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}

/** `db` whose next transaction fails at its commit: everything in it rolls back. */
function failingNextCommit(db: Ctldb): { db: Ctldb; arm(): void } {
  let armed = false;
  const transaction = async <T>(fn: (tx: CtldbSession) => Promise<T>): Promise<T> => {
    if (!armed) return await db.transaction(fn);
    armed = false;
    return await db.transaction(async (tx) => {
      await fn(tx);
      throw new CtldbUnavailableError("ctldb unavailable: connection lost during COMMIT");
    });
  };
  return {
    db: overriding(db, "transaction", transaction),
    arm: () => {
      armed = true;
    },
  };
}

eachCtldb(
  "a batch whose commit fails answers each of its requests with 503 and writes none of them",
  FIXED,
  async (fx) => {
    const after = await setup(fx);
    const faulty = failingNextCommit(fx.db);
    const executive = await startExecutive({
      bind: "127.0.0.1:0",
      ctldb: fx.dsn,
      db: faulty.db,
      ...FIXED,
    });
    try {
      const base = `http://127.0.0.1:${executive.address!.port}`;
      faulty.arm();
      const requests = 32;
      const replies = await Promise.all(
        Array.from({ length: requests }, async (_, i) => {
          const writer = `wr${i % WRITERS}`;
          const response = await fetch(`${base}/families/${FAMILY}/mutations`, {
            method: "POST",
            headers: credentials(writer),
            body: JSON.stringify({
              cookie: btoa(String.fromCharCode(i)),
              mutations: [upsert(2 * i + 1, writer), upsert(2 * i + 2, writer)],
            }),
          });
          return { i, writer, status: response.status, text: await response.text() };
        }),
      );
      const failed = replies.filter((r) => r.status !== 200);
      assert.ok(failed.length > 0, "the failing batch had requests");
      for (const reply of failed) {
        assert.equal(reply.status, 503, reply.text);
        assert.match(reply.text, /connection lost during COMMIT/);
      }
      const written = replies.filter((r) => r.status === 200);
      const ledger = (await fx.ledgerRows()).filter((r) => r.seq > after);
      assert.equal(ledger.length, written.length * 4, "the failed batch wrote no ledger rows");
      const stored = await fx.db.query<{ id: number }>(`SELECT id FROM ${FAMILY}___rows`);
      assert.deepEqual(
        stored.map((r) => Number(r.id)).sort((a, b) => a - b),
        written.flatMap((r) => [2 * r.i + 1, 2 * r.i + 2]).sort((a, b) => a - b),
      );
      const usage = await fx.db.query<{ amount: number }>("SELECT amount FROM writer_usage");
      assert.equal(usage.reduce((sum, u) => sum + Number(u.amount), 0), written.length * 2);
      // The failed batch's cookies were rolled back with it.
      for (let w = 0; w < WRITERS; w++) {
        const cookie = await fx.call("GET", "/cookie", { headers: credentials(`wr${w}`) });
        const mine = replies.filter((r) => r.writer === `wr${w}`);
        const expected = mine.filter((r) => r.status === 200).map((r) => String.fromCharCode(r.i));
        if (expected.length > 0) assert.ok(expected.includes(cookie.text), `cookie of w${w}`);
        else assert.ok(!mine.some((r) => String.fromCharCode(r.i) === cookie.text));
      }
    } finally {
      await executive.stop();
    }
  },
);

mysqlTest(
  "requests waiting for the ledger lock when the ctldb goes away all get 503 and none is written",
  async () => {
    await using database = await freshMysqlDatabase();
    await using proxy = TcpProxy.start({ hostname: "127.0.0.1", port: 3306 });
    const direct = await openCtldb(database.dsn);
    const executive = await startExecutive({
      bind: "127.0.0.1:0",
      ctldb: database.dsn.replace(/tcp\([^)]*\)/, `tcp(127.0.0.1:${proxy.port})`),
      ...FIXED,
    });
    try {
      const base = `http://127.0.0.1:${executive.address!.port}`;
      const call = (method: string, path: string, body?: string, writer = "wr0") =>
        fetch(base + path, { method, body, headers: credentials(writer) }).then(async (r) => ({
          status: r.status,
          text: await r.text(),
        }));
      await ok(call("POST", `/families/${FAMILY}`));
      const table = { fields: [["id", "integer"], ["writer", "string"]], keyFields: ["id"] };
      await ok(call("POST", `/families/${FAMILY}/tables/rows`, JSON.stringify(table)));
      for (let w = 0; w < WRITERS; w++) await ok(call("POST", `/writers/wr${w}`, `secret-wr${w}`));
      const upsertBy = (id: number) => {
        const writer = `wr${id % WRITERS}`;
        return call(
          "POST",
          `/families/${FAMILY}/mutations`,
          JSON.stringify({ mutations: [upsert(id, writer)] }),
          writer,
        );
      };
      await ok(upsertBy(1));
      const before = await direct.maxLedgerSeq();

      // Another connection holds the ledger lock, so no batch can commit; then the executive
      // loses the ctldb while its requests wait.
      const replies = await direct.transaction(async (tx) => {
        await tx.exec("UPDATE locks SET clock = clock + 1 WHERE id = 'ledger'");
        const waiting = Array.from({ length: 24 }, (_, i) => upsertBy(100 + i));
        await new Promise((resolve) => setTimeout(resolve, 200));
        await proxy.stop();
        return await Promise.all(waiting);
      });
      for (const reply of replies) assert.equal(reply.status, 503, reply.text);

      proxy.resume();
      let recovered = await upsertBy(2);
      for (let i = 0; i < 50 && recovered.status !== 200; i++) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        recovered = await upsertBy(2);
      }
      assert.equal(recovered.status, 200, recovered.text);
      const ledger = await direct.readLedger(before, 100);
      assert.deepEqual(ledger.map((r) => r.statement), [rowStatement(2, "wr2")]);
      const stored = await direct.query<{ id: number }>(`SELECT id FROM ${FAMILY}___rows`);
      assert.deepEqual(stored.map((r) => Number(r.id)).sort((a, b) => a - b), [1, 2]);
    } finally {
      await executive.stop();
      await direct.close();
    }
  },
);

eachCtldb(
  "a request that times out while its batch is being written is left out of the commit",
  FIXED,
  async (fx) => {
    const after = await setup(fx);
    // The first ledger insert takes longer than the request may: the request times out after
    // its batch decided to accept it and before the commit.
    let slow = true;
    const db = overriding(fx.db, "appendLedger", async (session, statements) => {
      if (slow) {
        slow = false;
        await new Promise((resolve) => setTimeout(resolve, 600));
      }
      return await fx.db.appendLedger(session, statements);
    });
    const executive = await startExecutive({
      bind: "127.0.0.1:0",
      ctldb: fx.dsn,
      db,
      ...FIXED,
      handlerTimeoutMs: 200,
    });
    try {
      const response = await fetch(
        `http://127.0.0.1:${executive.address!.port}/families/${FAMILY}/mutations`,
        {
          method: "POST",
          headers: credentials("wr0"),
          body: JSON.stringify({ cookie: "AQ==", mutations: [upsert(1, "wr0")] }),
        },
      );
      assert.equal(response.status, 503);
      assert.match(await response.text(), /timed out/);
      // The next ledger transaction waits for the batch to be done with.
      await fx.db.transaction((tx) =>
        tx.exec("UPDATE locks SET clock = clock + 1 WHERE id = 'ledger'")
      );
      assert.equal(await fx.db.maxLedgerSeq(), after);
      assert.deepEqual(await fx.db.query(`SELECT id FROM ${FAMILY}___rows`), []);
      assert.deepEqual(await fx.db.query("SELECT amount FROM writer_usage"), []);
      const cookie = await fx.call("GET", "/cookie", { headers: credentials("wr0") });
      assert.notEqual(cookie.text, "\x01");
    } finally {
      await executive.stop();
    }
  },
);
