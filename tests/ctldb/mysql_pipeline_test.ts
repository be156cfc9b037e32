import assert from "node:assert/strict";
import { type Ctldb, CtldbError, openCtldb } from "../../lib/ctldb/mod.ts";
import { inlineParams } from "../../lib/ctldb/_pipeline.ts";
import { sqlLiteral } from "../../lib/schema/mod.ts";
import { freshMysqlDatabase, mysqlTest } from "../_helpers/mysql.ts";

async function withCtldb(fn: (ctldb: Ctldb) => Promise<void>): Promise<void> {
  await using database = await freshMysqlDatabase();
  const ctldb = await openCtldb(database.dsn);
  try {
    await ctldb.ensureSchema();
    await ctldb.execDdl('CREATE TABLE f___t ("id" BIGINT PRIMARY KEY, "name" VARCHAR(191))');
    await fn(ctldb);
  } finally {
    await ctldb.close();
  }
}

Deno.test("inlineParams writes each parameter as the ledger's literal, leaving quoted ? alone", () => {
  assert.equal(
    inlineParams(`SELECT ? AS a, '?' AS "b?", \`c?\` FROM t WHERE x = ? AND y IN (?, ?, ?)`, [
      "it's",
      new Uint8Array([0xde, 0xad]),
      9007199254740993n,
      null,
      true,
    ], sqlLiteral),
    `SELECT 'it''s' AS a, '?' AS "b?", \`c?\` FROM t WHERE x = x'dead' AND y IN ` +
      `(9007199254740993, NULL, true)`,
  );
  assert.equal(inlineParams("SELECT ?", ["a\\'b"], sqlLiteral), `SELECT 'a\\''b'`);
  assert.throws(
    () => inlineParams("SELECT ?, ?", [1], sqlLiteral),
    /more placeholders than parameters/,
  );
  assert.throws(
    () => inlineParams("SELECT ?", [1, 2], sqlLiteral),
    /more parameters than placeholders/,
  );
});

mysqlTest("mysql: statements issued back to back in a transaction settle one by one", async () => {
  await withCtldb(async (ctldb) => {
    const results = await ctldb.transaction(async (tx) => {
      const issued = [
        tx.exec(`REPLACE INTO f___t ("id", "name") VALUES (1, 'a'), (2, 'b')`),
        tx.query<{ n: number }>("SELECT COUNT(*) AS n FROM f___t"),
        tx.exec('DELETE FROM f___t WHERE "id" = ?', [2]),
        tx.query<{ name: string }>("SELECT name FROM f___t WHERE name = ?", ["a"]),
      ] as const;
      return await Promise.all(issued);
    });
    assert.equal(results[0].affectedRows, 2);
    assert.equal(Number(results[1][0]!.n), 2);
    assert.equal(results[2].affectedRows, 1);
    assert.deepEqual(results[3], [{ name: "a" }]);
    assert.deepEqual(await ctldb.query("SELECT id, name FROM f___t"), [{ id: 1, name: "a" }]);
  });
});

mysqlTest(
  "mysql: a failed statement rejects the ones sent with it after it, which do not run and take no seq",
  async () => {
    await withCtldb(async (ctldb) => {
      const settled = await ctldb.transaction(async (tx) => {
        const issued = [
          tx.exec(`REPLACE INTO f___t ("id", "name") VALUES (1, 'a')`),
          tx.exec(`REPLACE INTO f___t ("id", "name") VALUES (2, '${"x".repeat(192)}')`),
          tx.exec(`REPLACE INTO f___t ("id", "name") VALUES (3, 'c')`),
          tx.exec(`INSERT INTO ctlstore_dml_ledger (statement) VALUES ('x')`),
        ];
        const outcomes = await Promise.allSettled(issued);
        // The transaction goes on after a failed statement, as on a connection without pipelining.
        assert.deepEqual(
          await tx.query("SELECT id FROM f___t ORDER BY id"),
          [{ id: 1 }],
        );
        return outcomes;
      });
      assert.deepEqual(settled.map((s) => s.status), [
        "fulfilled",
        "rejected",
        "rejected",
        "rejected",
      ]);
      const [, failed, skipped] = settled as PromiseRejectedResult[];
      assert.ok(failed!.reason instanceof CtldbError);
      assert.equal(skipped!.reason, failed!.reason);
      assert.deepEqual(await ctldb.query("SELECT id FROM f___t"), [{ id: 1 }]);
      // No ledger seq was consumed by the insert that did not run.
      await ctldb.exec("INSERT INTO ctlstore_dml_ledger (statement) VALUES ('y')");
      assert.equal(await ctldb.maxLedgerSeq(), 1);
    });
  },
);
