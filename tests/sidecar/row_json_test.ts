import assert from "node:assert/strict";
import { stringifyGoJson } from "../../lib/schema/mod.ts";
import { encodeRow, encodeRows } from "../../lib/sidecar/row_json.ts";

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
