import assert from "node:assert/strict";
import { checkLdbIntegrity } from "../../lib/ldb/mod.ts";
import { startReflector } from "../../lib/reflector/mod.ts";
import { upsertSql } from "../../lib/schema/mod.ts";
import {
  BIG_FIELDS,
  BIG_LDB_TABLE,
  bigRow,
  damageLdbPage,
  writeBigLdb,
} from "../_helpers/damaged_ldb.ts";
import { spawnCli } from "../_helpers/process.ts";
import { tempDir } from "../_helpers/temp.ts";
import { collectingLogger, eventually, ldbRows, seedLedger } from "./_fixtures.ts";

/** Files of `dir` whose name starts with `prefix`. */
async function filesStartingWith(dir: string, prefix: string): Promise<string[]> {
  const names: string[] = [];
  for await (const entry of Deno.readDir(dir)) {
    if (entry.name.startsWith(prefix)) names.push(entry.name);
  }
  return names.sort();
}

/** A ctldb whose ledger holds one statement (seq 1), the seq of the LDBs written here. */
async function ctldbAtSeq1(dir: string): Promise<string> {
  const path = `${dir}/ctldb.db`;
  await seedLedger(`sqlite:${path}`, ["SELECT 1"]);
  return path;
}

Deno.test("a reflector moves a damaged LDB aside and rebuilds it from the bootstrap snapshot", async () => {
  await using dir = await tempDir();
  const ctldb = await ctldbAtSeq1(dir.path);
  const ldbPath = `${dir.path}/ldb.db`;
  writeBigLdb(ldbPath);
  const snapshot = `${dir.path}/snapshot.db`;
  await Deno.copyFile(ldbPath, snapshot);
  damageLdbPage(ldbPath);

  const { logger, lines } = collectingLogger();
  const reflector = await startReflector({
    ldbPath,
    upstreamDriver: "sqlite3",
    upstreamDsn: ctldb,
    bootstrapUrl: `file://${snapshot}`,
    initSnapshotMetricsPath: "",
    logger,
  });
  try {
    // The LDB moved with its WAL files, which the check's read-only connection created.
    const [kept, ...companions] = await filesStartingWith(dir.path, "ldb.db.corrupt-");
    assert.match(kept ?? "", /^ldb\.db\.corrupt-\d{8}T\d{6}\.\d{3}Z$/);
    assert.deepEqual(companions, [`${kept}-shm`, `${kept}-wal`]);
    assert.equal(checkLdbIntegrity(`${dir.path}/${kept}`).ok, false, "the damaged LDB is kept");
    const warning = lines.filter((line) => line.includes("moved it aside"));
    assert.equal(warning.length, 1, lines.join("\n"));
    assert.match(warning[0]!, /WARN .*LDB failed its integrity check; moved it aside/);
    assert.ok(warning[0]!.includes(`movedTo=${dir.path}/${kept}`), warning[0]);
    assert.ok(lines.some((line) => line.includes("LDB snapshot downloaded")), lines.join("\n"));
    assert.equal(reflector.status().appliedSeq, 1);
  } finally {
    await reflector.stop();
  }
  assert.deepEqual(checkLdbIntegrity(ldbPath), { ok: true, problems: [] });
  assert.equal(ldbRows(ldbPath, BIG_LDB_TABLE).length, 20_000);
});

Deno.test("ctlstore reflector without -bootstrap-url exits 1 with one line on a damaged LDB", async () => {
  await using dir = await tempDir();
  const ctldb = await ctldbAtSeq1(dir.path);
  const ldbPath = `${dir.path}/ldb.db`;
  writeBigLdb(ldbPath);
  damageLdbPage(ldbPath);
  await using cli = await spawnCli([
    "reflector",
    "-ldb-path",
    ldbPath,
    "-upstream-driver",
    "sqlite3",
    "-upstream-dsn",
    ctldb,
  ], { env: { CTLSTORE_PATH: dir.path } });
  const status = await cli.status;
  assert.equal(status.code, 1, cli.stderr());
  const errors = cli.stderr().split("\n").filter((line) => line.startsWith("error:"));
  assert.equal(errors.length, 1, cli.stderr());
  const [kept] = await filesStartingWith(dir.path, "ldb.db.corrupt-");
  assert.ok(kept, cli.stderr());
  assert.equal(
    errors[0]!.replace(/is damaged: .*; moved it to/, "is damaged: <problem>; moved it to"),
    `error: LDB at ${ldbPath} is damaged: <problem>; moved it to ${dir.path}/${kept}. ` +
      "There is no -bootstrap-url to rebuild it from: set one, or start again to replay the " +
      "whole ledger into a new LDB",
  );
  assert.deepEqual(await filesStartingWith(dir.path, "ldb.db"), [
    kept,
    `${kept}-shm`,
    `${kept}-wal`,
  ]);
});

Deno.test("-integrity-check off starts on a damaged LDB without checking it", async () => {
  await using dir = await tempDir();
  const ctldb = await ctldbAtSeq1(dir.path);
  const ldbPath = `${dir.path}/ldb.db`;
  writeBigLdb(ldbPath);
  damageLdbPage(ldbPath);
  const { logger, lines } = collectingLogger();
  const reflector = await startReflector({
    ldbPath,
    upstreamDriver: "sqlite3",
    upstreamDsn: ctldb,
    integrityCheck: "off",
    initSnapshotMetricsPath: "",
    logger,
  });
  await reflector.stop();
  assert.equal(lines.some((line) => line.includes("integrity")), false, lines.join("\n"));
  assert.deepEqual(await filesStartingWith(dir.path, "ldb.db.corrupt-"), []);
});

Deno.test("damage that appears while a reflector runs turns /healthz to 503 with the reason", async () => {
  await using dir = await tempDir();
  const ctldb = await ctldbAtSeq1(dir.path);
  const ldbPath = `${dir.path}/ldb.db`;
  writeBigLdb(ldbPath);
  const reflector = await startReflector({
    ldbPath,
    upstreamDriver: "sqlite3",
    upstreamDsn: ctldb,
    metricsBind: "127.0.0.1:0",
    pollIntervalMs: 50,
    initSnapshotMetricsPath: "",
  });
  try {
    const healthz = `http://127.0.0.1:${reflector.address!.port}/healthz`;
    await eventually("a healthy reflector", async () => {
      const response = await fetch(healthz);
      await response.body?.cancel();
      return response.status === 200;
    });

    const damaged = damageLdbPage(ldbPath);
    const [grp, id] = bigRow(damaged.rowids[0]!);
    // A write to a row on the damaged page makes the reflector read it.
    await seedLedger(`sqlite:${ctldb}`, [
      upsertSql(BIG_LDB_TABLE, BIG_FIELDS.map((f) => f.name), [grp, id, "changed", "x"]),
    ]);
    let answer = { status: 0, text: "" };
    await eventually("/healthz to turn 503", async () => {
      const response = await fetch(healthz);
      answer = { status: response.status, text: await response.text() };
      return answer.status === 503;
    });
    assert.match(
      answer.text,
      /^LDB damaged or unreadable since \S+Z: .*database disk image is malformed.*; restart to check it again\n$/,
    );
    assert.equal(reflector.health().healthy, false);
  } finally {
    await reflector.stop();
  }
});
