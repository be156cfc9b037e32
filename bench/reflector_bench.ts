/**
 * Reflector benchmarks against MariaDB/MySQL (`CTLSTORE_TEST_MYSQL_DSN`, default
 * `root@tcp(127.0.0.1:3306)/`):
 * - replay rate: statements per second applied from a 100 000-statement ledger (upserts,
 *   deletes, `--- BEGIN`/`--- COMMIT` brackets) into an empty LDB, with the change history on
 *   (the default) and off (`-change-history-size 0`), beside a bare `node:sqlite` batched
 *   insert of the same rows (prepared statement, one transaction): the ceiling; and a partial
 *   reflector (`-families fam`: one of the ledger's two families, about half of its statements
 *   skipped) beside the full one, in the same run;
 * - propagation latency: executive commit (mutation response) → row readable through the reader
 *   library, p50/p99 over 500 mutations sent 20 ms apart, with the reflector as its own
 *   `ctlstore reflector` process at `-poll-interval 1s` and `50ms`.
 *
 * Targets: replay ≥ 50 000 statements/s, with history ≥ 0.8× without; at 50 ms polling p99 ≤
 * 150 ms.
 *
 * @module
 */
// deno-lint-ignore-file no-console
import { DatabaseSync } from "node:sqlite";
import { ExecutiveClient } from "../lib/client/mod.ts";
import { openCtldb } from "../lib/ctldb/mod.ts";
import { startExecutive } from "../lib/executive/mod.ts";
import { createLogger } from "../lib/log/mod.ts";
import { Reader } from "../lib/mod.ts";
import { DEFAULT_CHANGE_HISTORY_SIZE, startReflector } from "../lib/reflector/mod.ts";
import { freshMysqlDatabase } from "../tests/_helpers/mysql.ts";
import { spawnCli } from "../tests/_helpers/process.ts";
import { tempDir } from "../tests/_helpers/temp.ts";
import { generateLedger, loadLedger, TABLES } from "../tests/reflector/_ledger.ts";
import { median, percentile } from "./_stats.ts";

const STATEMENTS = 100_000;
const MUTATIONS = 500;
const SPACING_MS = 20;
const WRITER = { writer: "bench", secret: "bench-secret" };

/** Milliseconds to replay the ledger at `dsn` up to `lastSeq` into a new LDB. */
async function replayMs(
  dsn: string,
  ldbPath: string,
  lastSeq: number,
  changeHistorySize: number,
  families?: string[],
): Promise<number> {
  const started = performance.now();
  const reflector = await startReflector({
    ldbPath,
    upstreamDriver: "mysql",
    upstreamDsn: dsn,
    changeHistorySize,
    ...(families ? { families } : {}),
  });
  try {
    await reflector.waitForSeq(lastSeq);
  } finally {
    await reflector.stop();
  }
  return performance.now() - started;
}

async function replayRate(): Promise<void> {
  await using db = await freshMysqlDatabase();
  await using dir = await tempDir();
  const ctldb = await openCtldb(db.dsn);
  const ledger = generateLedger(STATEMENTS, 42);
  try {
    await ctldb.ensureSchema();
    await loadLedger(ctldb, ledger);
  } finally {
    await ctldb.close();
  }
  // Alternating runs, so a busy moment of the machine does not favour one side.
  const on: number[] = [];
  const off: number[] = [];
  const partial: number[] = [];
  for (let run = 0; run < 3; run++) {
    const last = ledger.statements.length;
    off.push(await replayMs(db.dsn, `${dir.path}/off-${run}.db`, last, 0));
    on.push(await replayMs(db.dsn, `${dir.path}/on-${run}.db`, last, DEFAULT_CHANGE_HISTORY_SIZE));
    partial.push(
      await replayMs(db.dsn, `${dir.path}/partial-${run}.db`, last, DEFAULT_CHANGE_HISTORY_SIZE, [
        "fam",
      ]),
    );
  }
  const onMs = median(on);
  const offMs = median(off);
  const partialMs = median(partial);
  const carried = ledger.statements.filter((statement) => statement.includes(" fam___")).length;

  const bare = new DatabaseSync(`${dir.path}/bare.db`);
  bare.exec("PRAGMA journal_mode = WAL");
  for (const table of TABLES) {
    bare.exec(
      `CREATE TABLE ${table.name} (${table.fields.map((f) => `"${f.name}"`).join(", ")}, ` +
        `PRIMARY KEY(${table.keys.map((k) => `"${k}"`).join(",")}))`,
    );
  }
  const inserts = new Map(TABLES.map((t) => [
    t.name,
    bare.prepare(`REPLACE INTO ${t.name} VALUES (${t.fields.map(() => "?").join(", ")})`),
  ]));
  const bareStarted = performance.now();
  bare.exec("BEGIN");
  for (const { table, values } of ledger.upserts) {
    inserts.get(table)!.run(...values as (string | number | Uint8Array | null)[]);
  }
  bare.exec("COMMIT");
  const bareMs = performance.now() - bareStarted;
  bare.close();

  const rate = (n: number, ms: number) => Math.round(n / ms * 1000).toLocaleString("en-US");
  const n = ledger.statements.length;
  console.log(
    `| reflector replay, ${n} ledger statements (MariaDB → empty LDB), change history on | ${
      rate(n, onMs)
    } statements/s | ${Math.round(onMs)} ms (median of 3) |`,
  );
  console.log(
    `| the same with -change-history-size 0 | ${rate(n, offMs)} statements/s | ${
      Math.round(offMs)
    } ms; history on = ${(offMs / onMs).toFixed(2)}× off |`,
  );
  console.log(
    `| partial reflector (-families fam: 1 of 2 families, ${carried} of the ${n} statements ` +
      `carried), change history on | ${rate(n, partialMs)} ledger statements/s | ${
        Math.round(partialMs)
      } ms; partial = ${(onMs / partialMs).toFixed(2)}× full |`,
  );
  console.log(
    `| bare node:sqlite batched insert of the same ${ledger.upserts.length} rows | ${
      rate(ledger.upserts.length, bareMs)
    } rows/s | ${Math.round(bareMs)} ms |`,
  );
}

