import assert from "node:assert/strict";
import { HttpError } from "../../lib/http/mod.ts";
import {
  keyPartText,
  parseFullKey,
  parseKeyPart,
  parseKeyPrefix,
  sameKey,
} from "../../lib/console/keys.ts";
import type { KeyColumnInfo } from "../../lib/reader/mod.ts";

function column(name: string, fieldType: "integer" | "string" | "bytestring"): KeyColumnInfo {
  return { name, fieldType, declaredType: fieldType, isBlob: fieldType === "bytestring" };
}

const ID = column("id", "integer");
const NAME = column("name", "string");
const BLOB = column("hash", "bytestring");

function isBadRequest(pattern: RegExp) {
  return (error: unknown) =>
    error instanceof HttpError && error.status === 400 && pattern.test(error.message);
}

Deno.test("key parts are parsed by their column's type, integers exactly", () => {
  const cases: [KeyColumnInfo, string, unknown][] = [
    [ID, "42", 42n],
    [ID, "9007199254740993", 9007199254740993n],
    [ID, "-9223372036854775808", -9223372036854775808n],
    [NAME, "<script>", "<script>"],
    [NAME, "0xab", "0xab"],
    [BLOB, "0xdeadbeef", new Uint8Array([0xde, 0xad, 0xbe, 0xef])],
    [BLOB, "team-1", new TextEncoder().encode("team-1")],
    [BLOB, "0x", new Uint8Array()],
  ];
  for (const [col, text, expected] of cases) {
    assert.deepEqual(parseKeyPart(col, text), expected, `${col.name} ${text}`);
  }
});

Deno.test("key parts that are not values of their column's type are refused naming the column", () => {
  assert.throws(() => parseKeyPart(ID, "abc"), isBadRequest(/id is an integer column, and "abc"/));
  assert.throws(() => parseKeyPart(ID, "9223372036854775808"), isBadRequest(/64-bit/));
  assert.throws(() => parseKeyPart(ID, "1.5"), isBadRequest(/not a 64-bit integer/));
  assert.throws(() => parseKeyPart(BLOB, "0xabc"), isBadRequest(/hash is binary/));
});

Deno.test("a full key needs one part per key column", () => {
  assert.deepEqual(parseFullKey([ID, NAME], ["1", "a"]), [1n, "a"]);
  assert.throws(() => parseFullKey([ID, NAME], ["1"]), isBadRequest(/2 column\(s\) \(id, name\)/));
});

Deno.test("a key prefix drops trailing empty inputs and refuses gaps", () => {
  assert.deepEqual(parseKeyPrefix([ID, NAME], ["", ""]), []);
  assert.deepEqual(parseKeyPrefix([ID, NAME], ["7", ""]), [7n]);
  assert.throws(() => parseKeyPrefix([ID, NAME], ["", "a"]), isBadRequest(/id is empty/));
  assert.throws(() => parseKeyPrefix([ID], ["1", "2"]), isBadRequest(/2 values for a key of 1/));
});

Deno.test("a key part written for a URL parses back to the same value", () => {
  const values: [KeyColumnInfo, unknown][] = [
    [ID, 9007199254740993n],
    [ID, 42],
    [NAME, "a b&c=d"],
    [BLOB, new Uint8Array([0, 255, 16])],
  ];
  for (const [col, value] of values) {
    const back = parseKeyPart(col, keyPartText(value));
    assert.ok(sameKey([back], [value]), `${col.name} ${keyPartText(value)}`);
  }
});

Deno.test("keys compare by value across number and bigint, and text against binary bytes", () => {
  assert.ok(sameKey([42n, "a"], [42, "a"]));
  assert.ok(sameKey([new TextEncoder().encode("x")], ["x"]));
  assert.ok(!sameKey([42n], [43]));
  assert.ok(!sameKey([new Uint8Array([1])], [new Uint8Array([1, 2])]));
  assert.ok(!sameKey([1], [1, 2]));
});
