import { deepStrictEqual as assertEquals, match } from "node:assert/strict";
import mysql from "mysql2/promise";
import { startReflector } from "../../lib/reflector/mod.ts";
import { freshMysqlDatabase, mysqlTest } from "../_helpers/mysql.ts";
import { tempDir } from "../_helpers/temp.ts";
import { eventually, seedLedger } from "./_fixtures.ts";

mysqlTest(
  "a ledger that keeps timing out turns health bad, and health recovers when it answers again",
  async () => {
    await using db = await freshMysqlDatabase();
    await using dir = await tempDir();
    await seedLedger(db.dsn, [`CREATE TABLE fam___tbl ("id" INTEGER, PRIMARY KEY("id"));`]);
    const reflector = await startReflector({
      ldbPath: `${dir.path}/ldb.db`,
      upstreamDriver: "mysql",
      upstreamDsn: db.dsn,
      pollIntervalMs: 20,
      pollTimeoutMs: 100,
      maxHealthyLatencyMs: 300,
      initSnapshotMetricsPath: "",
    });
    const locker = await mysql.createConnection(db.url);
    try {
      await reflector.waitForSeq(1, AbortSignal.timeout(10_000));
      assertEquals(reflector.health().healthy, true);
      // Another session's write lock makes every ledger read wait past the poll timeout.
      await locker.query("LOCK TABLES ctlstore_dml_ledger WRITE");
      await eventually("health to turn bad", () => !reflector.health().healthy);
      match(
        reflector.health().reason,
        /^upstream unavailable since .*: ledger poll timed out after 100ms$/,
      );
      match(
        await reflector.registry.metrics(),
        /errors_total\{id="ldb\.db-0",kind="poll_timeout"[^}]*\} [1-9]/,
      );
      await locker.query("UNLOCK TABLES");
      await eventually("health to recover", () => reflector.health().healthy);
    } finally {
      await locker.end();
      await reflector.stop();
    }
  },
);
