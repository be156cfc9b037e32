import assert from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import {
  addColumnSql,
  clearTableSql,
  createTableSql,
  deleteRowSql,
  dropTableSql,
  type FieldDef,
  LEDGER_BEGIN,
  LEDGER_COMMIT,
  upsertSql,
} from "../../lib/schema/sql_gen.ts";
import { coerceFieldValue } from "../../lib/schema/field_values.ts";
import { type ColumnTypes, LEDGER_COLUMN_TYPES } from "../../lib/schema/field_types.ts";

/** Another database's column types (MySQL's, as the original's ctldb uses them). */
const OTHER: ColumnTypes = {
  string: "VARCHAR(191)",
  integer: "BIGINT",
  decimal: "DOUBLE",
  text: "MEDIUMTEXT",
  binary: "MEDIUMBLOB",
  bytestring: "VARBINARY(255)",
};

const FIELDS: FieldDef[] = [
  { name: "id", type: "integer" },
  { name: "name", type: "string" },
  { name: "data", type: "bytestring" },
];

Deno.test("create table matches the end-to-end example with either set of column types", () => {
  assert.deepEqual(
    createTableSql(LEDGER_COLUMN_TYPES, "myfamily___mytable", FIELDS, ["id"]),
    'CREATE TABLE myfamily___mytable ("id" INTEGER, "name" VARCHAR(191), "data" BLOB(255), PRIMARY KEY("id"));',
  );
  assert.deepEqual(
    createTableSql(OTHER, "myfamily___mytable", FIELDS, ["id"]),
    'CREATE TABLE myfamily___mytable ("id" BIGINT, "name" VARCHAR(191), "data" VARBINARY(255), PRIMARY KEY("id"));',
  );
});

Deno.test("create table lists key fields in key order joined without spaces", () => {
  const fields: FieldDef[] = [
    { name: "a", type: "string" },
    { name: "b", type: "decimal" },
    { name: "c", type: "text" },
    { name: "d", type: "binary" },
  ];
  assert.deepEqual(
    createTableSql(OTHER, "f___t", fields, ["c", "a"]),
    'CREATE TABLE f___t ("a" VARCHAR(191), "b" DOUBLE, "c" MEDIUMTEXT, "d" MEDIUMBLOB, PRIMARY KEY("c","a"));',
  );
  assert.deepEqual(
    createTableSql(LEDGER_COLUMN_TYPES, "f___t", fields, ["c", "a"]),
    'CREATE TABLE f___t ("a" VARCHAR(191), "b" REAL, "c" TEXT, "d" BLOB, PRIMARY KEY("c","a"));',
  );
});

Deno.test("add column has no trailing semicolon", () => {
  const field: FieldDef = { name: "extra", type: "bytestring" };
  assert.deepEqual(
    addColumnSql(LEDGER_COLUMN_TYPES, "f___t", field),
    'ALTER TABLE f___t ADD COLUMN "extra" BLOB(255)',
  );
  assert.deepEqual(
    addColumnSql(OTHER, "f___t", field),
    'ALTER TABLE f___t ADD COLUMN "extra" VARBINARY(255)',
  );
});

Deno.test("upsert and delete match the end-to-end example", () => {
  const values = FIELDS.map((f, i) => coerceFieldValue(f.type, f.name, [1, "it's", "3q2+7w=="][i]));
  assert.deepEqual(
    upsertSql("myfamily___mytable", FIELDS.map((f) => f.name), values),
    `REPLACE INTO myfamily___mytable ("id","name","data") VALUES(1,'it''s',x'deadbeef')`,
  );
  assert.deepEqual(
    deleteRowSql("myfamily___mytable", ["id"], [2]),
    'DELETE FROM myfamily___mytable WHERE "id" = 2',
  );
  assert.deepEqual(
    deleteRowSql("f___t", ["a", "b"], ["x", 9223372036854775807n]),
    `DELETE FROM f___t WHERE "a" = 'x' AND "b" = 9223372036854775807`,
  );
});

Deno.test("clear, drop and ledger markers are the exact strings", () => {
  assert.deepEqual(clearTableSql("f___t"), "DELETE FROM f___t");
  assert.deepEqual(dropTableSql("f___t"), "DROP TABLE IF EXISTS f___t");
  assert.deepEqual(LEDGER_BEGIN, "--- BEGIN");
  assert.deepEqual(LEDGER_COMMIT, "--- COMMIT");
});

Deno.test("value and column counts must agree", () => {
  assert.throws(() => upsertSql("f___t", ["a", "b"], [1]), RangeError);
  assert.throws(() => deleteRowSql("f___t", ["a"], []), RangeError);
});

Deno.test("generated statements apply on SQLite and keep exact values", () => {
  const db = new DatabaseSync(":memory:");
  try {
    db.exec(createTableSql(LEDGER_COLUMN_TYPES, "myfamily___mytable", FIELDS, ["id"]));
    db.exec(
      addColumnSql(LEDGER_COLUMN_TYPES, "myfamily___mytable", { name: "score", type: "decimal" }),
    );
    const columns = ["id", "name", "data", "score"];
    const rows: unknown[][] = [
      [1, "it's", "3q2+7w==", 0.1 + 0.2],
      [9223372036854775807n, "a\0b", null, 1e-7],
      [-9223372036854775808n, 0.30000000000000004, "", 1e21],
    ];
    for (const row of rows) {
      const types = ["integer", "string", "bytestring", "decimal"] as const;
      const values = row.map((v, i) => coerceFieldValue(types[i]!, columns[i]!, v));
      db.exec(upsertSql("myfamily___mytable", columns, values));
    }
    const read = db.prepare("SELECT * FROM myfamily___mytable ORDER BY id");
    read.setReadBigInts(true);
    const got = read.all().map((r) => ({ ...r }));
    assert.deepEqual(got, [
      {
        id: -9223372036854775808n,
        name: "0.30000000000000004",
        data: new Uint8Array(),
        score: 1e21,
      },
      { id: 1n, name: "it's", data: new Uint8Array([0xde, 0xad, 0xbe, 0xef]), score: 0.1 + 0.2 },
      // A string with NUL goes out as a hex literal, as in the original, so SQLite keeps a blob.
      { id: 9223372036854775807n, name: new Uint8Array([0x61, 0, 0x62]), data: null, score: 1e-7 },
    ]);
    db.exec(deleteRowSql("myfamily___mytable", ["id"], [1]));
    db.exec(clearTableSql("myfamily___mytable"));
    db.exec(dropTableSql("myfamily___mytable"));
    db.exec(dropTableSql("myfamily___mytable"));
  } finally {
    db.close();
  }
});
