import { deepStrictEqual as assertEquals, ok, throws } from "node:assert/strict";
import type { DatabaseSync } from "node:sqlite";
import type { LedgerEntry } from "../../lib/ctldb/mod.ts";
import { getLdbLastUpdate, getLdbSeq, openLdbForWrite } from "../../lib/ldb/mod.ts";
import { silentLogger } from "../../lib/log/mod.ts";
import { Applier, ApplyError } from "../../lib/reflector/applier.ts";
import { ChangelogFile } from "../../lib/reflector/changelog.ts";
import { tempDir } from "../_helpers/temp.ts";

const at = new Date("2024-05-01T12:34:56Z");
const CREATE =
  `CREATE TABLE fam___tbl ("name" VARCHAR(191), "id" INTEGER, "val" TEXT, PRIMARY KEY("id","name"));`;

function entries(first: number, statements: string[]): LedgerEntry[] {
  return statements.map((statement, i) => ({ seq: first + i, leaderTs: at, statement }));
}

function rows(db: DatabaseSync, sql = "SELECT * FROM fam___tbl ORDER BY id, name") {
  return db.prepare(sql).all().map((row) => ({ ...row }));
}

async function withLdb(fn: (db: DatabaseSync, dir: string) => void | Promise<void>) {
  await using dir = await tempDir();
  const db = openLdbForWrite(`${dir.path}/ldb.db`);
  try {
    await fn(db, dir.path);
  } finally {
    db.close();
  }
}

Deno.test("applier executes statements verbatim and advances _ldb_seq and _ldb_last_update", async () => {
  await withLdb((db) => {
    const applier = new Applier(db, { log: silentLogger });
    applier.apply(entries(1, [
      CREATE,
      `REPLACE INTO fam___tbl ("name","id","val") VALUES('a',1,'x')`,
      `REPLACE INTO fam___tbl ("name","id","val") VALUES('b',2,'it''s')`,
      `DELETE FROM fam___tbl WHERE "name" = 'a' AND "id" = 1`,
    ]));
    applier.commit();
    assertEquals(rows(db), [{ name: "b", id: 2, val: "it's" }]);
    assertEquals(getLdbSeq(db), 4);
    assertEquals(getLdbLastUpdate(db)?.toISOString(), at.toISOString());
  });
});

Deno.test("a ledger transaction stays open until its COMMIT marker and is never split", async () => {
  await withLdb((db) => {
    const applier = new Applier(db, { log: silentLogger, maxBatchStatements: 1 });
    applier.apply(
      entries(1, [
        CREATE,
        "--- BEGIN",
        `REPLACE INTO fam___tbl ("name","id","val") VALUES('a',1,'x')`,
      ]),
    );
    ok(applier.bracketOpen);
    assertEquals(applier.commit(), false);
    assertEquals(applier.committedSeq, 1); // CREATE committed alone (batch size 1)
    applier.apply(
      entries(4, [`REPLACE INTO fam___tbl ("name","id","val") VALUES('b',2,'y')`, "--- COMMIT"]),
    );
    ok(!applier.inTransaction);
    assertEquals(getLdbSeq(db), 5);
    assertEquals(rows(db).length, 2);
  });
});

Deno.test("an open ledger transaction is rolled back whole, with its seq", async () => {
  await withLdb((db) => {
    const applier = new Applier(db, { log: silentLogger });
    applier.apply(entries(1, [CREATE]));
    applier.commit();
    applier.apply(
      entries(2, ["--- BEGIN", `REPLACE INTO fam___tbl ("name","id","val") VALUES('a',1,'x')`]),
    );
    applier.rollback();
    assertEquals(getLdbSeq(db), 1);
    assertEquals(applier.seq, 1);
    assertEquals(rows(db), []);
  });
});

Deno.test("replayed seqs are skipped without being executed again", async () => {
  await withLdb((db) => {
    const applier = new Applier(db, { log: silentLogger });
    applier.apply(
      entries(1, [CREATE, `REPLACE INTO fam___tbl ("name","id","val") VALUES('a',1,'x')`]),
    );
    applier.commit();
    applier.apply([
      { seq: 1, leaderTs: at, statement: CREATE }, // would fail: table exists
      { seq: 2, leaderTs: at, statement: "DELETE FROM fam___tbl" },
      {
        seq: 3,
        leaderTs: at,
        statement: `REPLACE INTO fam___tbl ("name","id","val") VALUES('b',2,'y')`,
      },
    ]);
    applier.commit();
    assertEquals(rows(db).map((r) => r.name), ["a", "b"]);
    assertEquals(getLdbSeq(db), 3);
  });
});

