import {
  deepStrictEqual as assertEquals,
  equal,
  match,
  ok,
  rejects,
  throws,
} from "node:assert/strict";
import { createHash } from "node:crypto";
import {
  advanceLdbSeq,
  CHANGE_HISTORY_DDL,
  CHANGES_STATE_TABLE,
  CHANGES_TABLE,
  getLdbSeq,
  openLdbForRead,
  openLdbForWrite,
  readLdbFamilies,
  writeLdbFamilies,
} from "../../lib/ldb/mod.ts";
import { bootstrapLdb } from "../../lib/reflector/mod.ts";
import { fitSnapshotToFamilies } from "../../lib/reflector/partial_snapshot.ts";
import { tempDir } from "../_helpers/temp.ts";
import { collectingLogger, ldbTables } from "./_fixtures.ts";

/** Text that must not survive in the bytes of a partial LDB that removed its family. */
const SECRET = "billing-secret-0123456789";

/**
 * A full LDB at seq 10: tables of app, billing and ctlstore with a row each, and a change
 * history with entries of app and billing (billing's second table already dropped).
 */
function makeFullSnapshot(path: string): void {
  const db = openLdbForWrite(path);
  try {
    for (const family of ["app", "billing", "ctlstore"]) {
      db.exec(`CREATE TABLE ${family}___items ("id" INTEGER, "v" VARCHAR(191), PRIMARY KEY("id"))`);
    }
    db.exec(`REPLACE INTO app___items ("id", "v") VALUES(1, 'app row')`);
    db.exec(`REPLACE INTO ctlstore___items ("id", "v") VALUES(1, 'beat')`);
    const big = db.prepare(`REPLACE INTO billing___items ("id", "v") VALUES(?, ?)`);
    for (let id = 0; id < 500; id++) big.run(id, `${SECRET} ${id}`);
    for (const ddl of CHANGE_HISTORY_DDL) db.exec(ddl);
    const entry = db.prepare(
      `INSERT INTO ${CHANGES_TABLE} (seq, idx, tx, family, "table", op, key, leader_ts) ` +
        `VALUES (?, 0, ?, ?, 'items', ?, ?, 0)`,
    );
    entry.run(4, 4, "app", "upsert", `{"id":1}`);
    entry.run(5, 5, "billing", "upsert", `{"id":"${SECRET}"}`);
    entry.run(6, 6, "billing", "drop", "{}");
    db.exec(`INSERT INTO ${CHANGES_STATE_TABLE} VALUES (1, 0, 10)`);
    advanceLdbSeq(db, 10);
    db.exec("PRAGMA wal_checkpoint(TRUNCATE)");
  } finally {
    db.close();
  }
}

function historyFamilies(path: string): string[] {
  const db = openLdbForRead(path);
  try {
    return db.prepare(`SELECT family FROM ${CHANGES_TABLE} ORDER BY seq`).all()
      .map((row) => String(row.family));
  } finally {
    db.close();
  }
}

function familiesOf(path: string): readonly string[] | undefined {
  const db = openLdbForRead(path);
  try {
    return readLdbFamilies(db);
  } finally {
    db.close();
  }
}

