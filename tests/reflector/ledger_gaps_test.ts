import { deepStrictEqual as assertEquals, ok } from "node:assert/strict";
import { type Ctldb, openCtldb } from "../../lib/ctldb/mod.ts";
import { startReflector } from "../../lib/reflector/mod.ts";
import { freshMysqlDatabase, mysqlTest } from "../_helpers/mysql.ts";
import { tempDir } from "../_helpers/temp.ts";
import { collectingLogger, eventually, ldbRows } from "./_fixtures.ts";

const CREATE = `CREATE TABLE fam___tbl ("id" INTEGER, "v" VARCHAR(191), PRIMARY KEY("id"));`;
const upsert = (id: number, v: string) => `REPLACE INTO fam___tbl ("id","v") VALUES(${id},'${v}')`;

async function insertLedger(ctldb: Ctldb, rows: [number, string][]): Promise<void> {
  for (const [seq, statement] of rows) {
    await ctldb.exec("INSERT INTO ctlstore_dml_ledger (seq, statement) VALUES (?, ?)", [
      seq,
      statement,
    ]);
  }
}

mysqlTest("a sequence gap that never fills is passed after the grace period", async () => {
  await using db = await freshMysqlDatabase();
  await using dir = await tempDir();
  const ctldb = await openCtldb(db.dsn);
  try {
    await ctldb.ensureSchema();
    await insertLedger(ctldb, [[1, CREATE], [2, upsert(1, "a")], [4, upsert(2, "b")]]);
    const reflector = await startReflector({
      ldbPath: `${dir.path}/ldb.db`,
      upstreamDriver: "mysql",
      upstreamDsn: db.dsn,
      pollIntervalMs: 20,
      gapGraceMs: 200,
    });
    try {
      await reflector.waitForSeq(4, AbortSignal.timeout(10_000));
      assertEquals(ldbRows(`${dir.path}/ldb.db`, "fam___tbl").map((r) => r.v), ["a", "b"]);
      assertEquals(reflector.status().caughtUp, true);
    } finally {
      await reflector.stop();
    }
  } finally {
    await ctldb.close();
  }
});

mysqlTest("a sequence gap that fills within the grace period is applied in order", async () => {
  await using db = await freshMysqlDatabase();
  await using dir = await tempDir();
  const ctldb = await openCtldb(db.dsn);
  const { logger, lines } = collectingLogger();
  try {
    await ctldb.ensureSchema();
    await insertLedger(ctldb, [[
      1,
      upsert(0, "unused").replace(
        "REPLACE INTO fam___tbl",
        "CREATE TABLE t0 (id INTEGER, v TEXT); --",
      ),
    ]]);
    const reflector = await startReflector({
      ldbPath: `${dir.path}/ldb.db`,
      upstreamDriver: "mysql",
      upstreamDsn: db.dsn,
      pollIntervalMs: 20,
      gapGraceMs: 60_000,
      logger,
    });
    try {
      await reflector.waitForSeq(1, AbortSignal.timeout(10_000));
      // seq 3 needs the table seq 2 creates: applying 3 first would fail.
      await insertLedger(ctldb, [[3, upsert(1, "after the gap")]]);
      await eventually("the gap to be seen", () => lines.some((l) => l.includes("sequence gap")));
      await insertLedger(ctldb, [[2, CREATE]]);
      await reflector.waitForSeq(3, AbortSignal.timeout(10_000));
      assertEquals(reflector.status().failing, undefined);
      ok(!lines.some((l) => l.includes("fails to apply")));
      assertEquals(ldbRows(`${dir.path}/ldb.db`, "fam___tbl").map((r) => r.v), ["after the gap"]);
    } finally {
      await reflector.stop();
    }
  } finally {
    await ctldb.close();
  }
});
