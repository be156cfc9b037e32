import { deepStrictEqual as assertEquals, ok } from "node:assert/strict";
import { openCtldb } from "../../lib/ctldb/mod.ts";
import { getLdbSeq, openLdbForRead, readChangeHistoryState } from "../../lib/ldb/mod.ts";
import { type Change, Reader } from "../../lib/reader/mod.ts";
import { parseLdbTableName } from "../../lib/schema/mod.ts";
import { SERVER_CTLDBS } from "../_helpers/server_ctldbs.ts";
import { spawnCli } from "../_helpers/process.ts";
import { tempDir } from "../_helpers/temp.ts";
import { generateLedger, loadLedger, rowText, TABLES } from "./_ledger.ts";
import { eventually, ldbTables } from "./_fixtures.ts";

function ldbSeq(path: string): number {
  try {
    const db = openLdbForRead(path);
    try {
      return getLdbSeq(db);
    } finally {
      db.close();
    }
  } catch {
    return 0;
  }
}

/** Fails unless the change history was written in the same commit as the rows. */
function assertHistoryCommittedWithRows(path: string): void {
  let db;
  try {
    db = openLdbForRead(path);
  } catch {
    return; // not created yet
  }
  try {
    const state = readChangeHistoryState(db);
    if (state === undefined) return; // killed before the history tables were committed
    assertEquals(state.recordedSeq, state.appliedSeq, "history recorded at the applied seq");
  } finally {
    db.close();
  }
}

/** Every entry of the LDB's change history, as comparable records. */
function historyOf(path: string) {
  using reader = Reader.open(path);
  const changes: Change[] = [];
  for (let after = 0;;) {
    const page = reader.getChanges({ after, limit: 5000 });
    changes.push(...page.changes);
    after = page.lastSeq;
    if (!page.more) break;
  }
  return changes.map(({ seq, tx, family, table, op, key }) => ({
    seq,
    tx,
    table: `${family}___${table}`,
    op,
    key,
  }));
}

interface CrashCase {
  /** How the reflector is described in the test name. */
  what: string;
  /** `-families` of the reflector (none: a full LDB). */
  families?: string;
  statements: number;
  kills: number;
}

const CASES: CrashCase[] = [
  { what: "a reflector", statements: 30_000, kills: 20 },
  // Half of the ledger is another family's: skipped statements must advance the seq as
  // atomically as applied ones. Shorter, to keep the suite's runtime modest.
  {
    what: "a partial reflector (one of two families)",
    families: "fam",
    statements: 16_000,
    kills: 10,
  },
];

for (const server of SERVER_CTLDBS) {
  for (const { what, families, statements, kills: wantedKills } of CASES) {
    server.test(
      `${what} killed with SIGKILL over and over while catching up loses and repeats nothing, in its rows and its change history (${server.name})`,
      async () => {
        await using db = await server.fresh();
        await using dir = await tempDir();
        const ledger = generateLedger(statements, 20240501);
        const maxSeq = ledger.statements.length;
        const carried = (table: string) => !families || table.startsWith(`${families}___`);
        const ctldb = await openCtldb(db.dsn);
        try {
          await ctldb.ensureSchema();
          await loadLedger(ctldb, ledger);
          const ldbPath = `${dir.path}/ldb.db`;
          const changelogPath = `${dir.path}/changelog`;
          const args = [
            "reflector",
            ...["-ldb-path", ldbPath, "-upstream-driver", server.driver, "-upstream-dsn", db.dsn],
            ...[
              "-query-block-size",
              "4",
              "-poll-interval",
              "50ms",
              "-changelog-path",
              changelogPath,
            ],
            ...["-changelog-size", String(1 << 30), "-catch-up-commit-interval", "5ms"],
            ...(families ? ["-families", families] : []),
          ];
          let kills = 0;
          let progressed = 0;
          let previous = 0;
          for (let attempt = 0; kills < wantedKills && attempt < 4 * wantedKills; attempt++) {
            await using cli = await spawnCli(args, {
              waitFor: "reflector started",
              killAfterMs: 1,
            });
            // Let it commit at least once (so every run makes progress), then kill it at a random
            // moment of the next few batches: short, so that a fast machine cannot catch up first.
            await eventually(
              "a commit",
              () => ldbSeq(ldbPath) > previous || ldbSeq(ldbPath) === maxSeq,
              15_000,
              1,
            );
            await new Promise((resolve) => setTimeout(resolve, Math.random() * 10));
            cli.kill("SIGKILL");
            await cli.status;
            const seq = ldbSeq(ldbPath);
            assertHistoryCommittedWithRows(ldbPath);
            ok(
              !ledger.insideBracket.has(seq),
              `committed seq ${seq} is inside a ledger transaction`,
            );
            ok(seq >= previous, `seq went back from ${previous} to ${seq}`);
            if (seq > previous) progressed++;
            previous = seq;
            if (seq < maxSeq) kills++;
          }
          assertEquals(kills, wantedKills, `the reflector caught up before ${wantedKills} kills`);
          ok(
            progressed >= wantedKills / 2,
            `only ${progressed} runs made progress before their kill`,
          );

          await using cli = await spawnCli(args, { waitFor: "reflector started" });
          await eventually("the LDB to catch up", () => ldbSeq(ldbPath) === maxSeq, 60_000);
          cli.kill("SIGTERM");
          assertEquals((await cli.status).code, 0);

          const ldb = openLdbForRead(ldbPath);
          try {
            assertEquals(getLdbSeq(ldb), await ctldb.maxLedgerSeq());
            for (const table of TABLES.filter((t) => carried(t.name))) {
              const columns = table.fields.map((f) => f.name);
              const order = table.keys.map((k) => `"${k}"`).join(", ");
              const statement = ldb.prepare(`SELECT * FROM ${table.name} ORDER BY ${order}`);
              statement.setReadBigInts(true);
              const ldbRows = statement.all().map((row) => rowText(row, columns));
              const ctldbRows = (await ctldb.query(`SELECT * FROM ${table.name} ORDER BY ${order}`))
                .map((row) => rowText(row, columns));
              assertEquals(ldbRows.length, ledger.finalRows.get(table.name)!.size, table.name);
              assertEquals(ldbRows, ctldbRows, table.name);
            }
          } finally {
            ldb.close();
          }
          // The history holds every change, in ledger order, exactly once: a key is present when
          // its last entry is an upsert and absent when it is a delete.
          assertEquals(
            historyOf(ldbPath),
            ledger.history.filter((change) => carried(change.table)),
          );
          assertEquals(
            ldbTables(ldbPath).filter((name) => parseLdbTableName(name)),
            TABLES.map((t) => t.name).filter(carried).sort(),
          );
          const entries = (await Deno.readTextFile(changelogPath)).split("\n").filter(Boolean)
            .map((line) => JSON.parse(line) as { seq: number; family: string; table: string });
          const seqs = entries.map((entry) => entry.seq);
          ok(seqs.every((seq, i) => i === 0 || seq > seqs[i - 1]!), "changelog seqs only increase");
          ok(
            entries.every((e) => carried(`${e.family}___${e.table}`)),
            "changelog of carried families",
          );
        } finally {
          await ctldb.close();
        }
      },
    );
  }
}
