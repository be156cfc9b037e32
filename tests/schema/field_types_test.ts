import assert from "node:assert/strict";
import {
  canBeKey,
  FIELD_TYPES,
  type FieldType,
  fieldTypeOfColumn,
  isFieldType,
  LEDGER_COLUMN_TYPES,
  sqliteColumnType,
} from "../../lib/schema/field_types.ts";

const TYPES: [FieldType, string, boolean][] = [
  ["string", "VARCHAR(191)", true],
  ["integer", "INTEGER", true],
  ["decimal", "REAL", false],
  ["text", "TEXT", false],
  ["binary", "BLOB", false],
  ["bytestring", "BLOB(255)", true],
];

Deno.test("each field type maps to the original's ledger (SQLite) column type", () => {
  assert.deepEqual([...FIELD_TYPES], TYPES.map(([t]) => t));
  for (const [type, sqlite, key] of TYPES) {
    assert.deepEqual(sqliteColumnType(type), sqlite, type);
    assert.deepEqual(LEDGER_COLUMN_TYPES[type], sqlite, type);
    assert.deepEqual(canBeKey(type), key, type);
    assert.deepEqual(isFieldType(type), true, type);
  }
});

Deno.test("type strings in requests are case-sensitive", () => {
  for (const text of ["Integer", "STRING", "int", "", "toString", "__proto__"]) {
    assert.deepEqual(isFieldType(text), false, text);
  }
});

Deno.test("column types read back from either database resolve case-insensitively", () => {
  const cases: [string, FieldType | undefined][] = [
    ["varchar", "string"],
    ["VARCHAR(191)", "string"],
    ["char", "string"],
    ["CHARACTER", "string"],
    ["text", "text"],
    ["MEDIUMTEXT", "text"],
    ["longtext", "text"],
    ["INTEGER", "integer"],
    ["smallint", "integer"],
    ["mediumint", "integer"],
    ["bigint", "integer"],
    ["REAL", "decimal"],
    ["float", "decimal"],
    ["double", "decimal"],
    ["BLOB", "binary"],
    ["mediumblob", "binary"],
    ["longblob", "binary"],
    ["varbinary", "bytestring"],
    ["BLOB(255)", "bytestring"],
    ["int", undefined],
    ["varchar(255)", undefined],
    ["VARBINARY(255)", undefined],
    ["", undefined],
    ["constructor", undefined],
  ];
  for (const [text, want] of cases) assert.deepEqual(fieldTypeOfColumn(text), want, text);
});

Deno.test("every generated SQLite column type resolves back to its field type", () => {
  for (const type of FIELD_TYPES) assert.deepEqual(fieldTypeOfColumn(sqliteColumnType(type)), type);
});
