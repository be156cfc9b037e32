import assert from "node:assert/strict";
import { parseJsonExact, stringifyGoJson } from "../../lib/schema/json.ts";

Deno.test("integer literals beyond 2^53 parse as exact bigints", () => {
  const cases: [string, unknown][] = [
    ["1700000000123456789", 1700000000123456789n],
    ["-9223372036854775808", -9223372036854775808n],
    ["9223372036854775807", 9223372036854775807n],
    ["9007199254740993", 9007199254740993n],
    ["9007199254740992", 9007199254740992n],
    ["9007199254740991", 9007199254740991],
    ["-9007199254740991", -9007199254740991],
    ["123456789012345678901234567890", 123456789012345678901234567890n],
    ["1700000000123456789.0", 1700000000123456800],
    ["1.7e18", 1.7e18],
    ["17E17", 1.7e18],
    ["0.1", 0.1],
    ["-0", -0],
    ["1e400", Infinity],
    ['"12345678901234567890"', "12345678901234567890"],
    ['{"id":1700000000123456789,"x":[1,9223372036854775807]}', {
      id: 1700000000123456789n,
      x: [1, 9223372036854775807n],
    }],
    ['{"s":"1234567890123456789","n":5}', { s: "1234567890123456789", n: 5 }],
    ["[true,false,null]", [true, false, null]],
  ];
  for (const [text, want] of cases) assert.deepEqual(parseJsonExact(text), want, text);
});

Deno.test("bad JSON throws SyntaxError", () => {
  for (const text of ["", "{", "[1,]", "{'a':1}", "12345678901234567890x", "NaN"]) {
    assert.throws(() => parseJsonExact(text), SyntaxError, text);
  }
});

Deno.test("a 1 MiB body of large integers parses exactly", () => {
  const ids = Array.from({ length: 50_000 }, (_, i) => `${1700000000000000000n + BigInt(i)}`);
  const text = `[${ids.join(",")}]`;
  assert.ok(text.length > 1_000_000);
  const parsed = parseJsonExact(text) as bigint[];
  assert.equal(parsed.length, ids.length);
  assert.equal(parsed[49_999], 1700000000000049999n);
});

Deno.test("strings are escaped like Go encoding/json", () => {
  const cases: [string, string][] = [
    ["plain", '"plain"'],
    ["<b>&amp;</b>", '"\\u003cb\\u003e\\u0026amp;\\u003c/b\\u003e"'],
    ["\u2028\u2029", '"\\u2028\\u2029"'],
    ['q"b\\s', '"q\\"b\\\\s"'],
    ["\n\r\t", '"\\n\\r\\t"'],
    ["\b\f", '"\\b\\f"'],
    ["\0\x01\x1f", '"\\u0000\\u0001\\u001f"'],
    ["\x7f", '"\x7f"'],
    ["héllo ✓ 😀", '"héllo ✓ 😀"'],
    ["/", '"/"'],
    ["bad\ud800x", '"bad\ufffdx"'],
  ];
  for (const [value, want] of cases) assert.equal(stringifyGoJson(value), want, value);
});

Deno.test("numbers encode like Go float64 JSON", () => {
  const cases: [number | bigint, string][] = [
    [0, "0"],
    [-0, "-0"],
    [1, "1"],
    [10.5, "10.5"],
    [1e20, "100000000000000000000"],
    [1e21, "1e+21"],
    [1.5e300, "1.5e+300"],
    [1e-6, "0.000001"],
    [1e-7, "1e-7"],
    [1.25e-10, "1.25e-10"],
    [5e-324, "5e-324"],
    [0.1 + 0.2, "0.30000000000000004"],
    [1700000000123456789, "1700000000123456800"],
    [1700000000123456789n, "1700000000123456789"],
    [-9223372036854775808n, "-9223372036854775808"],
  ];
  for (const [value, want] of cases) assert.equal(stringifyGoJson(value), want, String(value));
  for (const value of [NaN, Infinity, -Infinity]) {
    assert.throws(() => stringifyGoJson(value), TypeError, String(value));
  }
});

Deno.test("objects keep insertion order unless keys are sorted", () => {
  const line = {
    seq: 1,
    family: "myfamily",
    table: "mytable",
    key: [{ name: "id", type: "INTEGER", value: 1 }],
  };
  assert.equal(
    stringifyGoJson(line),
    '{"seq":1,"family":"myfamily","table":"mytable","key":[{"name":"id","type":"INTEGER","value":1}]}',
  );
  const row = { name: "it's", id: 1, data: new Uint8Array([0xde, 0xad, 0xbe, 0xef]) };
  assert.equal(
    stringifyGoJson(row, { sortKeys: true }),
    '{"data":"3q2+7w==","id":1,"name":"it\'s"}',
  );
  assert.equal(
    stringifyGoJson({ b: { z: 1, a: [{ y: 2, x: 3 }] }, a: null }, { sortKeys: true }),
    '{"a":null,"b":{"a":[{"x":3,"y":2}],"z":1}}',
  );
  assert.equal(
    stringifyGoJson({ "\uffff": 1, "\u{10000}": 2, "Z": 3, "a": 4 }, { sortKeys: true }),
    '{"Z":3,"a":4,"\uffff":1,"\u{10000}":2}',
  );
});

Deno.test("bytes, maps, undefined and toJSON encode like Go", () => {
  const cases: [unknown, string][] = [
    [new Uint8Array(), '""'],
    [new Uint8Array([0xff]), '"/w=="'],
    [new Uint8Array([0xfb, 0xff]), '"+/8="'],
    [new Uint8Array([1, 2, 3]), '"AQID"'],
    [new Map<string, unknown>([["b", 1], ["a", "<"]]), '{"b":1,"a":"\\u003c"}'],
    [{ a: undefined, b: 1 }, '{"b":1}'],
    [[undefined, null], "[null,null]"],
    [undefined, "null"],
    [[], "[]"],
    [{}, "{}"],
    [{ toJSON: () => "x" }, '"x"'],
    [{ unit: "seconds", value: 0.5 }, '{"unit":"seconds","value":0.5}'],
  ];
  for (const [value, want] of cases) assert.equal(stringifyGoJson(value), want, want);
});
