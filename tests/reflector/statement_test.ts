import { deepStrictEqual as assertEquals } from "node:assert/strict";
import { parseStatement } from "../../lib/reflector/statement.ts";

Deno.test("ledger statements are classified by the templates the executive writes", () => {
  const cases: [string, ReturnType<typeof parseStatement>][] = [
    ["--- BEGIN", { kind: "begin" }],
    ["--- COMMIT", { kind: "commit" }],
    [`REPLACE INTO fam___tbl ("id","name") VALUES(1,'a')`, { kind: "upsert", table: "fam___tbl" }],
    [`INSERT OR REPLACE INTO fam___tbl ("id") VALUES(1)`, { kind: "upsert", table: "fam___tbl" }],
    [
      `DELETE FROM fam___tbl WHERE "id" = 1 AND "k" = 'x'`,
      { kind: "delete", table: "fam___tbl", where: `"id" = 1 AND "k" = 'x'` },
    ],
    ["DELETE FROM fam___tbl", { kind: "delete", table: "fam___tbl" }],
    [
      `CREATE TABLE fam___tbl ("id" INTEGER, PRIMARY KEY("id"));`,
      { kind: "ddl", table: "fam___tbl", drop: false },
    ],
    [
      `ALTER TABLE fam___tbl ADD COLUMN "x" TEXT`,
      { kind: "ddl", table: "fam___tbl", drop: false },
    ],
    ["DROP TABLE IF EXISTS fam___tbl", { kind: "ddl", table: "fam___tbl", drop: true }],
    ["drop table fam___tbl", { kind: "ddl", table: "fam___tbl", drop: true }],
    ["CREATE INDEX i ON fam___tbl (x)", { kind: "ddl", drop: false }],
    ["UPDATE fam___tbl SET x = 1", { kind: "other" }],
    ["--- begin", { kind: "other" }],
  ];
  for (const [statement, expected] of cases) {
    assertEquals(parseStatement(statement), expected, statement);
  }
});
