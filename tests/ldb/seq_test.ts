import assert from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import { advanceLdbSeq, getLdbSeq, openLdbForWrite, ReplayError } from "../../lib/ldb/mod.ts";
import { tempDir } from "../_helpers/temp.ts";

Deno.test("getLdbSeq is 0 without the table and without the row", () => {
  const db = new DatabaseSync(":memory:");
  try {
    assert.equal(getLdbSeq(db), 0);
    db.exec("CREATE TABLE _ldb_seq (id INTEGER PRIMARY KEY NOT NULL, seq BIGINT NOT NULL)");
    assert.equal(getLdbSeq(db), 0);
  } finally {
    db.close();
  }
});

Deno.test("advanceLdbSeq stores increasing sequences and refuses replays", async () => {
  await using dir = await tempDir();
  const db = openLdbForWrite(`${dir.path}/ldb.db`);
  try {
    advanceLdbSeq(db, 5);
    assert.equal(getLdbSeq(db), 5);
    advanceLdbSeq(db, 7);
    assert.equal(getLdbSeq(db), 7);
    for (const replay of [7, 6, 1]) {
      assert.throws(() => advanceLdbSeq(db, replay), (e) => {
        assert.ok(e instanceof ReplayError);
        assert.equal(e.message, "update seq tracker replay detected");
        assert.equal(e.seq, replay);
        return true;
      });
    }
    assert.equal(getLdbSeq(db), 7);
    assert.deepEqual(db.prepare("SELECT id, seq FROM _ldb_seq").all().map((r) => ({ ...r })), [
      { id: 1, seq: 7 },
    ]);
  } finally {
    db.close();
  }
});

Deno.test("a sequence bump rolled back with its transaction can be applied again", async () => {
  await using dir = await tempDir();
  const db = openLdbForWrite(`${dir.path}/ldb.db`);
  try {
    advanceLdbSeq(db, 1);
    db.exec("BEGIN");
    advanceLdbSeq(db, 2);
    db.exec("ROLLBACK");
    assert.equal(getLdbSeq(db), 1);
    advanceLdbSeq(db, 2);
    assert.equal(getLdbSeq(db), 2);
  } finally {
    db.close();
  }
});
