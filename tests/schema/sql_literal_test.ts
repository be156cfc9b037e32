import assert from "node:assert/strict";
import { formatGoFloat, sqlLiteral, type SqlValue } from "../../lib/schema/sql_literal.ts";

Deno.test("numbers format like Go FormatFloat(v, 'f', -1, 64)", () => {
  const cases: [number, string][] = [
    [0, "0"],
    [-0, "-0"],
    [1, "1"],
    [10, "10"],
    [-10, "-10"],
    [10.5, "10.5"],
    [0.5, "0.5"],
    [100, "100"],
    [1e21, "1000000000000000000000"],
    [-1e21, "-1000000000000000000000"],
    [1e22, "10000000000000000000000"],
    [1.5e300, "15" + "0".repeat(299)],
    [1e-7, "0.0000001"],
    [1.25e-7, "0.000000125"],
    [1e-6, "0.000001"],
    [0.1 + 0.2, "0.30000000000000004"],
    [5e-324, "0." + "0".repeat(323) + "5"],
    [1.7976931348623157e308, "17976931348623157" + "0".repeat(292)],
    [123456789012345680000, "123456789012345680000"],
    [1700000000123456789, "1700000000123456800"],
    [9007199254740993, "9007199254740992"],
    [2 ** 63, "9223372036854776000"],
    [123.456, "123.456"],
    [-0.001, "-0.001"],
    [NaN, "NaN"],
    [Infinity, "+Inf"],
    [-Infinity, "-Inf"],
  ];
  for (const [value, want] of cases) assert.deepEqual(formatGoFloat(value), want, String(value));
});

Deno.test("formatted numbers read back as the same double and never use an exponent", () => {
  const view = new DataView(new ArrayBuffer(8));
  let seed = 12345;
  for (let i = 0; i < 5000; i++) {
    seed = (seed * 1103515245 + 12345) >>> 0;
    view.setUint32(0, seed);
    seed = (seed * 1103515245 + 12345) >>> 0;
    view.setUint32(4, seed);
    const value = view.getFloat64(0);
    if (!Number.isFinite(value)) continue;
    const text = formatGoFloat(value);
    assert.deepEqual(/^-?\d+(\.\d+)?$/.test(text), true, text);
    assert.deepEqual(Number(text), value, text);
  }
});

Deno.test("values render as the original's SQL literals", () => {
  const cases: [SqlValue, string][] = [
    [null, "NULL"],
    [true, "true"],
    [false, "false"],
    [1, "1"],
    [1e21, "1000000000000000000000"],
    [1700000000123456789n, "1700000000123456789"],
    [-9223372036854775808n, "-9223372036854775808"],
    [9223372036854775807n, "9223372036854775807"],
    ["", "''"],
    ["it's", "'it''s'"],
    ["''", "''''''"],
    ["back\\slash", "'back\\slash'"],
    ["line\nbreak", "'line\nbreak'"],
    ["héllo ✓", "'héllo ✓'"],
    ["a\0b", "x'610062'"],
    ["\0", "x'00'"],
    ["é\0", "x'c3a900'"],
    [new Uint8Array([0xde, 0xad, 0xbe, 0xef]), "x'deadbeef'"],
    [new Uint8Array([0, 1, 0x0a, 0xff]), "x'00010aff'"],
    [new Uint8Array(), "x''"],
  ];
  for (const [value, want] of cases) assert.deepEqual(sqlLiteral(value), want, String(value));
});
