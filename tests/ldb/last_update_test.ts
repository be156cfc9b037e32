import assert from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import {
  getLdbLastUpdate,
  openLdbForRead,
  openLdbForWrite,
  setLdbLastUpdate,
} from "../../lib/ldb/mod.ts";
import { tempDir } from "../_helpers/temp.ts";

Deno.test("setLdbLastUpdate stores the reflector's text form in row 'ledger'", async () => {
  await using dir = await tempDir();
  const db = openLdbForWrite(`${dir.path}/ldb.db`);
  try {
    setLdbLastUpdate(db, new Date("2024-05-01T12:34:56Z"));
    setLdbLastUpdate(db, new Date("2024-05-01T12:34:57.25Z"));
    assert.deepEqual(
      db.prepare("SELECT name, timestamp, typeof(timestamp) AS t FROM _ldb_last_update").all()
        .map((r) => ({ ...r })),
      [{ name: "ledger", timestamp: "2024-05-01 12:34:57.25+00:00", t: "text" }],
    );
    assert.equal(getLdbLastUpdate(db)?.toISOString(), "2024-05-01T12:34:57.250Z");
  } finally {
    db.close();
  }
});

Deno.test("getLdbLastUpdate reads every accepted text layout and Unix seconds or milliseconds", async () => {
  await using dir = await tempDir();
  const path = `${dir.path}/ldb.db`;
  const writer = openLdbForWrite(path);
  const reader = openLdbForRead(path);
  try {
    const cases: [string, string][] = [
      ["2024-05-01 12:34:56.5+00:00", "2024-05-01T12:34:56.500Z"],
      ["2024-05-01T13:34:56.5+01:00", "2024-05-01T12:34:56.500Z"],
      ["2024-05-01 12:34:56.5", "2024-05-01T12:34:56.500Z"],
      ["2024-05-01T12:34:56.5", "2024-05-01T12:34:56.500Z"],
      ["2024-05-01 12:34:56", "2024-05-01T12:34:56.000Z"],
      ["2024-05-01T12:34:56", "2024-05-01T12:34:56.000Z"],
      ["2024-05-01 12:34", "2024-05-01T12:34:00.000Z"],
      ["2024-05-01T12:34", "2024-05-01T12:34:00.000Z"],
      ["2024-05-01", "2024-05-01T00:00:00.000Z"],
      ["2024-05-01T12:34:56Z", "2024-05-01T12:34:56.000Z"],
    ];
    const store = writer.prepare(
      "REPLACE INTO _ldb_last_update (name, timestamp) VALUES ('ledger', ?)",
    );
    for (const [text, iso] of cases) {
      store.run(text);
      assert.equal(getLdbLastUpdate(reader)?.toISOString(), iso, text);
    }
    const numbers: [number, string][] = [
      [1714566896, "2024-05-01T12:34:56.000Z"],
      [1714566896500, "2024-05-01T12:34:56.500Z"],
    ];
    for (const [unix, iso] of numbers) {
      store.run(unix);
      assert.equal(getLdbLastUpdate(reader)?.toISOString(), iso, String(unix));
    }
    store.run("not a time");
    assert.throws(() => getLdbLastUpdate(reader), RangeError);
  } finally {
    reader.close();
    writer.close();
  }
});

Deno.test("getLdbLastUpdate is undefined without the table or the row", () => {
  const db = new DatabaseSync(":memory:");
  try {
    assert.equal(getLdbLastUpdate(db), undefined);
    db.exec(
      "CREATE TABLE _ldb_last_update (name STRING PRIMARY KEY NOT NULL, timestamp DATETIME NOT NULL)",
    );
    assert.equal(getLdbLastUpdate(db), undefined);
  } finally {
    db.close();
  }
});
