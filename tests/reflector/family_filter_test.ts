import { deepStrictEqual as assertEquals, equal, match, ok, throws } from "node:assert/strict";
import {
  advanceLdbSeq,
  getLdbLastUpdate,
  getLdbSeq,
  openLdbForWrite,
  readLdbFamilies,
  writeLdbFamilies,
} from "../../lib/ldb/mod.ts";
import {
  checkLdbFamilySet,
  FamilyFilter,
  resolveFamilySet,
} from "../../lib/reflector/family_filter.ts";
import { silentLogger } from "../../lib/log/mod.ts";
import { Applier, type CommitInfo } from "../../lib/reflector/applier.ts";
import { openChangeHistory } from "../../lib/reflector/change_history.ts";
import { parseStatement } from "../../lib/reflector/statement.ts";
import { tempDir } from "../_helpers/temp.ts";
import { collectingLogger } from "./_fixtures.ts";

Deno.test("-families entries become a sorted set with the heartbeat family unless it is excluded", () => {
  const cases: [string, string[], string[] | undefined][] = [
    ["no entries: every family", [], undefined],
    ["the heartbeat family is added", ["billing", "Accounts"], ["accounts", "billing", "ctlstore"]],
    ["duplicates collapse", ["app", "APP", "ctlstore"], ["app", "ctlstore"]],
    ["-ctlstore excludes it", ["app", "-ctlstore"], ["app"]],
    ["-CTLSTORE too", ["-CTLSTORE", "app"], ["app"]],
  ];
  for (const [name, entries, expected] of cases) {
    assertEquals(resolveFamilySet(entries), expected, name);
  }
});

Deno.test("-families refuses bad names, other exclusions, contradictions and an empty set", () => {
  const cases: [string, string[], RegExp][] = [
    ["bad name", ["a b"], /^invalid families entry "a b": Family names must be only letters/],
    ["too short", ["ab"], /^invalid families entry "ab": Family names must be at least 3/],
    ["excluding another family", ["app", "-billing"], /only the heartbeat family.*-ctlstore/],
    ["listed and excluded", ["ctlstore", "-ctlstore"], /ctlstore is both listed and excluded/],
    ["nothing left", ["-ctlstore"], /no family is left to carry/],
  ];
  for (const [name, entries, message] of cases) {
    throws(() => resolveFamilySet(entries), (e: unknown) => {
      ok(e instanceof TypeError, name);
      match(e.message, message, name);
      return true;
    });
  }
});

Deno.test("a statement is carried when its table belongs to a carried family, markers always", () => {
  const { logger, lines } = collectingLogger();
  const filter = new FamilyFilter(["app", "ctlstore"], logger);
  const cases: [string, boolean][] = [
    ["--- BEGIN", true],
    ["--- COMMIT", true],
    [`REPLACE INTO app___users ("id") VALUES(1)`, true],
    [`REPLACE INTO billing___invoices ("id") VALUES(1)`, false],
    [`DELETE FROM app___users WHERE "id" = 1`, true],
    [`DELETE FROM billing___invoices WHERE "id" = 1`, false],
    ["DELETE FROM billing___invoices", false],
    ["DELETE FROM ctlstore___heartbeats", true],
    [`CREATE TABLE billing___invoices ("id" INTEGER, PRIMARY KEY("id"));`, false],
    [`CREATE TABLE app___users ("id" INTEGER, PRIMARY KEY("id"));`, true],
    [`ALTER TABLE billing___invoices ADD COLUMN "n" BIGINT`, false],
    ["DROP TABLE IF EXISTS billing___invoices", false],
    ["DROP TABLE IF EXISTS app___users", true],
    // A family name that is a prefix of a carried one is another family.
    [`REPLACE INTO apple___pies ("id") VALUES(1)`, false],
  ];
  for (const [sql, carried] of cases) equal(filter.carries(parseStatement(sql), 1), carried, sql);
  equal(lines.length, 0, "family statements are skipped silently");
  for (
    const sql of [
      "CREATE INDEX i ON app___users (id)",
      "VACUUM",
      "REPLACE INTO plain (x) VALUES(1)",
    ]
  ) {
    equal(filter.carries(parseStatement(sql), 42), false, sql);
  }
  equal(lines.filter((line) => line.includes("names no family table")).length, 3);
  ok(lines.every((line) => line.includes("seq=42")), lines.join("\n"));
});

