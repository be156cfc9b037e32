/**
 * Console benchmark: page load times of the operator console over an LDB with a 100 000-row
 * table (composite key, change history included), served by an in-process console and fetched
 * over HTTP. Measures the pages an operator opens: the overview while the row counts are still
 * being taken and once they are known, a table's first page and a page deep into it (keyset
 * paging), a prefix listing, a row with its history, the table history and the fleet.
 *
 * Target: every page well under a second (p99 < 100 ms).
 *
 * @module
 */
// deno-lint-ignore-file no-console
import { startConsole } from "../lib/console/mod.ts";
import { historyLdb } from "../tests/_helpers/history_ldb.ts";
import { median, percentile } from "./_stats.ts";

const ROWS = 100_000;
const PER_TRANSACTION = 1000;
const RUNS = 50;

async function timePage(url: string, runs: number): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    const response = await fetch(url);
    await response.arrayBuffer();
    times.push(performance.now() - start);
    if (response.status !== 200) throw new Error(`${url} answered ${response.status}`);
  }
  return times.sort((a, b) => a - b);
}

/** Runs the console benchmark and prints markdown table rows. */
export async function runConsoleBench(): Promise<void> {
  using ldb = historyLdb(ROWS);
  ldb.createTable("bench", "items", [
    { name: "team", type: "integer" },
    { name: "id", type: "integer" },
    { name: "name", type: "string" },
    { name: "data", type: "bytestring" },
  ], ["team", "id"]);
  const loaded = performance.now();
  for (let first = 0; first < ROWS; first += PER_TRANSACTION) {
    const statements: string[] = [];
    for (let i = first; i < first + PER_TRANSACTION; i++) {
      statements.push(
        `REPLACE INTO bench___items ("team","id","name","data") ` +
          `VALUES(${i % 100},${i},'item ${i}',X'${i.toString(16).padStart(8, "0")}')`,
      );
    }
    ldb.apply(statements);
  }
  ldb.close();
  console.log(`LDB: ${ROWS} rows in ${Math.round(performance.now() - loaded)} ms\n`);
  await using running = await startConsole({ bind: "127.0.0.1:0", ldbPath: ldb.path });
  const base = running.url;
  const table = `${base}/families/bench/tables/items`;
  const pages: [string, string, number][] = [
    ["overview, counts not known yet (first load)", `${base}/`, 1],
    ["overview", `${base}/`, RUNS],
    ["family (schema, counts, sizes)", `${base}/families/bench`, RUNS],
    ["table, first page", table, RUNS],
    ["table, a page at row ~50 000", `${table}?a=50&a=50050&limit=50`, RUNS],
    ["table, key prefix team=42", `${table}?p=42&limit=50`, RUNS],
    ["row with its history", `${table}/row?k=42&k=99942`, RUNS],
    ["table history (newest 50)", `${table}/history`, RUNS],
    ["fleet", `${base}/fleet`, RUNS],
  ];
  console.log("| page | median ms | p99 ms | max ms |");
  console.log("|---|---:|---:|---:|");
  for (const [name, url, runs] of pages) {
    const times = await timePage(url, runs);
    const row = [median(times), percentile(times, 99), times[times.length - 1]!];
    console.log(`| ${name} | ${row.map((ms) => ms.toFixed(1)).join(" | ")} |`);
  }
}
