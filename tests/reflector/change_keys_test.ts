import assert from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import { silentLogger } from "../../lib/log/mod.ts";
import { ChangeKeyCapture } from "../../lib/reflector/change_keys.ts";
import { parseStatement } from "../../lib/reflector/statement.ts";
import {
  createTableSql,
  type FieldDef,
  LEDGER_COLUMN_TYPES,
  upsertSql,
} from "../../lib/schema/mod.ts";

const FIELDS: FieldDef[] = [
  { name: "tag", type: "string" },
  { name: "id", type: "integer" },
  { name: "data", type: "bytestring" },
  { name: "note", type: "string" },
];

/** A table keyed by (tag, id, data), so every literal kind is part of the key. */
function captureOn(): { db: DatabaseSync; capture: ChangeKeyCapture } {
  const db = new DatabaseSync(":memory:");
  db.exec(createTableSql(LEDGER_COLUMN_TYPES, "fam___tbl", FIELDS, ["tag", "id", "data"]));
  return { db, capture: new ChangeKeyCapture(db, silentLogger, { clearKeys: false }) };
}

/**
 * The key of the one row of the table, as stored (a blob in the text column reported as text,
 * as the changelog has always done).
 */
function storedKey(db: DatabaseSync): unknown[] {
  const statement = db.prepare(`SELECT "tag", "id", "data" FROM fam___tbl`);
  statement.setReadBigInts(true);
  const rows = statement.all();
  assert.equal(rows.length, 1);
  const tag = rows[0]!.tag;
  return [
    tag instanceof Uint8Array ? new TextDecoder().decode(tag) : tag,
    rows[0]!.id,
    rows[0]!.data,
  ];
}

const UPSERTS: { name: string; sql: string }[] = [
  {
    name: "the executive's form",
    sql: upsertSql("fam___tbl", ["tag", "id", "data", "note"], [
      "it's",
      9223372036854775807n,
      new Uint8Array([0, 255]),
      "x",
    ]),
  },
  {
    name: "columns in another order",
    sql: upsertSql("fam___tbl", ["note", "data", "id", "tag"], [
      "x",
      new Uint8Array([1]),
      -9223372036854775808n,
      "a,b)",
    ]),
  },
  {
    name: "a string containing NUL (written as a blob literal)",
    sql: upsertSql("fam___tbl", ["tag", "id", "data", "note"], [
      "a\0b",
      1,
      new Uint8Array([2]),
      null,
    ]),
  },
  {
    name: "a text literal in the integer key column (stored as an integer)",
    sql: `REPLACE INTO fam___tbl ("tag","id","data","note") VALUES('t','007',x'03',NULL)`,
  },
  {
    name: "INSERT OR REPLACE with spaces",
    sql:
      `INSERT OR REPLACE INTO fam___tbl ("tag", "id", "data", "note") VALUES ('t', 6, x'05', 'n')`,
  },
];

for (const { name, sql } of UPSERTS) {
  Deno.test(`an upsert's recorded key is the stored key: ${name}`, () => {
    const { db, capture } = captureOn();
    try {
      const change = capture.run(parseStatement(sql), sql);
      assert.equal(change?.op, "upsert");
      assert.equal(change.keys.length, 1);
      assert.deepEqual(change.keys[0]!.map((part) => part.value), storedKey(db));
    } finally {
      db.close();
    }
  });
}
