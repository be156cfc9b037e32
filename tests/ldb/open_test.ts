import assert from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import { LdbNotFoundError, openLdbForRead, openLdbForWrite } from "../../lib/ldb/mod.ts";
import { tempDir } from "../_helpers/temp.ts";

Deno.test("openLdbForWrite creates a WAL-mode file with the metadata tables", async () => {
  await using dir = await tempDir();
  const path = `${dir.path}/ldb.db`;
  const db = openLdbForWrite(path, { busyTimeoutMs: 1234 });
  try {
    assert.deepEqual({ ...db.prepare("PRAGMA journal_mode").get() }, { journal_mode: "wal" });
    assert.deepEqual({ ...db.prepare("PRAGMA busy_timeout").get() }, { timeout: 1234 });
    const tables = db.prepare("SELECT name, sql FROM sqlite_master ORDER BY name").all()
      .map((row) => ({ ...row }));
    assert.deepEqual(tables, [
      {
        name: "_ldb_last_update",
        sql:
          "CREATE TABLE _ldb_last_update (name STRING PRIMARY KEY NOT NULL, timestamp DATETIME NOT NULL)",
      },
      {
        name: "_ldb_seq",
        sql: "CREATE TABLE _ldb_seq (id INTEGER PRIMARY KEY NOT NULL, seq BIGINT NOT NULL)",
      },
      { name: "sqlite_autoindex__ldb_last_update_1", sql: null },
    ]);
  } finally {
    db.close();
  }
  // Reopening an existing LDB keeps it as it is.
  openLdbForWrite(path).close();
  const again = new DatabaseSync(path);
  try {
    assert.deepEqual({ ...again.prepare("PRAGMA journal_mode").get() }, { journal_mode: "wal" });
  } finally {
    again.close();
  }
});

Deno.test("openLdbForRead of a missing file throws LdbNotFoundError naming the path", async () => {
  await using dir = await tempDir();
  const path = `${dir.path}/missing.db`;
  assert.throws(() => openLdbForRead(path), (e) => {
    assert.ok(e instanceof LdbNotFoundError);
    assert.equal(e.message, `no LDB found at ${path}`);
    assert.equal(e.path, path);
    return true;
  });
});

Deno.test("openLdbForRead of a directory or a non-database file fails naming the path", async () => {
  await using dir = await tempDir();
  const text = `${dir.path}/notes.txt`;
  await Deno.writeTextFile(text, "this is not an SQLite database, just some text\n".repeat(20));
  const cases: [string, string][] = [
    [dir.path, `cannot read LDB at ${dir.path}: is a directory`],
    [text, `cannot read LDB at ${text}: file is not a database`],
  ];
  for (const [path, message] of cases) {
    assert.throws(() => openLdbForRead(path), (e) => {
      assert.ok(!(e instanceof LdbNotFoundError));
      assert.equal((e as Error).message, message);
      return true;
    });
  }
});

Deno.test("openLdbForRead is read-only, never checkpoints and waits 5 s for locks", async () => {
  await using dir = await tempDir();
  const path = `${dir.path}/ldb.db`;
  openLdbForWrite(path).close();
  const db = openLdbForRead(path);
  try {
    assert.deepEqual({ ...db.prepare("PRAGMA wal_autocheckpoint").get() }, {
      wal_autocheckpoint: 0,
    });
    assert.deepEqual({ ...db.prepare("PRAGMA busy_timeout").get() }, { timeout: 5000 });
    assert.throws(() => db.exec("INSERT INTO _ldb_seq VALUES (1, 1)"), /readonly/);
  } finally {
    db.close();
  }
});

Deno.test("openLdbForWrite rejects a negative busy timeout", async () => {
  await using dir = await tempDir();
  assert.throws(() => openLdbForWrite(`${dir.path}/ldb.db`, { busyTimeoutMs: -1 }), RangeError);
});
