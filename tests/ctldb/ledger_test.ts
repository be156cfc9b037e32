import assert from "node:assert/strict";
import { parseLeaderTs, quoteLedgerTable } from "../../lib/ctldb/ledger.ts";

const TIMESTAMPS: [string, string][] = [
  ["2024-05-06 07:08:09", "2024-05-06T07:08:09.000Z"],
  ["1999-12-31 23:59:59", "1999-12-31T23:59:59.000Z"],
  ["2020-02-29 00:00:00", "2020-02-29T00:00:00.000Z"],
  ["2024-05-06 07:08:09.123456", "2024-05-06T07:08:09.123Z"],
  ["2024-05-06T07:08:09Z", "2024-05-06T07:08:09.000Z"],
  ["2024-05-06 07:08:09+00:00", "2024-05-06T07:08:09.000Z"],
];

Deno.test("parseLeaderTs reads ledger timestamps as UTC", () => {
  for (const [text, iso] of TIMESTAMPS) assert.equal(parseLeaderTs(text).toISOString(), iso, text);
});

const BAD_TIMESTAMPS = ["", "2024-05-06", "2024-02-30 00:00:00", "2024-05-06 07:08", "null"];

Deno.test("parseLeaderTs rejects text that is not a timestamp", () => {
  for (const text of BAD_TIMESTAMPS) assert.throws(() => parseLeaderTs(text), RangeError, text);
});

Deno.test("quoteLedgerTable accepts identifiers only", () => {
  assert.equal(quoteLedgerTable("ctlstore_dml_ledger"), '"ctlstore_dml_ledger"');
  assert.equal(quoteLedgerTable("_L2"), '"_L2"');
  for (const bad of ["", "a b", 'a"b', "a;b", "1abc", "a.b", "x".repeat(65)]) {
    assert.throws(() => quoteLedgerTable(bad), TypeError, bad);
  }
});