Deno.test("a failing statement or marker misuse rolls back and reports its seq", async () => {
  const cases: [string, string[], number, RegExp][] = [
    [
      "bad SQL",
      [CREATE, "DELETE FROM nope"],
      2,
      /^ledger seq 2: exec dml statement error: .*no such table/,
    ],
    ["COMMIT without BEGIN", [CREATE, "--- COMMIT"], 2, /^ledger seq 2: invariant violation$/],
    ["nested BEGIN", [CREATE, "--- BEGIN", "--- BEGIN"], 3, /^ledger seq 3: invariant violation$/],
  ];
  for (const [name, statements, seq, message] of cases) {
    await withLdb((db) => {
      const applier = new Applier(db, { log: silentLogger });
      throws(() => applier.apply(entries(1, statements)), (error: unknown) => {
        ok(error instanceof ApplyError, name);
        assertEquals(error.seq, seq, name);
        ok(message.test(error.message), `${name}: ${error.message}`);
        return true;
      });
      assertEquals(getLdbSeq(db), 0, name);
      assertEquals(applier.seq, 0, name);
      ok(!applier.inTransaction, name);
    });
  }
});

Deno.test("changelog gets one entry per changed key, after the commit, seq continuing across restarts", async () => {
  await withLdb(async (db, dir) => {
    const path = `${dir}/changelog`;
    const log = () =>
      Deno.readTextFile(path).then((t) => t.split("\n").filter(Boolean).map((l) => JSON.parse(l)));
    const file = new ChangelogFile(path, 1 << 20, silentLogger);
    const applier = new Applier(db, { log: silentLogger, changelog: file });
    applier.apply(entries(1, [
      CREATE,
      "--- BEGIN",
      `REPLACE INTO fam___tbl ("name","id","val") VALUES('a',1,'x')`,
      `REPLACE INTO fam___tbl ("name","id","val") VALUES('b',9007199254740993,'y')`,
      "--- COMMIT",
    ]));
    assertEquals((await Deno.stat(path).catch(() => undefined))?.size ?? 0, 0); // nothing before commit
    applier.commit();
    file.close();
    const first = await log();
    assertEquals(first.length, 2);
    assertEquals(first[0], {
      seq: 1,
      family: "fam",
      table: "tbl",
      key: [{ name: "name", type: "VARCHAR(191)", value: "a" }, {
        name: "id",
        type: "INTEGER",
        value: 1,
      }],
    });
    ok((await Deno.readTextFile(path)).includes('"value":9007199254740993}'));

    // A new applier (a restart) continues the seq; DDL yields nothing; clear yields one per row.
    const file2 = new ChangelogFile(path, 1 << 20, silentLogger);
    const applier2 = new Applier(db, { log: silentLogger, changelog: file2 });
    applier2.apply(entries(6, [
      `ALTER TABLE fam___tbl ADD COLUMN "extra" TEXT`,
      `DELETE FROM fam___tbl WHERE "name" = 'a' AND "id" = 1`,
      `DELETE FROM fam___tbl WHERE "name" = 'zz' AND "id" = 5`,
      `REPLACE INTO fam___tbl ("name","id","val","extra") VALUES('c',3,'z',NULL)`,
      "DELETE FROM fam___tbl",
    ]));
    applier2.commit();
    file2.close();
    const all = await log();
    assertEquals(all.map((e) => e.seq), [1, 2, 3, 4, 5, 6]);
    assertEquals(all.slice(2, 4).map((e) => e.key[0].value), ["a", "c"]);
    assertEquals(all.slice(4).map((e) => e.key[0].value).sort(), ["b", "c"]);
  });
});

Deno.test("changelog reports blobs of binary key columns as base64 and others as text", async () => {
  await withLdb(async (db, dir) => {
    const path = `${dir}/changelog`;
    const file = new ChangelogFile(path, 1 << 20, silentLogger);
    const applier = new Applier(db, { log: silentLogger, changelog: file });
    applier.apply(entries(1, [
      `CREATE TABLE fam___blobs ("k" BLOB(255), "s" VARCHAR(191), PRIMARY KEY("k","s"));`,
      `REPLACE INTO fam___blobs ("k","s") VALUES(x'deadbeef',x'3c6869')`,
    ]));
    applier.commit();
    file.close();
    const [entry] = (await Deno.readTextFile(path)).split("\n").filter(Boolean).map((l) =>
      JSON.parse(l)
    );
    assertEquals(entry.key, [
      { name: "k", type: "BLOB(255)", value: "3q2+7w==" },
      { name: "s", type: "VARCHAR(191)", value: "<hi" },
    ]);
  });
});
