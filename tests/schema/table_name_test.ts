import assert from "node:assert/strict";
import { ldbTableName, parseLdbTableName } from "../../lib/schema/table_name.ts";

Deno.test("physical table names join family and table with three underscores", () => {
  assert.deepEqual(ldbTableName("myfamily", "mytable"), "myfamily___mytable");
});

Deno.test("physical table names decode only into two valid names", () => {
  const cases: [string, { family: string; table: string } | undefined][] = [
    ["myfamily___mytable", { family: "myfamily", table: "mytable" }],
    ["MyFamily___MyTable", { family: "myfamily", table: "mytable" }],
    ["fam_1___tbl_2", { family: "fam_1", table: "tbl_2" }],
    ["foo____bar", { family: "foo_", table: "bar" }],
    ["_ldb_seq", undefined],
    ["_ldb_last_update", undefined],
    ["families", undefined],
    ["ctlstore_dml_ledger", undefined],
    ["a___b___c", undefined],
    ["ab___mytable", undefined],
    ["myfamily___", undefined],
    ["___", undefined],
  ];
  for (const [name, want] of cases) assert.deepEqual(parseLdbTableName(name), want, name);
});
