import { deepStrictEqual as assertEquals, match, ok } from "node:assert/strict";
import mysql from "mysql2/promise";
import { type MysqlDsn, openCtldb, parseDsn } from "../../lib/ctldb/mod.ts";
import { type RunningReflector, startReflector } from "../../lib/reflector/mod.ts";
import { freshMysqlDatabase, mysqlTest } from "../_helpers/mysql.ts";
import { TcpProxy } from "../_helpers/tcp_proxy.ts";
import { tempDir } from "../_helpers/temp.ts";
import { collectingLogger, eventually, seedLedger } from "./_fixtures.ts";

const TABLE = `CREATE TABLE fam___tbl ("id" INTEGER, PRIMARY KEY("id"));`;

/** Failed ledger reads so far, from `/metrics` (`errors_total{kind="upstream"}`). */
async function failedReads(reflector: RunningReflector): Promise<number> {
  const text = await reflector.registry.metrics();
  const found = /ctlstore_reflector_errors_total\{[^}]*kind="upstream"[^}]*\} (\d+)/.exec(text);
  return Number(found?.[1] ?? NaN);
}

/** A proxy in front of the test MySQL server and the DSN of `dsn`'s database through it. */
function proxied(dsn: string): { proxy: TcpProxy; dsn: string } {
  const server = parseDsn(dsn) as MysqlDsn;
  const proxy = TcpProxy.start({ hostname: server.host ?? "127.0.0.1", port: server.port ?? 3306 });
  return { proxy, dsn: dsn.replace(/tcp\([^)]*\)/, `tcp(127.0.0.1:${proxy.port})`) };
}

mysqlTest(
  "a ledger that keeps timing out turns health bad, and health recovers when it answers again",
  async () => {
    await using db = await freshMysqlDatabase();
    await using dir = await tempDir();
    await seedLedger(db.dsn, [TABLE]);
    const reflector = await startReflector({
      ldbPath: `${dir.path}/ldb.db`,
      upstreamDriver: "mysql",
      upstreamDsn: db.dsn,
      pollIntervalMs: 20,
      pollTimeoutMs: 100,
      maxHealthyLatencyMs: 2000,
      initSnapshotMetricsPath: "",
    });
    const locker = await mysql.createConnection(db.url);
    try {
      await reflector.waitForSeq(1, AbortSignal.timeout(10_000));
      assertEquals(reflector.health().healthy, true, reflector.health().reason);
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
      // A fresh write (the heartbeat's job) brings the ledger latency back under the limit.
      await seedLedger(db.dsn, [`INSERT INTO fam___tbl ("id") VALUES (1);`]);
      await eventually("health to recover", () => reflector.health().healthy);
    } finally {
      await locker.end();
      await reflector.stop();
    }
  },
);

mysqlTest(
  "after an outage rows arrive within a probe interval of the network healing, not after the backoff",
  async () => {
    await using db = await freshMysqlDatabase();
    await using dir = await tempDir();
    await seedLedger(db.dsn, [TABLE]);
    const { proxy, dsn } = proxied(db.dsn);
    await using _proxy = proxy;
    const { logger, lines } = collectingLogger();
    const backoffMs = 60_000;
    const reflector = await startReflector({
      ldbPath: `${dir.path}/ldb.db`,
      upstreamDriver: "mysql",
      upstreamDsn: dsn,
      pollIntervalMs: 20,
      backoffInitialMs: backoffMs, // one failed read waits a minute…
      backoffMaxMs: backoffMs,
      upstreamProbeIntervalMs: 100, // …unless a probe finds the upstream back
      initSnapshotMetricsPath: "",
      logger,
    });
    try {
      await reflector.waitForSeq(1, AbortSignal.timeout(10_000));
      await proxy.stop();
      await eventually("a failed read", async () => await failedReads(reflector) >= 1);
      await seedLedger(db.dsn, [`INSERT INTO fam___tbl ("id") VALUES (1);`]);
      proxy.resume();
      await reflector.waitForSeq(2, AbortSignal.timeout(backoffMs / 3));
      const failures = await failedReads(reflector);
      ok(failures <= 3, `probes are not counted as failed reads: ${failures}`);
      const failed = lines.filter((line) => line.includes("ledger read failed"));
      assertEquals(failed.length, 1, failed.join("\n"));
      const recovered = lines.filter((line) => line.includes("ledger readable again"));
      assertEquals(recovered.length, 1, lines.join("\n"));
      match(recovered[0]!, new RegExp(` failures=${failures} `));
    } finally {
      await reflector.stop();
    }
  },
);

mysqlTest(
  "on a flapping network every outage starts the backoff small again and its failures are counted",
  async () => {
    await using db = await freshMysqlDatabase();
    await using dir = await tempDir();
    await seedLedger(db.dsn, [TABLE]);
    const { proxy, dsn } = proxied(db.dsn);
    await using _proxy = proxy;
    const { logger, lines } = collectingLogger();
    const reflector = await startReflector({
      ldbPath: `${dir.path}/ldb.db`,
      upstreamDriver: "mysql",
      upstreamDsn: dsn,
      pollIntervalMs: 20,
      backoffInitialMs: 50,
      backoffMaxMs: 60_000,
      upstreamProbeIntervalMs: 100,
      initSnapshotMetricsPath: "",
      logger,
    });
    const ctldb = await openCtldb(db.dsn);
    try {
      await reflector.waitForSeq(1, AbortSignal.timeout(10_000));
      for (let flap = 1; flap <= 3; flap++) {
        const before = await failedReads(reflector);
        await proxy.stop();
        // Three failed reads double the backoff to 200 ms; the next outage must start at 50 again.
        await eventually("failed reads", async () => await failedReads(reflector) >= before + 3);
        await ctldb.exec("INSERT INTO ctlstore_dml_ledger (statement) VALUES (?)", [
          `INSERT INTO fam___tbl ("id") VALUES (${flap});`,
        ]);
        proxy.resume();
        await reflector.waitForSeq(1 + flap, AbortSignal.timeout(20_000));
      }
      const firstFailures = lines.filter((line) => line.includes("ledger read failed"));
      assertEquals(firstFailures.length, 3, lines.join("\n"));
      for (const line of firstFailures) match(line, / retryInMs=50 failures=1$/);
      const recoveries = lines.filter((line) => line.includes("ledger readable again"));
      assertEquals(recoveries.length, 3, lines.join("\n"));
      const counted = recoveries.reduce(
        (sum, line) => sum + Number(/ failures=(\d+) /.exec(line)?.[1]),
        0,
      );
      assertEquals(counted, await failedReads(reflector), "every failed read is in a log line");
    } finally {
      await ctldb.close();
      await reflector.stop();
    }
  },
);
