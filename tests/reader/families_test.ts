import { deepStrictEqual as assertEquals, equal, throws } from "node:assert/strict";
import { silentLogger } from "../../lib/log/mod.ts";
import { Reader, ReaderError, type ReaderErrorCode, RotatingReader } from "../../lib/mod.ts";
import { fitSnapshotToFamilies } from "../../lib/reflector/partial_snapshot.ts";
import type { FieldDef } from "../../lib/schema/mod.ts";
import { historyLdb } from "../_helpers/history_ldb.ts";

const USERS: FieldDef[] = [{ name: "id", type: "integer" }, { name: "name", type: "string" }];
const NOT_CARRIED =
  'family "other" is not carried by this LDB (partial LDB of families ctlstore, fam)';

function throwsCode(fn: () => unknown, code: ReaderErrorCode, message: string): void {
  throws(fn, (e: unknown) => {
    equal(e instanceof ReaderError && e.code, code);
    equal((e as Error).message, message);
    return true;
  });
}

Deno.test("a full LDB reports no family set and answers a missing table as not found", () => {
  using ldb = historyLdb();
  ldb.createTable("fam", "users", USERS, ["id"]);
  using reader = Reader.open(ldb.path);
  equal(reader.getFamilies(), undefined);
  throwsCode(() => reader.getRowByKey("other", "users", 1), "table-not-found", "Table not found");
  assertEquals(reader.getChanges({ after: 0, family: "other" }).changes, []);
});

Deno.test("a partial LDB reports its families and answers reads of any other as not carried", () => {
  using ldb = historyLdb();
  ldb.createTable("fam", "users", USERS, ["id"]);
  ldb.createTable("other", "users", USERS, ["id"]);
  ldb.upsert("fam", "users", USERS, [1, "ada"]);
  ldb.upsert("other", "users", USERS, [1, "secret"]);
  fitSnapshotToFamilies(ldb.path, ["ctlstore", "fam"], silentLogger);
  using reader = Reader.open(ldb.path);

  assertEquals(reader.getFamilies(), ["ctlstore", "fam"]);
  assertEquals(reader.getRowByKey("fam", "users", 1), { id: 1, name: "ada" });
  throwsCode(() => reader.getRowByKey("Other", "users", 1), "family-not-carried", NOT_CARRIED);
  throwsCode(() => reader.getRowsByKeyPrefix("other", "users"), "family-not-carried", NOT_CARRIED);
  throwsCode(() => reader.tableInfo("other", "users"), "family-not-carried", NOT_CARRIED);
  throwsCode(
    () => reader.getChanges({ after: 0, family: "other" }),
    "family-not-carried",
    NOT_CARRIED,
  );
  // A missing table of a carried family is still just a missing table.
  throwsCode(() => reader.getRowByKey("fam", "nope", 1), "table-not-found", "Table not found");
  throwsCode(
    () => reader.getRowByKey("ctlstore", "beats", 1),
    "table-not-found",
    "Table not found",
  );
  assertEquals(
    reader.getChanges({ after: 0 }).changes.map((c) => `${c.family}.${c.table} ${c.op}`),
    ["fam.users schema", "fam.users upsert"],
  );
  const rotating = RotatingReader.open([ldb.path, ldb.path], 30);
  try {
    assertEquals(rotating.getFamilies(), ["ctlstore", "fam"]);
    throwsCode(() => rotating.getRowByKey("other", "users", 1), "family-not-carried", NOT_CARRIED);
  } finally {
    rotating.close();
  }
});
