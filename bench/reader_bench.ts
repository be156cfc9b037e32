/**
 * Reader point-read overhead: `Reader.getRowByKey` against a bare `node:sqlite` prepared
 * `get()` on the same 100k-row LDB in the same run (target ratio ≤ 1.3), plus a key-prefix
 * scan against a bare `iterate()`. Prints markdown table lines.
 *
 * @module
 */
// deno-lint-ignore-file no-console
import { DatabaseSync } from "node:sqlite";
import { openLdbForWrite, setLdbLastUpdate } from "../lib/ldb/mod.ts";
import { Reader } from "../lib/mod.ts";
import { median } from "./_stats.ts";

const ROWS = 100_000;
const OPS = 100_000;
const ROUNDS = 15;

function createLdb(path: string): void {
  const db = openLdbForWrite(path);
  try {
    db.exec(
      `CREATE TABLE myfamily___mytable ("id" INTEGER, "name" VARCHAR(191), "data" BLOB(255), PRIMARY KEY("id"));`,
    );
    db.exec(
      `CREATE TABLE myfamily___members ("team" VARCHAR(191), "id" INTEGER, "role" VARCHAR(191), PRIMARY KEY("team","id"));`,
    );
    db.exec("BEGIN");
    const insert = db.prepare("INSERT INTO myfamily___mytable VALUES (?, ?, ?)");
    const member = db.prepare("INSERT INTO myfamily___members VALUES (?, ?, ?)");
    for (let i = 0; i < ROWS; i++) {
      insert.run(i, `name-${i}`, new Uint8Array([i & 0xff, (i >> 8) & 0xff, 7]));
      member.run(`team-${i % 10_000}`, i, "member");
    }
    setLdbLastUpdate(db, new Date());
    db.exec("COMMIT");
  } finally {
    db.close();
  }
}

/** Runs the cases interleaved, `ROUNDS` times, and returns each one's median ns/op. */
function measure(cases: Record<string, (i: number) => unknown>, ops: number): Map<string, number> {
  const samples = new Map<string, number[]>(Object.keys(cases).map((k) => [k, []]));
  for (let round = 0; round <= ROUNDS; round++) {
    for (const [name, fn] of Object.entries(cases)) {
      const start = performance.now();
      for (let i = 0; i < ops; i++) fn((i * 7919) % ROWS);
      const ns = (performance.now() - start) * 1e6 / ops;
      if (round > 0) samples.get(name)!.push(ns); // round 0 warms up
    }
  }
  return new Map([...samples].map(([k, v]) => [k, median(v)]));
}

/** Measures and prints the reader benchmark. */
export async function runReaderBench(): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "ctlstore-reader-bench-" });
  const path = `${dir}/ldb.db`;
  try {
    createLdb(path);
    using reader = Reader.open(path);
    const bare = new DatabaseSync(path, { readOnly: true });
    try {
      bare.exec("PRAGMA wal_autocheckpoint = 0");
      const point = bare.prepare(`SELECT * FROM "myfamily___mytable" WHERE "id" = ?`);
      const prefix = bare.prepare(`SELECT * FROM "myfamily___members" WHERE "team" = ?`);
      const points = measure({
        bare: (i) => point.get(i),
        reader: (i) => reader.getRowByKey("myfamily", "mytable", i),
        readerMiss: (i) => reader.getRowByKey("myfamily", "mytable", ROWS + i),
      }, OPS);
      const scans = measure({
        bare: (i) => [...prefix.iterate(`team-${i % 10_000}`)],
        reader: (i) => [...reader.getRowsByKeyPrefix("myfamily", "members", `team-${i % 10_000}`)],
      }, OPS / 10);
      const p = (k: string) => points.get(k)!;
      const s = (k: string) => scans.get(k)!;
      const lines = [
        `| reader case (${ROWS} rows) | bare node:sqlite ns/op | Reader ns/op | ratio |`,
        "|---|---|---|---|",
        `| getRowByKey, hit | ${p("bare").toFixed(0)} | ${p("reader").toFixed(0)} | ${
          (p("reader") / p("bare")).toFixed(2)
        } |`,
        `| getRowByKey, miss | | ${p("readerMiss").toFixed(0)} | |`,
        `| getRowsByKeyPrefix, 10 rows | ${s("bare").toFixed(0)} | ${s("reader").toFixed(0)} | ${
          (s("reader") / s("bare")).toFixed(2)
        } |`,
      ];
      for (const line of lines) console.log(line);
    } finally {
      bare.close();
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

if (import.meta.main) await runReaderBench();
