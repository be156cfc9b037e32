import assert, { deepStrictEqual as assertEquals, ok } from "node:assert/strict";
import { type Ctldb, openCtldb } from "../../lib/ctldb/mod.ts";
import { startReflector } from "../../lib/reflector/mod.ts";
import { SERVER_CTLDBS } from "../_helpers/server_ctldbs.ts";
import { tempDir } from "../_helpers/temp.ts";
import { collectingLogger, eventually, ldbRows } from "./_fixtures.ts";

const CREATE = `CREATE TABLE fam___tbl ("id" INTEGER, "v" VARCHAR(191), PRIMARY KEY("id"));`;
const upsert = (id: number, v: string) => `REPLACE INTO fam___tbl ("id","v") VALUES(${id},'${v}')`;

async function insertLedger(ctldb: Ctldb, rows: [number, string][]): Promise<void> {
  for (const [seq, statement] of rows) {
    await ctldb.exec("INSERT INTO ctlstore_dml_ledger (seq, statement) VALUES (?, ?)", [
      seq,
      statement,
    ]);
  }
}

for (const server of SERVER_CTLDBS) {
  server.test(`a sequence gap that never fills is passed after the grace period (${server.name})`, async () => {
    await using db = await server.fresh();
    await using dir = await tempDir();
    const ctldb = await openCtldb(db.dsn);
    try {
      await ctldb.ensureSchema();
      await insertLedger(ctldb, [[1, CREATE], [2, upsert(1, "a")], [4, upsert(2, "b")]]);
      const reflector = await startReflector({
        ldbPath: `${dir.path}/ldb.db`,
        upstreamDriver: server.driver,
        upstreamDsn: db.dsn,
        pollIntervalMs: 20,
        gapGraceMs: 200,
      });
      try {
        await reflector.waitForSeq(4, AbortSignal.timeout(10_000));
        assertEquals(ldbRows(`${dir.path}/ldb.db`, "fam___tbl").map((r) => r.v), ["a", "b"]);
        assertEquals(reflector.status().caughtUp, true);
      } finally {
        await reflector.stop();
      }
    } finally {
      await ctldb.close();
    }
  });

  server.test(`a sequence gap that fills within the grace period is applied in order (${server.name})`, async () => {
    await using db = await server.fresh();
    await using dir = await tempDir();
    const ctldb = await openCtldb(db.dsn);
    const { logger, lines } = collectingLogger();
    try {
      await ctldb.ensureSchema();
      await insertLedger(ctldb, [[
        1,
        upsert(0, "unused").replace(
          "REPLACE INTO fam___tbl",
          "CREATE TABLE t0 (id INTEGER, v TEXT); --",
        ),
      ]]);
      const reflector = await startReflector({
        ldbPath: `${dir.path}/ldb.db`,
        upstreamDriver: server.driver,
        upstreamDsn: db.dsn,
        pollIntervalMs: 20,
        gapGraceMs: 60_000,
        logger,
      });
      try {
        await reflector.waitForSeq(1, AbortSignal.timeout(10_000));
        // seq 3 needs the table seq 2 creates: applying 3 first would fail.
        await insertLedger(ctldb, [[3, upsert(1, "after the gap")]]);
        await eventually("the gap to be seen", () => lines.some((l) => l.includes("sequence gap")));
        await insertLedger(ctldb, [[2, CREATE]]);
        await reflector.waitForSeq(3, AbortSignal.timeout(10_000));
        assertEquals(reflector.status().failing, undefined);
        ok(!lines.some((l) => l.includes("fails to apply")));
        assertEquals(ldbRows(`${dir.path}/ldb.db`, "fam___tbl").map((r) => r.v), ["after the gap"]);
      } finally {
        await reflector.stop();
      }
    } finally {
      await ctldb.close();
    }
  });
}

for (const server of SERVER_CTLDBS) {
  server.test(
    `seqs taken by a rolled-back ledger transaction are passed after the grace period (${server.name})`,
    async () => {
      await using db = await server.fresh();
      await using dir = await tempDir();
      const ctldb = await openCtldb(db.dsn);
      const { logger, lines } = collectingLogger();
      try {
        await ctldb.ensureSchema();
        await ctldb.appendLedger(ctldb, [CREATE, upsert(1, "a")]);
        // The ledger's sequence (auto-increment, identity) does not give values back on
        // rollback: seqs 3 and 4 never appear.
        await assert.rejects(
          ctldb.transaction(async (tx) => {
            await ctldb.appendLedger(tx, [upsert(2, "rolled back"), upsert(3, "rolled back")]);
            throw new Error("roll back");
          }),
          /roll back/,
        );
        const [after] = await ctldb.appendLedger(ctldb, [upsert(4, "after the gap")]);
        assertEquals(after, 5);
        const reflector = await startReflector({
          ldbPath: `${dir.path}/ldb.db`,
          upstreamDriver: server.driver,
          upstreamDsn: db.dsn,
          pollIntervalMs: 20,
          gapGraceMs: 200,
          logger,
        });
        try {
          await reflector.waitForSeq(5, AbortSignal.timeout(10_000));
          assertEquals(ldbRows(`${dir.path}/ldb.db`, "fam___tbl").map((r) => r.v), [
            "a",
            "after the gap",
          ]);
          ok(lines.some((l) => l.includes("sequence gap did not fill") && l.includes("from=3")));
        } finally {
          await reflector.stop();
        }
      } finally {
        await ctldb.close();
      }
    },
  );
}
