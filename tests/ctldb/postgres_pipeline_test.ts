import assert from "node:assert/strict";
import { type Ctldb, CtldbError, openCtldb } from "../../lib/ctldb/mod.ts";
import { freshPostgresDatabase, postgresTest } from "../_helpers/postgres.ts";

async function withCtldb(fn: (ctldb: Ctldb) => Promise<void>): Promise<void> {
  await using database = await freshPostgresDatabase();
  const ctldb = await openCtldb(database.dsn);
  try {
    await ctldb.ensureSchema();
    await ctldb.execDdl(
      'CREATE TABLE f___t ("id" BIGINT PRIMARY KEY, "name" VARCHAR(191), "data" BYTEA)',
    );
    await fn(ctldb);
  } finally {
    await ctldb.close();
  }
}

postgresTest(
  "postgres: statements issued back to back in a transaction settle one by one, parameters written in",
  async () => {
    await withCtldb(async (ctldb) => {
      const results = await ctldb.transaction(async (tx) => {
        const issued = [
          tx.exec(`INSERT INTO f___t ("id", "name") VALUES (1, 'a'), (2, 'b')`),
          tx.query<{ n: number }>("SELECT COUNT(*) AS n FROM f___t"),
          tx.exec('DELETE FROM f___t WHERE "id" = ?', [2]),
          tx.exec('INSERT INTO f___t ("id", "name", "data") VALUES (?, ?, ?)', [
            9007199254740993n,
            "it's ? here",
            new Uint8Array([0xde, 0xad]),
          ]),
          tx.query<{ id: unknown }>(
            'SELECT "id" FROM f___t WHERE "name" = ? AND ? = 1',
            ["it's ? here", true],
          ),
        ] as const;
        return await Promise.all(issued);
      });
      assert.equal(results[0].affectedRows, 2);
      assert.equal(Number(results[1][0]!.n), 2);
      assert.equal(results[2].affectedRows, 1);
      assert.equal(results[3].affectedRows, 1);
      assert.deepEqual(results[4], [{ id: 9007199254740993n }]);
      const [row] = await ctldb.query<{ data: Uint8Array }>(
        'SELECT "data" FROM f___t WHERE "id" = 9007199254740993',
      );
      assert.deepEqual([...row!.data], [0xde, 0xad]);
    });
  },
);

postgresTest(
  "postgres: statements issued back to back travel as one query",
  async () => {
    await withCtldb(async (ctldb) => {
      const marker = `pipeline_${crypto.randomUUID().slice(0, 8)}`;
      const done = ctldb.transaction(async (tx) => {
        await Promise.all([
          tx.query(`SELECT pg_sleep(0.5) AS ${marker}`),
          tx.query("SELECT 2 AS second"),
        ]);
      });
      let finished = false;
      void done.finally(() => finished = true).catch(() => {});
      let seen: string | undefined;
      while (seen === undefined && !finished) {
        const [row] = await ctldb.query<{ query: string }>(
          "SELECT query FROM pg_stat_activity WHERE query LIKE ? AND pid <> pg_backend_pid()",
          [`%${marker}%`],
        );
        seen = row?.query;
      }
      await done;
      assert.match(seen ?? "(never seen running)", new RegExp(`${marker};\\s*SELECT 2 AS second`));
    });
  },
);

postgresTest(
  "postgres: a failed statement rejects the ones sent with it, which take no seq, and the transaction rolls back",
  async () => {
    await withCtldb(async (ctldb) => {
      let settled: PromiseSettledResult<unknown>[] = [];
      await assert.rejects(
        ctldb.transaction(async (tx) => {
          settled = await Promise.allSettled([
            tx.exec(`INSERT INTO f___t ("id", "name") VALUES (1, 'a')`),
            tx.exec(`INSERT INTO f___t ("id", "name") VALUES (2, '${"x".repeat(192)}')`),
            tx.exec(`INSERT INTO ctlstore_dml_ledger (statement) VALUES ('x')`),
          ]);
          // A failed statement aborts a PostgreSQL transaction: what comes next fails too.
          await tx.query("SELECT 1");
        }),
        CtldbError,
      );
      assert.deepEqual(settled.map((s) => s.status), ["rejected", "rejected", "rejected"]);
      const reasons = (settled as PromiseRejectedResult[]).map((s) => s.reason);
      assert.ok(reasons[0] instanceof CtldbError);
      assert.ok(reasons.every((reason) => reason === reasons[0]));
      assert.deepEqual(await ctldb.query("SELECT id FROM f___t"), []);
      // The ledger insert after the failure did not run: the next row takes seq 1.
      await ctldb.exec("INSERT INTO ctlstore_dml_ledger (statement) VALUES ('y')");
      assert.equal(await ctldb.maxLedgerSeq(), 1);
    });
  },
);
