import { ok } from "node:assert/strict";
import { type Ctldb, openCtldb } from "../../lib/ctldb/mod.ts";
import { startReflector } from "../../lib/reflector/mod.ts";
import { tempDir } from "../_helpers/temp.ts";
import { eventually } from "./_fixtures.ts";

const THRESHOLD = 256 * 1024;

/** A reader in another process that holds a read transaction until told to let go. */
const READER_SCRIPT = `
import { DatabaseSync } from "node:sqlite";
const db = new DatabaseSync(Deno.args[0], { readOnly: true });
db.exec("PRAGMA wal_autocheckpoint = 0");
db.exec("BEGIN");
db.prepare("SELECT count(*) AS n FROM fam___tbl").get();
console.log("holding");
const lines = Deno.stdin.readable.pipeThrough(new TextDecoderStream()).values();
await lines.next();
db.exec("COMMIT");
console.log("released");
await lines.next();
db.close();
`;

function walSize(ldbPath: string): number {
  try {
    return Deno.statSync(`${ldbPath}-wal`).size;
  } catch {
    return 0;
  }
}

let nextSeq = 1;
async function writeLedger(ctldb: Ctldb, statements: string[]): Promise<number> {
  for (const statement of statements) {
    await ctldb.exec("INSERT INTO ctlstore_dml_ledger (seq, statement) VALUES (?, ?)", [
      nextSeq++,
      statement,
    ]);
  }
  return nextSeq - 1;
}

const bigRows = (from: number, count: number) =>
  Array.from(
    { length: count },
    (_, i) => `REPLACE INTO fam___tbl ("id","v") VALUES(${from + i},'${"x".repeat(4000)}')`,
  );

for (const type of ["TRUNCATE", "PASSIVE"]) {
  Deno.test(`the WAL shrinks back under the threshold after a reader holding it lets go (${type})`, async () => {
    await using dir = await tempDir();
    nextSeq = 1;
    const ctldbPath = `${dir.path}/ctldb.db`;
    const ldbPath = `${dir.path}/ldb.db`;
    await Deno.writeTextFile(`${dir.path}/reader.ts`, READER_SCRIPT);
    const ctldb = await openCtldb(`sqlite:${ctldbPath}`);
    try {
      await ctldb.ensureSchema();
      let seq = await writeLedger(ctldb, [
        `CREATE TABLE fam___tbl ("id" INTEGER, "v" TEXT, PRIMARY KEY("id"));`,
        ...bigRows(0, 10),
      ]);
      const reflector = await startReflector({
        ldbPath,
        upstreamDriver: "sqlite3",
        upstreamDsn: ctldbPath,
        pollIntervalMs: 20,
        walPollIntervalMs: 30,
        walCheckpointThresholdSize: THRESHOLD,
        walCheckpointType: type,
      });
      try {
        await reflector.waitForSeq(seq, AbortSignal.timeout(10_000));
        const reader = new Deno.Command(Deno.execPath(), {
          args: ["run", "-A", `${dir.path}/reader.ts`, ldbPath],
          stdin: "piped",
          stdout: "piped",
          stderr: "inherit",
        }).spawn();
        const writer = reader.stdin.getWriter();
        const output = reader.stdout.pipeThrough(new TextDecoderStream()).values();
        try {
          ok((await output.next()).value?.includes("holding"));
          for (let i = 0; i < 5; i++) {
            seq = await writeLedger(ctldb, bigRows(100 * i, 100));
            await reflector.waitForSeq(seq, AbortSignal.timeout(10_000));
          }
          await new Promise((resolve) => setTimeout(resolve, 100)); // a few checkpoint attempts
          ok(walSize(ldbPath) > 4 * THRESHOLD, `the held WAL grew: ${walSize(ldbPath)}`);
          await writer.write(new TextEncoder().encode("release\n"));
          ok((await output.next()).value?.includes("released"));
          // With PASSIVE the checkpoint completes and the next write restarts the WAL, cut back
          // to journal_size_limit (the threshold); TRUNCATE empties it at once.
          let id = 1000;
          await eventually("the WAL to shrink", async () => {
            seq = await writeLedger(ctldb, bigRows(id++, 1));
            await reflector.waitForSeq(seq, AbortSignal.timeout(10_000));
            return walSize(ldbPath) <= THRESHOLD;
          }, 10_000);
        } finally {
          await writer.close();
          await reader.status;
        }
      } finally {
        await reflector.stop();
      }
    } finally {
      await ctldb.close();
    }
  });
}

Deno.test("a long catch-up checkpoints between its commits, not only once idle", async () => {
  await using dir = await tempDir();
  nextSeq = 1;
  const ctldbPath = `${dir.path}/ctldb.db`;
  const ctldb = await openCtldb(`sqlite:${ctldbPath}`);
  try {
    await ctldb.ensureSchema();
    const seq = await writeLedger(ctldb, [
      `CREATE TABLE fam___tbl ("id" INTEGER, "v" TEXT, PRIMARY KEY("id"));`,
      ...bigRows(0, 300),
    ]);
    const reflector = await startReflector({
      ldbPath: `${dir.path}/ldb.db`,
      upstreamDriver: "sqlite3",
      upstreamDsn: ctldbPath,
      queryBlockSize: 1000, // the whole ledger in one read
      maxBatchStatements: 10, // 30 commits of ~40 KiB
      walPollIntervalMs: 0.001,
      walCheckpointThresholdSize: 64 * 1024,
      walCheckpointType: "TRUNCATE",
      initSnapshotMetricsPath: "",
    });
    try {
      await reflector.waitForSeq(seq, AbortSignal.timeout(10_000));
      const text = await reflector.registry.metrics();
      const checkpoints = [
        ...text.matchAll(/^ctlstore_reflector_wal_checkpoints_total\{.*\} (\d+)$/gm),
      ]
        .reduce((sum, match) => sum + Number(match[1]), 0);
      ok(checkpoints >= 5, `only ${checkpoints} checkpoints during the catch-up`);
    } finally {
      await reflector.stop();
    }
  } finally {
    await ctldb.close();
  }
});