Deno.test("an LDB takes the family set while it has applied nothing, then refuses another one", async () => {
  await using dir = await tempDir();
  const path = `${dir.path}/ldb.db`;
  const db = openLdbForWrite(path);
  try {
    checkLdbFamilySet(db, ["app", "ctlstore"], path);
    assertEquals(readLdbFamilies(db), ["app", "ctlstore"]);
    checkLdbFamilySet(db, undefined, path); // still at seq 0: may become full
    equal(readLdbFamilies(db), undefined);
    checkLdbFamilySet(db, ["app", "ctlstore"], path);
    advanceLdbSeq(db, 3);
    checkLdbFamilySet(db, ["ctlstore", "app"], path);
    throws(
      () => checkLdbFamilySet(db, ["app", "billing", "ctlstore"], path),
      new Error(
        `the LDB at ${path} holds families app, ctlstore, but this reflector is configured for ` +
          `families app, billing, ctlstore; the family set of an LDB cannot change: remove the ` +
          `LDB file (with its -wal and -shm) to bootstrap a new one`,
      ),
    );
    throws(() => checkLdbFamilySet(db, undefined, path), /configured for every family/);
    writeLdbFamilies(db, undefined);
    throws(() => checkLdbFamilySet(db, ["app"], path), /holds every family, but .* family app;/);
    equal(readLdbFamilies(db), undefined, "a refused check changes nothing");
    equal(db.isTransaction, false);
  } finally {
    db.close();
  }
});

Deno.test("a partial applier skips other families' brackets whole, applies the carried part of a mixed one, and advances the seq over all", async () => {
  await using dir = await tempDir();
  const db = openLdbForWrite(`${dir.path}/ldb.db`);
  try {
    const commits: CommitInfo[] = [];
    const { logger, lines } = collectingLogger();
    const history = openChangeHistory(db, 1000, silentLogger)!;
    const applier = new Applier(db, {
      log: logger,
      history,
      families: ["app", "ctlstore"],
      onCommit: (info) => commits.push(info),
    });
    const statements = [
      `CREATE TABLE app___items ("id" INTEGER, PRIMARY KEY("id"));`, // 1
      `CREATE TABLE other___items ("id" INTEGER, PRIMARY KEY("id"));`, // 2 skipped
      "--- BEGIN", // 3: a bracket of the other family only
      `REPLACE INTO other___items ("id") VALUES(1)`, // 4 skipped
      `REPLACE INTO other___items ("id") VALUES(2)`, // 5 skipped
    ];
    const times = statements.map((_, i) => new Date(Date.UTC(2024, 4, 1, 0, 0, i)));
    applier.apply(
      statements.map((statement, i) => ({ seq: i + 1, leaderTs: times[i]!, statement })),
    );
    equal(applier.commit(), false, "never committed inside a skipped bracket");
    const rest = [
      "--- COMMIT", // 6
      "--- BEGIN", // 7: a mixed bracket (no ctlstore writer produces one)
      `REPLACE INTO app___items ("id") VALUES(1)`, // 8
      `REPLACE INTO other___items ("id") VALUES(3)`, // 9 skipped
      "--- COMMIT", // 10
      "DELETE FROM other___items", // 11 skipped: a clear of the other family
      "DROP TABLE IF EXISTS other___items", // 12 skipped
    ];
    const last = new Date(Date.UTC(2024, 4, 1, 0, 1));
    applier.apply(rest.map((statement, i) => ({ seq: i + 6, leaderTs: last, statement })));
    ok(applier.commit());
    ok(!lines.some((line) => line.includes("names no family table")), lines.join("\n"));
    equal(getLdbSeq(db), 12, "the seq advanced over every skipped statement");
    equal(getLdbLastUpdate(db)?.toISOString(), last.toISOString());
    assertEquals(
      db.prepare("SELECT name FROM sqlite_master WHERE name LIKE '%items' AND type = 'table'").all()
        .map((row) => row.name),
      ["app___items"],
    );
    assertEquals(db.prepare("SELECT id FROM app___items").all().map((row) => row.id), [1]);
    assertEquals(commits.map((c) => [c.seq, c.entries, c.skipped]), [[12, 12, 6]]);
    assertEquals(
      db.prepare("SELECT seq, family, op FROM _ldb_changes ORDER BY seq").all().map((r) => ({
        ...r,
      })),
      [{ seq: 1, family: "app", op: "schema" }, { seq: 8, family: "app", op: "upsert" }],
    );
  } finally {
    db.close();
  }
});
