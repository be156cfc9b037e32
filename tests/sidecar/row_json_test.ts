import assert from "node:assert/strict";
import { stringifyGoJson } from "../../lib/schema/mod.ts";
import { encodeRow, encodeRows, RowJsonWriter } from "../../lib/sidecar/row_json.ts";

Deno.test("encodeRow writes what stringifyGoJson with sorted keys writes", () => {
  const rows: Record<string, unknown>[] = [
    {},
    { b: 1, a: "x" },
    { id: 9007199254740993n, name: "<b>&\u2028", data: new Uint8Array([0xde, 0xad]), f: 1e21 },
    { z: null, y: -0, x: 0.000001, w: 1e-7, v: "" },
    { "é": 1, "e": 2, "\u{1F600}": 3, "\uFFFD": 4, "__proto__x": 5 },
  ];
  for (const row of rows) {
    assert.equal(encodeRow(row), stringifyGoJson(row, { sortKeys: true }), Object.keys(row).join());
    assert.equal(encodeRow({ ...row }), encodeRow(row), "cached shape");
  }
  assert.equal(encodeRows(rows), stringifyGoJson(rows, { sortKeys: true }));
  assert.equal(encodeRows([]), "[]");
});

Deno.test("RowJsonWriter writes the bytes of encodeRow, whatever the strings hold", () => {
  const strings = [
    "",
    "plain ascii ~!#$%'()*+,-./:;=?@[]^_`{|}",
    'quote " and backslash \\',
    "<b>&amp;</b>",
    "tab\tnewline\ncontrol\u0001\u001f del\u007f",
    "line\u2028paragraph\u2029",
    "é ü 日本 \uFFFD \uE000",
    "pair \u{1F600} lone \uD800 end \uDC00",
  ];
  const rows: Record<string, unknown>[] = [
    {},
    ...strings.map((s, i) => ({ id: i, s, [s || "empty"]: s })),
    { id: 9007199254740993n, data: new Uint8Array([0xde, 0xad]), f: 1e21, z: null, y: -0 },
    { a: 1, b: "x" },
    { b: "y", a: 2 },
    { a: 3, b: "z" },
    {},
  ];
  const writer = new RowJsonWriter(16);
  const expected: string[] = [];
  for (const [i, row] of rows.entries()) {
    if (i > 0) writer.comma();
    writer.row(row);
    expected.push(encodeRow(row));
  }
  assert.equal(new TextDecoder().decode(writer.take()), expected.join(","));
  assert.equal(writer.length, 0);
});
