import { deepStrictEqual as assertEquals, equal, match, rejects } from "node:assert/strict";
import { openCtldb } from "../../lib/ctldb/mod.ts";
import { getLdbSeq, openLdbForRead, readLdbFamilies } from "../../lib/ldb/mod.ts";
import { startReflector } from "../../lib/reflector/mod.ts";
import { spawnCli } from "../_helpers/process.ts";
import { tempDir } from "../_helpers/temp.ts";

/** A SQLite ctldb whose ledger has a table of `app` and one of `billing`, a row in each. */
async function twoFamilyCtldb(path: string): Promise<void> {
  const ctldb = await openCtldb(`sqlite:${path}`);
  try {
    await ctldb.ensureSchema();
    for (
      const statement of [
        `CREATE TABLE app___rows ("id" INTEGER, "v" VARCHAR(191), PRIMARY KEY("id"));`,
        `CREATE TABLE billing___rows ("id" INTEGER, "v" VARCHAR(191), PRIMARY KEY("id"));`,
        `REPLACE INTO app___rows ("id","v") VALUES(1,'app')`,
        `REPLACE INTO billing___rows ("id","v") VALUES(1,'billing secret')`,
      ]
    ) {
      await ctldb.exec("INSERT INTO ctlstore_dml_ledger (statement) VALUES (?)", [statement]);
    }
  } finally {
    await ctldb.close();
  }
}

function describe(path: string): { tables: string[]; families?: readonly string[]; seq: number } {
  const db = openLdbForRead(path);
  try {
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all()
      .map((row) => String(row.name)).filter((name) => name.includes("___")).sort();
    const families = readLdbFamilies(db);
    return { tables, ...(families ? { families } : {}), seq: getLdbSeq(db) };
  } finally {
    db.close();
  }
}

Deno.test("a supervisor with -reflector.families publishes snapshots of only those families, for partial hosts only", async () => {
  await using dir = await tempDir();
  const ctldbPath = `${dir.path}/ctldb.db`;
  await twoFamilyCtldb(ctldbPath);
  const snapshot = `${dir.path}/snapshots/app.db`;
  {
    await using cli = await spawnCli([
      "supervisor",
      ...["-snapshot-interval", "100ms", "-snapshot-url", `file://${snapshot}`],
      ...["-reflector.ldb-path", `${dir.path}/supervisor/ldb.db`],
      ...["-reflector.upstream-driver=sqlite3", "-reflector.upstream-dsn", ctldbPath],
      ...["-reflector.poll-interval", "50ms", "-reflector.families", "app"],
    ], { waitFor: /published snapshot seq=4/ });
    cli.kill("SIGTERM");
    equal((await cli.status).code, 0, cli.stderr());
  }
  assertEquals(describe(snapshot), {
    tables: ["app___rows"],
    families: ["app", "ctlstore"],
    seq: 4,
  });

  // A host of the same set bootstraps from it; a full host refuses it.
  const reflector = await startReflector({
    ldbPath: `${dir.path}/host/ldb.db`,
    upstreamDriver: "sqlite3",
    upstreamDsn: ctldbPath,
    bootstrapUrl: `file://${snapshot}`,
    families: ["app"],
  });
  try {
    await reflector.waitForSeq(4, AbortSignal.timeout(10_000));
  } finally {
    await reflector.stop();
  }
  assertEquals(describe(`${dir.path}/host/ldb.db`).tables, ["app___rows"]);
  await using cli = await spawnCli([
    "reflector",
    ...["-ldb-path", `${dir.path}/full/ldb.db`, "-bootstrap-url", `file://${snapshot}`],
    ...["-upstream-driver", "sqlite3", "-upstream-dsn", ctldbPath],
  ]);
  equal((await cli.status).code, 1);
  const errors = cli.stderr().split("\n").filter((line) => line.startsWith("error:"));
  equal(errors.length, 1, cli.stderr());
  match(
    errors[0]!,
    /^error: the snapshot holds only families app, ctlstore, but this reflector is for every family/,
  );
  await rejects(Deno.stat(`${dir.path}/full/ldb.db`), Deno.errors.NotFound);
});