Deno.test("a full snapshot fitted to a partial reflector keeps only its families, its seq, and no trace of the others", async () => {
  await using dir = await tempDir();
  const path = `${dir.path}/snapshot.db`;
  makeFullSnapshot(path);
  ok(new TextDecoder().decode(await Deno.readFile(path)).includes(SECRET), "the fixture holds it");
  const { logger, lines } = collectingLogger();

  const trim = fitSnapshotToFamilies(path, ["app", "ctlstore"], logger);

  assertEquals(trim, { tables: 1, families: 1, historyEntries: 2 });
  assertEquals(ldbTables(path).filter((name) => name.includes("___")), [
    "app___items",
    "ctlstore___items",
  ]);
  assertEquals(familiesOf(path), ["app", "ctlstore"]);
  assertEquals(historyFamilies(path), ["app"]);
  const db = openLdbForRead(path);
  try {
    equal(getLdbSeq(db), 10, "the snapshot's seq stays");
  } finally {
    db.close();
  }
  const bytes = new TextDecoder().decode(await Deno.readFile(path));
  ok(!bytes.includes(SECRET), "the removed rows are not left in free pages");
  const warnings = lines.filter((line) => line.includes("more than this host may see"));
  equal(warnings.length, 1, lines.join("\n"));
  match(warnings[0]!, /WARN/);

  // Fitting again, or to a subset, works from the recorded set.
  assertEquals(fitSnapshotToFamilies(path, ["ctlstore", "app"], logger), {
    tables: 0,
    families: 0,
    historyEntries: 0,
  });
  fitSnapshotToFamilies(path, ["app"], logger);
  assertEquals(ldbTables(path).filter((name) => name.includes("___")), ["app___items"]);
  assertEquals(familiesOf(path), ["app"]);
});

Deno.test("a snapshot that lacks a needed family, or a partial one for a full reflector, is refused untouched", async () => {
  await using dir = await tempDir();
  const path = `${dir.path}/snapshot.db`;
  const { logger } = collectingLogger();
  const db = openLdbForWrite(path);
  try {
    db.exec(`CREATE TABLE app___items ("id" INTEGER, PRIMARY KEY("id"))`);
    writeLdbFamilies(db, ["app", "ctlstore"]);
    advanceLdbSeq(db, 3);
  } finally {
    db.close();
  }
  throws(
    () => fitSnapshotToFamilies(path, ["app", "billing", "ctlstore"], logger),
    new Error(
      "the snapshot holds only families app, ctlstore, but this reflector is for families app, " +
        "billing, ctlstore: bootstrap it from a snapshot that also holds family billing",
    ),
  );
  throws(
    () => fitSnapshotToFamilies(path, undefined, logger),
    /^Error: the snapshot holds only families app, ctlstore, but this reflector is for every family/,
  );
  assertEquals(familiesOf(path), ["app", "ctlstore"]);
  assertEquals(ldbTables(path).filter((name) => name.includes("___")), ["app___items"]);
});

Deno.test("bootstrap of a partial reflector from a full snapshot moves only its families into place", async () => {
  await using dir = await tempDir();
  const snapshot = `${dir.path}/snapshot.db`;
  makeFullSnapshot(snapshot);
  const bytes = await Deno.readFile(snapshot);
  await Deno.writeTextFile(
    `${snapshot}.checksum`,
    createHash("sha1").update(bytes).digest("base64"),
  );
  const { logger, lines } = collectingLogger();
  const ldbPath = `${dir.path}/host/ldb.db`;
  const url = `file://${snapshot}`;

  equal(
    await bootstrapLdb({ url, ldbPath, families: ["app", "ctlstore"], log: logger }),
    "downloaded",
  );

  assertEquals(ldbTables(ldbPath).filter((name) => name.includes("___")), [
    "app___items",
    "ctlstore___items",
  ]);
  assertEquals(familiesOf(ldbPath), ["app", "ctlstore"]);
  ok(lines.some((line) => line.includes("more than this host may see")), lines.join("\n"));
  const left = await Array.fromAsync(Deno.readDir(`${dir.path}/host`), (e) => e.name);
  ok(!left.some((name) => name.includes(".tmp")), `temp files left: ${left}`);

  // The partial LDB, published as a snapshot, cannot bootstrap a full reflector.
  const partialUrl = `file://${ldbPath}`;
  const fullPath = `${dir.path}/full/ldb.db`;
  await rejects(
    bootstrapLdb({ url: partialUrl, ldbPath: fullPath, log: logger, retryDelayMs: 1 }),
    /the snapshot holds only families app, ctlstore, but this reflector is for every family/,
  );
  assertEquals(
    await Array.fromAsync(Deno.readDir(`${dir.path}/full`)),
    [],
    "no LDB and no temp file left",
  );
});
