import assert from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import {
  checkLdbIntegrity,
  isCorruptionError,
  LdbCorruptError,
  LdbFaultLatch,
  ldbFilePaths,
  moveLdbAside,
  openLdbForWrite,
  parseIntegrityCheckMode,
  pathExists,
} from "../../lib/ldb/mod.ts";
import { ReaderError } from "../../lib/reader/mod.ts";
import { BIG_LDB_TABLE, damageLdbPage, writeBigLdb } from "../_helpers/damaged_ldb.ts";
import { tempDir } from "../_helpers/temp.ts";

Deno.test("checkLdbIntegrity passes a valid LDB, quick and full", async () => {
  await using dir = await tempDir();
  const path = `${dir.path}/ldb.db`;
  writeBigLdb(path);
  assert.deepEqual(checkLdbIntegrity(path), { ok: true, problems: [] });
  assert.deepEqual(checkLdbIntegrity(path, { full: true }), { ok: true, problems: [] });
});

Deno.test("checkLdbIntegrity finds a page overwritten in the middle of an LDB", async () => {
  await using dir = await tempDir();
  const path = `${dir.path}/ldb.db`;
  writeBigLdb(path);
  const damaged = damageLdbPage(path);
  assert.ok(damaged.rowids.length > 0);
  for (const full of [false, true]) {
    const report = checkLdbIntegrity(path, { full, maxProblems: 3 });
    assert.equal(report.ok, false, `full=${full}`);
    assert.ok(report.problems.length >= 1 && report.problems.length <= 3, String(report.problems));
  }
});

Deno.test("checkLdbIntegrity reports a file that is not a database as a problem", async () => {
  await using dir = await tempDir();
  const path = `${dir.path}/ldb.db`;
  await Deno.writeTextFile(path, "this is not an SQLite database, just text ".repeat(200));
  const report = checkLdbIntegrity(path);
  assert.equal(report.ok, false);
  assert.match(report.problems[0]!, /file is not a database/);
});

Deno.test("checkLdbIntegrity throws for a file it cannot open at all", async () => {
  await using dir = await tempDir();
  assert.throws(() => checkLdbIntegrity(`${dir.path}/missing.db`), /unable to open/);
});

Deno.test("parseIntegrityCheckMode accepts quick, full and off and names the bad value", () => {
  assert.equal(parseIntegrityCheckMode(undefined), "quick");
  assert.equal(parseIntegrityCheckMode("Full"), "full");
  assert.equal(parseIntegrityCheckMode("off"), "off");
  assert.throws(
    () => parseIntegrityCheckMode("fast"),
    {
      name: "TypeError",
      message: "invalid integrity check mode 'fast': expected quick, full or off",
    },
  );
});

function sqliteError(message: string, errcode: number): Error {
  return Object.assign(new Error(message), { errcode, code: "ERR_SQLITE_ERROR" });
}

Deno.test("isCorruptionError tells a damaged or unreadable LDB from other failures", () => {
  const cases: [string, unknown, boolean][] = [
    ["SQLITE_CORRUPT", sqliteError("database disk image is malformed", 11), true],
    ["SQLITE_NOTADB", sqliteError("file is not a database", 26), true],
    ["SQLITE_IOERR", sqliteError("disk I/O error", 10), true],
    ["SQLITE_IOERR_SHORT_READ", sqliteError("disk I/O error", 522), true],
    [
      "wrapped by the reader",
      new ReaderError("query-failed", "query target row error: x", {
        cause: sqliteError("database disk image is malformed", 11),
      }),
      true,
    ],
    [
      "SQLite's message without a code (exec)",
      Object.assign(
        new Error("database disk image is malformed"),
        { code: "ERR_SQLITE_ERROR" },
      ),
      true,
    ],
    ["the message of another error", new Error("database disk image is malformed"), false],
    ["a message quoting it", new Error('decode body: "database disk image is malformed"'), false],
    ["LdbCorruptError", new LdbCorruptError("/tmp/ldb.db", ["page 3: btree fault"]), true],
    ["SQLITE_FULL", sqliteError("database or disk is full", 13), false],
    ["SQLITE_BUSY", sqliteError("database is locked", 5), false],
    ["SQLITE_ERROR", sqliteError("no such table: x", 1), false],
    ["another code with such a message", sqliteError("disk I/O error in a value", 1), false],
    ["not an error", "database disk image is malformed", false],
    ["undefined", undefined, false],
  ];
  for (const [name, error, expected] of cases) {
    assert.equal(isCorruptionError(error), expected, name);
  }
});

Deno.test("a real malformed read is classified as corruption", async () => {
  await using dir = await tempDir();
  const path = `${dir.path}/ldb.db`;
  writeBigLdb(path);
  damageLdbPage(path);
  const db = new DatabaseSync(path, { readOnly: true });
  try {
    let caught: unknown;
    try {
      db.prepare(`SELECT sum(length(note)) FROM ${BIG_LDB_TABLE}`).get();
    } catch (e) {
      caught = e;
    }
    assert.ok(isCorruptionError(caught), String(caught));
  } finally {
    db.close();
  }
});

Deno.test("moveLdbAside moves the LDB and its WAL files to one timestamped name", async () => {
  await using dir = await tempDir();
  const path = `${dir.path}/ldb.db`;
  const db = openLdbForWrite(path);
  db.exec("CREATE TABLE t (x)");
  // The connection stays open, so the -wal and -shm files exist.
  try {
    const at = new Date("2026-12-06T00:24:02.123Z");
    const aside = await moveLdbAside(path, at);
    assert.equal(aside, `${path}.corrupt-20261206T002402.123Z`);
    const moved = ldbFilePaths(aside);
    for (const [i, from] of ldbFilePaths(path).entries()) {
      assert.equal(await pathExists(from), false, from);
      assert.equal(await pathExists(moved[i]!), true, moved[i]);
    }
  } finally {
    db.close();
  }
});

Deno.test("moveLdbAside skips companions that do not exist", async () => {
  await using dir = await tempDir();
  const path = `${dir.path}/ldb.db`;
  await Deno.writeTextFile(path, "x");
  const aside = await moveLdbAside(path);
  assert.equal(await Deno.readTextFile(aside), "x");
  assert.equal(await pathExists(`${aside}-wal`), false);
});

Deno.test("LdbFaultLatch latches the first corruption error and ignores other errors", () => {
  const seen: string[] = [];
  const latch = new LdbFaultLatch((fault) => seen.push(fault.error));
  assert.equal(latch.record(sqliteError("database is locked", 5)), false);
  assert.equal(latch.reason(), undefined);
  assert.equal(latch.record(sqliteError("database disk image is malformed", 11)), true);
  assert.equal(latch.record(sqliteError("disk I/O error", 10)), true);
  assert.deepEqual(seen, ["database disk image is malformed"]);
  assert.equal(latch.fault?.error, "database disk image is malformed");
  assert.match(
    latch.reason()!,
    /^LDB damaged or unreadable since \d{4}-\d\d-\d\dT[\d:.]+Z: database disk image is malformed; restart to check it again$/,
  );
});
