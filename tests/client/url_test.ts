import assert from "node:assert/strict";
import { normalizeExecutiveUrl } from "../../lib/client/mod.ts";

Deno.test("normalizeExecutiveUrl prepends http:// unless a scheme is given and drops trailing slashes", () => {
  const cases: [string, string][] = [
    ["ctlstore-executive.segment.local", "http://ctlstore-executive.segment.local"],
    ["localhost:3000", "http://localhost:3000"],
    ["http://exec:3000/", "http://exec:3000"],
    ["https://exec.example.com//", "https://exec.example.com"],
    ["  127.0.0.1:1  ", "http://127.0.0.1:1"],
  ];
  for (const [input, expected] of cases) {
    assert.equal(normalizeExecutiveUrl(input), expected, input);
  }
});

Deno.test("normalizeExecutiveUrl rejects values that are not URLs", () => {
  for (const input of ["", "http://", "exec:notaport"]) {
    assert.throws(() => normalizeExecutiveUrl(input), TypeError, input);
  }
});
