import { deepStrictEqual as assertEquals, match, ok } from "node:assert/strict";
import { openCtldb } from "../../lib/ctldb/mod.ts";
import { type RunningReflector, startReflector } from "../../lib/reflector/mod.ts";
import { SERVER_CTLDBS, type ServerCtldb } from "../_helpers/server_ctldbs.ts";
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

/** A proxy in front of the test server and the DSN of `dsn`'s database through it. */
function proxied(server: ServerCtldb, dsn: string): { proxy: TcpProxy; dsn: string } {
  const proxy = TcpProxy.start(server.address());
  return { proxy, dsn: server.throughPort(dsn, proxy.port) };
}

/** Holds the ledger lock of `server` in another session until the returned function is called. */
async function lockLedger(server: ServerCtldb, dsn: string): Promise<() => Promise<void>> {
  const locker = await openCtldb(dsn, { poolSize: 1 });
  const locked = Promise.withResolvers<void>();
  const release = Promise.withResolvers<void>();
  const held = locker.transaction(async (tx) => {
    await tx.exec(server.ledgerLock.lock);
    locked.resolve();
    await release.promise;
    await tx.exec(server.ledgerLock.unlock);
  });
  held.catch(locked.reject);
  await locked.promise;
  return async () => {
    release.resolve();
    try {
      await held;
    } finally {
      await locker.close();
    }
  };
}

for (const server of SERVER_CTLDBS) {
  server.test(
    `a ledger that keeps timing out turns health bad, and health recovers when it answers again (${server.name})`,
    async () => {
      await using db = await server.fresh();
      await using dir = await tempDir();
      await seedLedger(db.dsn, [TABLE]);
      const reflector = await startReflector({
        ldbPath: `${dir.path}/ldb.db`,
        upstreamDriver: server.driver,
        upstreamDsn: db.dsn,
        pollIntervalMs: 20,
        pollTimeoutMs: 100,
        maxHealthyLatencyMs: 2000,
        initSnapshotMetricsPath: "",
      });
      let unlock: (() => Promise<void>) | undefined;
      try {
        await reflector.waitForSeq(1, AbortSignal.timeout(10_000));
        assertEquals(reflector.health().healthy, true, reflector.health().reason);
        // Another session's write lock makes every ledger read wait past the poll timeout.
        unlock = await lockLedger(server, db.dsn);
        await eventually("health to turn bad", () => !reflector.health().healthy);
        match(
          reflector.health().reason,
          /^upstream unavailable since .*: ledger poll timed out after 100ms$/,
        );
        match(
          await reflector.registry.metrics(),
          /errors_total\{id="ldb\.db-0",kind="poll_timeout"[^}]*\} [1-9]/,
        );
        await unlock();
        unlock = undefined;
        // A fresh write (the heartbeat's job) brings the ledger latency back under the limit.
        await seedLedger(db.dsn, [`INSERT INTO fam___tbl ("id") VALUES (1);`]);
        await eventually("health to recover", () => reflector.health().healthy);
      } finally {
        await unlock?.();
        await reflector.stop();
      }
    },
  );

  server.test(
    `after an outage rows arrive within a probe interval of the network healing, not after the backoff (${server.name})`,
    async () => {
      await using db = await server.fresh();
      await using dir = await tempDir();
      await seedLedger(db.dsn, [TABLE]);
      const { proxy, dsn } = proxied(server, db.dsn);
      await using _proxy = proxy;
      const { logger, lines } = collectingLogger();
      const backoffMs = 60_000;
      const reflector = await startReflector({
        ldbPath: `${dir.path}/ldb.db`,
        upstreamDriver: server.driver,
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

  server.test(
    `on a flapping network every outage starts the backoff small again and its failures are counted (${server.name})`,
    async () => {
      await using db = await server.fresh();
      await using dir = await tempDir();
      await seedLedger(db.dsn, [TABLE]);
      const { proxy, dsn } = proxied(server, db.dsn);
      await using _proxy = proxy;
      const { logger, lines } = collectingLogger();
      const reflector = await startReflector({
        ldbPath: `${dir.path}/ldb.db`,
        upstreamDriver: server.driver,
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
}
