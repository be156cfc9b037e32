import { deepStrictEqual as assertEquals, match } from "node:assert/strict";
import { evaluateHealth, type ReflectorStatus, startReflector } from "../../lib/reflector/mod.ts";
import { tempDir } from "../_helpers/temp.ts";
import { eventually, seedLedger } from "./_fixtures.ts";

const base: ReflectorStatus = {
  id: "ldb.db-0",
  ldbPath: "/tmp/ldb.db",
  running: true,
  appliedSeq: 10,
  upstreamMaxSeq: 10,
  lagStatements: 0,
  caughtUp: true,
};

Deno.test("health follows failures, upstream outages, catch-up and latency, caught up or not", () => {
  const since = new Date(Date.now() - 120_000);
  const cases: [string, Partial<ReflectorStatus>, boolean, RegExp][] = [
    [
      "caught up with a recent write",
      { ledgerLatencyMs: 5000 },
      true,
      /^caught up at seq 10, latency 5s$/,
    ],
    [
      "caught up, but no write for longer than the limit (the heartbeat stopped)",
      { ledgerLatencyMs: 90_000 },
      false,
      /^ledger latency 1m30s exceeds 1m0s; caught up at seq 10, no new ledger entries \(is the heartbeat writing\?\)$/,
    ],
    [
      "stale because the upstream cannot be read, however briefly",
      { ledgerLatencyMs: 90_000, upstreamError: { error: "ECONNREFUSED", since: new Date() } },
      false,
      /^upstream unavailable since .*: ECONNREFUSED$/,
    ],
    [
      "caught up with an empty ledger: no latency to judge",
      { appliedSeq: 0, upstreamMaxSeq: 0 },
      true,
      /^caught up at seq 0$/,
    ],
    [
      "a failing statement",
      {
        failing: {
          seq: 11,
          statement: "DELETE FROM x",
          error: "no such table: x",
          since,
          attempts: 3,
          retryInMs: 400,
        },
      },
      false,
      /^ledger seq 11 fails to apply \(3 attempts\): no such table: x; statement: DELETE FROM x$/,
    ],
    [
      "upstream down for long",
      { upstreamError: { error: "ECONNREFUSED", since } },
      false,
      /^upstream unavailable since/,
    ],
    [
      "upstream down briefly",
      { upstreamError: { error: "x", since: new Date() } },
      true,
      /^caught up/,
    ],
    [
      "behind within the limit",
      { caughtUp: false, upstreamMaxSeq: 20, lagStatements: 10, ledgerLatencyMs: 5000 },
      true,
      /^10 statements behind at seq 10, latency 5s$/,
    ],
    [
      "behind beyond the limit",
      { caughtUp: false, upstreamMaxSeq: 20, lagStatements: 10, ledgerLatencyMs: 90_000 },
      false,
      /^ledger latency 1m30s exceeds 1m0s; 10 statements behind/,
    ],
    [
      "nothing applied yet",
      { caughtUp: false, appliedSeq: 0, lagStatements: 20 },
      false,
      /^no ledger entry applied yet/,
    ],
    [
      "nothing applied yet, upstream failing",
      {
        caughtUp: false,
        appliedSeq: 0,
        upstreamMaxSeq: undefined,
        lagStatements: 0,
        upstreamError: { error: "ECONNREFUSED", since: new Date() },
      },
      false,
      /^no ledger entry applied yet; 0 statements behind at seq 0; upstream unavailable: ECONNREFUSED$/,
    ],
    ["stopped", { running: false }, false, /^reflector is not running$/],
  ];
  for (const [name, change, healthy, reason] of cases) {
    const report = evaluateHealth({ ...base, ...change }, 60_000);
    assertEquals(report.healthy, healthy, name);
    match(report.reason, reason, name);
  }
});

Deno.test("a caught-up reflector whose ledger gets no write (heartbeat stopped) answers 503", async () => {
  await using dir = await tempDir();
  const ctldbDsn = `sqlite:${dir.path}/ctldb.db`;
  await seedLedger(ctldbDsn, [`CREATE TABLE fam___tbl ("id" INTEGER, PRIMARY KEY("id"));`]);
  const reflector = await startReflector({
    ldbPath: `${dir.path}/ldb.db`,
    upstreamDriver: "sqlite3",
    upstreamDsn: `${dir.path}/ctldb.db`,
    pollIntervalMs: 20,
    maxHealthyLatencyMs: 2000, // above the one-second resolution of leader_ts
    metricsBind: "127.0.0.1:0",
    initSnapshotMetricsPath: "",
  });
  const healthz = async () => {
    const response = await fetch(`http://127.0.0.1:${reflector.address!.port}/healthz`);
    return { status: response.status, text: await response.text() };
  };
  try {
    await reflector.waitForSeq(1, AbortSignal.timeout(10_000));
    await eventually("the latency to pass the limit", async () => (await healthz()).status === 503);
    const stale = await healthz();
    match(
      stale.text,
      /^ledger latency \S+ exceeds 2s; caught up at seq 1, no new ledger entries \(is the heartbeat writing\?\)\n$/,
    );
    assertEquals(reflector.status().caughtUp, true);
    await seedLedger(ctldbDsn, [`INSERT INTO fam___tbl ("id") VALUES (1);`]); // a heartbeat
    await eventually("health to recover", async () => (await healthz()).status === 200);
    match((await healthz()).text, /^ok: caught up at seq 2, latency \S+\n$/);
  } finally {
    await reflector.stop();
  }
});
