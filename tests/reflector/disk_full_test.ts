import { deepStrictEqual as assertEquals, match, ok } from "node:assert/strict";
import { openCtldb } from "../../lib/ctldb/mod.ts";
import { type RunningReflector, startReflector } from "../../lib/reflector/mod.ts";
import { tempDir } from "../_helpers/temp.ts";
import { smallDisk, smallDiskTest } from "../_helpers/tmpfs.ts";
import { collectingLogger, eventually, ldbRows, seedLedger } from "./_fixtures.ts";

/** Failed apply attempts so far, from `/metrics`. */
async function applyErrors(reflector: RunningReflector): Promise<number> {
  const text = await reflector.registry.metrics();
  return Number(/ctlstore_reflector_apply_errors_total\{[^}]*\} (\d+)/.exec(text)?.[1] ?? NaN);
}

smallDiskTest(
  "while the LDB's disk is full the reflector backs off, logs one line, and catches up once freed",
  async () => {
    await using dir = await tempDir();
    await using disk = await smallDisk(2 << 20);
    const ctldbDsn = `sqlite:${dir.path}/ctldb.db`;
    await seedLedger(ctldbDsn, [
      `CREATE TABLE fam___tbl ("id" INTEGER, "v" VARCHAR, PRIMARY KEY("id"));`,
    ]);
    const { logger, lines } = collectingLogger();
    const backoffInitialMs = 50;
    const ldbPath = `${disk.path}/ldb.db`;
    const reflector = await startReflector({
      ldbPath,
      upstreamDriver: "sqlite3",
      upstreamDsn: `${dir.path}/ctldb.db`,
      changelogPath: `${disk.path}/changelog`,
      pollIntervalMs: 20,
      backoffInitialMs,
      backoffMaxMs: 1000,
      initSnapshotMetricsPath: "",
      logger,
    });
    const ctldb = await openCtldb(ctldbDsn);
    try {
      await reflector.waitForSeq(1, AbortSignal.timeout(10_000));
      await disk.fill();
      for (let id = 1; id <= 50; id++) {
        await ctldb.exec("INSERT INTO ctlstore_dml_ledger (statement) VALUES (?)", [
          `INSERT INTO fam___tbl ("id","v") VALUES (${id}, '${"x".repeat(180)}');`,
        ]);
      }
      await eventually(
        "six failed attempts",
        () => (reflector.status().failing?.attempts ?? 0) >= 6,
      );
      const failing = reflector.status().failing!;
      ok(
        failing.retryInMs >= 8 * backoffInitialMs,
        `the retries back off: attempt ${failing.attempts} waits ${failing.retryInMs}ms`,
      );
      match(reflector.health().reason, /fails to apply .*database or disk is full/);
      const errors = lines.filter((line) => line.includes(" ERROR "));
      assertEquals(errors.length, 1, `one line however many attempts:\n${errors.join("\n")}`);
      match(errors[0]!, /ledger entry fails to apply; retrying .*database or disk is full/);

      await disk.free();
      await reflector.waitForSeq(51, AbortSignal.timeout(20_000));
      assertEquals(ldbRows(ldbPath, "fam___tbl").length, 50);
      const resumed = lines.filter((line) => line.includes("failing ledger entry applied"));
      assertEquals(resumed.length, 1, lines.join("\n"));
      match(resumed[0]!, new RegExp(` failures=${await applyErrors(reflector)} `));
      assertEquals(reflector.health().healthy, true, reflector.health().reason);
    } finally {
      await ctldb.close();
      await reflector.stop();
    }
  },
);
