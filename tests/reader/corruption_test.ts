import assert from "node:assert/strict";
import { CHANGES_TABLE, isCorruptionError } from "../../lib/ldb/mod.ts";
import { upsertSql } from "../../lib/schema/mod.ts";
import { Reader, ReaderError } from "../../lib/reader/mod.ts";
import {
  BIG_FAMILY,
  BIG_TABLE,
  bigRow,
  damageLdbPage,
  writeBigLdb,
} from "../_helpers/damaged_ldb.ts";
import { historyLdb } from "../_helpers/history_ldb.ts";
import { tempDir } from "../_helpers/temp.ts";

function scanError(run: () => unknown): ReaderError {
  try {
    run();
  } catch (error) {
    assert.ok(error instanceof ReaderError, String(error));
    return error;
  }
  assert.fail("the scan finished without an error");
}

Deno.test("a prefix scan over a damaged page throws instead of returning the rows before it", async () => {
  await using dir = await tempDir();
  const path = `${dir.path}/ldb.db`;
  writeBigLdb(path);
  const damaged = damageLdbPage(path);
  using reader = Reader.open(path);
  let seen = 0;
  const error = scanError(() => {
    for (const _ of reader.getRowsByKeyPrefix(BIG_FAMILY, BIG_TABLE)) seen++;
  });
  assert.ok(seen > 0 && seen < 20_000, `${seen} rows before the error`);
  assert.equal(error.code, "query-failed");
  assert.match(error.message, /database disk image is malformed/);
  assert.ok(isCorruptionError(error));

  // A narrow prefix over the damaged page fails too; one elsewhere reads normally.
  const [damagedGroup] = bigRow(damaged.rowids[0]!);
  const narrow = scanError(
    () => [...reader.getRowsByKeyPrefix(BIG_FAMILY, BIG_TABLE, damagedGroup)],
  );
  assert.ok(isCorruptionError(narrow), narrow.message);
  const rows = [...reader.getRowsByKeyPrefix(BIG_FAMILY, BIG_TABLE, 0)];
  assert.equal(rows.length, 100);
  assert.deepEqual(rows[0], { grp: 0, id: 1, name: "row-1", note: bigRow(1)[3] });
});

Deno.test("a prefix scan reaches its end on an intact LDB, including an empty result", async () => {
  await using dir = await tempDir();
  const path = `${dir.path}/ldb.db`;
  writeBigLdb(path, { rows: 1000 });
  using reader = Reader.open(path);
  assert.equal([...reader.getRowsByKeyPrefix(BIG_FAMILY, BIG_TABLE)].length, 1000);
  assert.deepEqual([...reader.getRowsByKeyPrefix(BIG_FAMILY, BIG_TABLE, 999)], []);
});

Deno.test("a key part outside the 64-bit integer range is a bad-key error", async () => {
  await using dir = await tempDir();
  const path = `${dir.path}/ldb.db`;
  writeBigLdb(path, { rows: 10 });
  using reader = Reader.open(path);
  for (const part of [9223372036854775808n, -9223372036854775809n]) {
    for (
      const read of [
        () => reader.getRowByKey(BIG_FAMILY, BIG_TABLE, part, 1),
        () => [...reader.getRowsByKeyPrefix(BIG_FAMILY, BIG_TABLE, part)],
      ]
    ) {
      const error = scanError(read);
      assert.equal(error.code, "bad-key");
      assert.equal(error.message, `key part ${part} is outside the range of a 64-bit integer`);
    }
  }
  assert.deepEqual([...reader.getRowsByKeyPrefix(BIG_FAMILY, BIG_TABLE, 9223372036854775807n)], []);
});

Deno.test("a change history page over a damaged page throws instead of skipping changes", () => {
  using ldb = historyLdb();
  const fields = [{ name: "id", type: "integer" }, { name: "note", type: "string" }] as const;
  ldb.createTable("fam", "notes", [...fields], ["id"]);
  ldb.apply(
    ...Array.from(
      { length: 4000 },
      (_, i) => upsertSql("fam___notes", ["id", "note"], [i, `note ${i} `.padEnd(80, "x")]),
    ),
  );
  ldb.close();
  damageLdbPage(ldb.path, CHANGES_TABLE);
  using reader = Reader.open(ldb.path);
  const error = scanError(() => reader.getChanges({ after: 0, limit: 10_000 }));
  assert.equal(error.code, "query-failed");
  assert.ok(isCorruptionError(error), error.message);
});
