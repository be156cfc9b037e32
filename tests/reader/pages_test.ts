import assert from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import { openLdbForWrite } from "../../lib/ldb/mod.ts";
import { Reader } from "../../lib/reader/mod.ts";
import { BIG_FAMILY, BIG_LDB_TABLE, BIG_TABLE, writeBigLdb } from "../_helpers/damaged_ldb.ts";
import { tempDir } from "../_helpers/temp.ts";

Deno.test("a whole-table scan reads every page from the snapshot it started on", async () => {
  await using dir = await tempDir();
  const path = `${dir.path}/ldb.db`;
  writeBigLdb(path, { rows: 1000 });
  using reader = Reader.open(path);
  const rows = reader.getRowsByKeyPrefix<{ id: number }>(BIG_FAMILY, BIG_TABLE);
  const seen: number[] = [];
  for (let i = 0; i < 300; i++) seen.push(rows.next().value!.id);
  // Changes made after the scan began, in pages it has not read yet.
  const writer = new DatabaseSync(path);
  try {
    writer.exec(`DELETE FROM ${BIG_LDB_TABLE} WHERE id = 900`);
    writer.exec(`INSERT INTO ${BIG_LDB_TABLE} VALUES (99, 5000, 'late', 'row')`);
  } finally {
    writer.close();
  }
  for (const row of { [Symbol.iterator]: () => rows }) seen.push(row.id);
  assert.deepEqual(seen, Array.from({ length: 1000 }, (_, i) => i + 1));
  // A new scan sees them.
  const after = [...reader.getRowsByKeyPrefix<{ id: number }>(BIG_FAMILY, BIG_TABLE)];
  assert.equal(after.length, 1000);
  assert.equal(after.some((row) => row.id === 900), false);
  assert.equal(after.at(-1)?.id, 5000);
});

Deno.test("a whole-table scan returns rows in table order, whatever the table looks like", async () => {
  await using dir = await tempDir();
  const path = `${dir.path}/ldb.db`;
  const db = openLdbForWrite(path);
  try {
    db.exec(
      `CREATE TABLE fam___shadow ("rowid" VARCHAR(191), "oid" INTEGER, PRIMARY KEY("rowid"))`,
    );
    db.exec(`CREATE TABLE fam___norowid ("id" INTEGER PRIMARY KEY, "v" TEXT) WITHOUT ROWID`);
    const shadow = db.prepare("INSERT INTO fam___shadow VALUES (?, ?)");
    const noRowid = db.prepare("INSERT INTO fam___norowid VALUES (?, ?)");
    // Inserted out of key order: a table scan returns them in insertion (rowid) order.
    for (let i = 600; i > 0; i--) {
      shadow.run(`k${i}`, i);
      noRowid.run(i, `v${i}`);
    }
  } finally {
    db.close();
  }
  using reader = Reader.open(path);
  const shadowed = [...reader.getRowsByKeyPrefix<{ rowid: string; oid: number }>("fam", "shadow")];
  assert.equal(shadowed.length, 600);
  assert.deepEqual(shadowed[0], { rowid: "k600", oid: 600 });
  assert.deepEqual(shadowed.at(-1), { rowid: "k1", oid: 1 });
  const noRowid = [...reader.getRowsByKeyPrefix<{ id: number }>("fam", "norowid")];
  assert.deepEqual(noRowid.map((row) => row.id), Array.from({ length: 600 }, (_, i) => i + 1));
});

Deno.test("breaking out of a whole-table scan releases its snapshot", async () => {
  await using dir = await tempDir();
  const path = `${dir.path}/ldb.db`;
  writeBigLdb(path, { rows: 1000 });
  using reader = Reader.open(path);
  for (const _ of reader.getRowsByKeyPrefix(BIG_FAMILY, BIG_TABLE)) break;
  const writer = new DatabaseSync(path);
  try {
    writer.exec(`INSERT INTO ${BIG_LDB_TABLE} VALUES (99, 5000, 'late', 'row')`);
    assert.equal(writer.prepare("PRAGMA wal_checkpoint(TRUNCATE)").get()?.busy, 0);
  } finally {
    writer.close();
  }
  assert.equal(reader.getRowByKey(BIG_FAMILY, BIG_TABLE, 99, 5000)?.name, "late");
});
