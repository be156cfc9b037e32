import assert from "node:assert/strict";
import { coerceFieldValue, ValueError } from "../../lib/schema/field_values.ts";
import type { FieldType } from "../../lib/schema/field_types.ts";
import type { SqlValue } from "../../lib/schema/sql_literal.ts";

type Ok = [FieldType, unknown, SqlValue];
type Bad = [FieldType, unknown, string];

const long = (n: number) => "é".repeat(n);

Deno.test("accepted values come back ready for the SQL generator", () => {
  const cases: Ok[] = [
    ["string", "it's", "it's"],
    ["string", long(191), long(191)],
    ["string", "😀".repeat(191), "😀".repeat(191)],
    ["string", 10, 10],
    ["string", -0, -0],
    ["string", true, true],
    ["string", 9223372036854775807n, 9223372036854775807n],
    ["string", 10.5, "10.5"],
    ["string", 0.1 + 0.2, "0.30000000000000004"],
    ["string", 1e21, "1000000000000000000000"],
    ["string", 99999999999999999999n, "99999999999999999999"],
    ["text", "x".repeat(100_000), "x".repeat(100_000)],
    ["text", 1.5, "1.5"],
    ["text", false, false],
    ["integer", 0, 0],
    ["integer", -42, -42],
    ["integer", 1e18, 1e18],
    ["integer", 1700000000123456789n, 1700000000123456789n],
    ["integer", -9223372036854775808n, -9223372036854775808n],
    ["integer", 9223372036854775807n, 9223372036854775807n],
    ["decimal", 10.5, 10.5],
    ["decimal", 3, 3],
    ["decimal", 1700000000123456789n, 1700000000123456800],
    ["binary", "3q2+7w==", new Uint8Array([0xde, 0xad, 0xbe, 0xef])],
    ["binary", "", new Uint8Array()],
    ["binary", "AQID\nBA==", new Uint8Array([1, 2, 3, 4])],
    ["bytestring", "/w==", new Uint8Array([0xff])],
    ["bytestring", btoa("x".repeat(255)), new TextEncoder().encode("x".repeat(255))],
  ];
  for (const [type, value, want] of cases) {
    assert.deepEqual(coerceFieldValue(type, "f", value), want, `${type} ${String(value)}`);
  }
});

Deno.test("null is accepted for every type", () => {
  for (const type of ["string", "integer", "decimal", "text", "binary", "bytestring"] as const) {
    assert.equal(coerceFieldValue(type, "f", null), null, type);
  }
});

Deno.test("rejected values name the field and say what was wrong", () => {
  const cases: Bad[] = [
    ["string", { a: 1 }, "field 'f': objects and arrays are not supported"],
    ["integer", [1], "field 'f': objects and arrays are not supported"],
    ["binary", [], "field 'f': objects and arrays are not supported"],
    ["string", long(192), "field 'f': string values can be at most 191 characters, got 192"],
    ["string", 1e300, "field 'f': string values can be at most 191 characters, got 301"],
    ["string", Infinity, "field 'f': numbers must be finite"],
    ["text", -Infinity, "field 'f': numbers must be finite"],
    ["integer", 1.5, "field 'f': expected an integer, got 1.5"],
    ["integer", "12", "field 'f': expected an integer, got string"],
    ["integer", true, "field 'f': expected an integer, got boolean"],
    ["integer", Infinity, "field 'f': expected an integer, got +Inf"],
    ["integer", 2 ** 63, "field 'f': integer 9223372036854776000 is outside the 64-bit range"],
    [
      "integer",
      9223372036854775808n,
      "field 'f': integer 9223372036854775808 is outside the 64-bit range",
    ],
    [
      "integer",
      -9223372036854775809n,
      "field 'f': integer -9223372036854775809 is outside the 64-bit range",
    ],
    ["decimal", "1.5", "field 'f': expected a number, got string"],
    ["decimal", false, "field 'f': expected a number, got boolean"],
    ["decimal", Infinity, "field 'f': numbers must be finite"],
    ["binary", 5, "field 'f': maybeDecodeBase64 input not string"],
    ["bytestring", true, "field 'f': maybeDecodeBase64 input not string"],
    [
      "bytestring",
      btoa("x".repeat(256)),
      "field 'f': bytestring values can be at most 255 bytes, got 256",
    ],
    ["integer", undefined, "field 'f': missing value"],
  ];
  for (const [type, value, want] of cases) {
    assert.throws(() => coerceFieldValue(type, "f", value), (e: unknown) => {
      assert.ok(e instanceof ValueError, `${type} ${String(value)}`);
      assert.equal(e.message, want);
      assert.equal(e.field, "f");
      return true;
    });
  }
});

// Go's own TestDecodeCorrupt vectors (encoding/base64), plus multi-byte UTF-8 input.
const GO_CORRUPT: [string, number][] = [
  ["", -1],
  ["\n", -1],
  ["AAA=\n", -1],
  ["AAAA\n", -1],
  ["!!!!", 0],
  ["====", 0],
  ["x===", 1],
  ["=AAA", 0],
  ["A=AA", 1],
  ["AA=A", 2],
  ["AA==A", 4],
  ["AAA=AAAA", 4],
  ["AAAAA", 4],
  ["AAAAAA", 4],
  ["A=", 1],
  ["A==", 1],
  ["AA=", 3],
  ["AA==", -1],
  ["AAA=", -1],
  ["AAAA", -1],
  ["AAAAAA=", 7],
  ["YWJjZA=====", 8],
  ["A!\n", 1],
  ["A=\n", 1],
  ["3q2-7w==", 3],
  ["é", 0],
  ["AAAAé", 4],
];

Deno.test("bad base64 reports Go's byte offset", () => {
  for (const [input, offset] of GO_CORRUPT) {
    if (offset === -1) {
      assert.ok(coerceFieldValue("binary", "data", input) instanceof Uint8Array, input);
      continue;
    }
    assert.throws(
      () => coerceFieldValue("binary", "data", input),
      (e: unknown) => {
        assert.ok(e instanceof ValueError, input);
        assert.equal(
          e.message,
          `field 'data': maybeDecodeBase64: illegal base64 data at input byte ${offset}`,
          input,
        );
        return true;
      },
    );
  }
});