async function latency(dsn: string, executiveUrl: string, pollInterval: string): Promise<void> {
  await using dir = await tempDir();
  const ldbPath = `${dir.path}/ldb.db`;
  await using _reflector = await spawnCli([
    "reflector",
    ...["-ldb-path", ldbPath, "-upstream-driver", "mysql", "-upstream-dsn", dsn],
    ...["-poll-interval", pollInterval],
  ], { waitFor: "reflector started" });
  const client = new ExecutiveClient(executiveUrl);
  let reader: Reader | undefined;
  while (!reader) {
    try {
      const candidate = Reader.open(ldbPath);
      if (candidate.getLastSequence() > 0) reader = candidate;
      else candidate.close();
    } catch {
      // The LDB is created by the reflector's first commit.
    }
    if (!reader) await new Promise((resolve) => setTimeout(resolve, 20));
  }
  try {
    const base = Date.now() * 1000;
    const committed = new Map<number, number>();
    const latencies: number[] = [];
    let sent = 0;
    const sender = (async () => {
      for (let i = 0; i < MUTATIONS; i++) {
        const id = base + i;
        await client.mutate("bench", WRITER, {
          mutations: [{ table: "lat", values: { id, v: i } }],
        });
        committed.set(id, performance.now());
        sent++;
        await new Promise((resolve) => setTimeout(resolve, SPACING_MS));
      }
    })();
    let lastSeq = reader.getLastSequence();
    while (sent < MUTATIONS || committed.size > 0) {
      const seq = reader.getLastSequence();
      if (seq !== lastSeq) {
        lastSeq = seq;
        for (const [id, at] of committed) {
          if (reader.getRowByKey("bench", "lat", id)) {
            latencies.push(performance.now() - at);
            committed.delete(id);
          }
        }
      }
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
    await sender;
    latencies.sort((a, b) => a - b);
    const fmt = (ms: number) => `${ms.toFixed(1)} ms`;
    console.log(
      `| propagation latency at -poll-interval ${pollInterval} (${MUTATIONS} mutations) | p50 ${
        fmt(percentile(latencies, 50))
      } | p99 ${fmt(percentile(latencies, 99))} |`,
    );
  } finally {
    reader.close();
  }
}

async function propagationLatency(): Promise<void> {
  await using db = await freshMysqlDatabase();
  const executive = await startExecutive({
    bind: "127.0.0.1:0",
    ctldb: db.dsn,
    writerLimit: 1e12,
    logger: createLogger("executive", { write: () => {} }),
  });
  try {
    const url = `http://127.0.0.1:${executive.address!.port}`;
    const client = new ExecutiveClient(url);
    await client.createFamily("bench");
    await client.createTable("bench", "lat", {
      fields: [["id", "integer"], ["v", "integer"]],
      keyFields: ["id"],
    });
    await client.registerWriter(WRITER);
    for (const interval of ["1s", "50ms"]) await latency(db.dsn, url, interval);
  } finally {
    await executive.stop();
  }
}

/** Runs the reflector benchmarks and prints markdown table rows. */
export async function runReflectorBench(): Promise<void> {
  console.log("| reflector benchmark | result | |");
  console.log("|---|---|---|");
  await replayRate();
  await propagationLatency();
}

if (import.meta.main) await runReflectorBench();
