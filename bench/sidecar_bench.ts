/**
 * Sidecar throughput: `POST /get-row-by-key` through the sidecar beside a bare `Deno.serve`
 * handler doing the same `node:sqlite` prepared lookup and JSON encoding, in one run, each driven
 * by a separate load-generator process (`_http_load.ts`) with 32 concurrent keep-alive
 * connections. Reports requests/s (target: the sidecar at ≥ 0.8× the bare handler) and the
 * server's CPU time per request (measured with `process.cpuUsage`, which stays meaningful on a
 * busy machine).
 *
 * Two tables: one whose integers fit in 2^53, and one whose rows hold int64 values beyond it
 * (like heartbeat nanosecond timestamps), which the reader returns as exact bigints.
 *
 * @module
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { DatabaseSync } from "node:sqlite";
import { openLdbForWrite, setLdbLastUpdate } from "../lib/ldb/mod.ts";
import { startSidecar } from "../lib/sidecar/mod.ts";
import { median } from "./_stats.ts";

const ROWS = 10_000;
const CONCURRENCY = 32;
const DURATION_MS = 3000;
const WARMUP_MS = 1000;
const ROUNDS = 3;
const TABLES = { small: "safe integers", big: "int64 beyond 2^53" } as const;
type Table = keyof typeof TABLES;

interface LoadResult {
  requests: number;
  errors: number;
  seconds: number;
}

function createLdb(path: string): void {
  const db = openLdbForWrite(path);
  try {
    db.exec("BEGIN");
    for (const table of Object.keys(TABLES)) {
      db.exec(
        `CREATE TABLE bench___${table} ("id" INTEGER, "name" VARCHAR(191), "value" INTEGER, ` +
          `"data" BLOB(255), PRIMARY KEY("id"));`,
      );
      const insert = db.prepare(`INSERT INTO bench___${table} VALUES (?, ?, ?, ?)`);
      for (let i = 0; i < ROWS; i++) {
        const value = table === "big" ? 1_700_000_000_000_000_000n + BigInt(i) : i * 1000;
        insert.run(i, `name-${i}`, value, new Uint8Array([i & 0xff, 7]));
      }
    }
    setLdbLastUpdate(db, new Date());
    db.exec("COMMIT");
  } finally {
    db.close();
  }
}

function encodeBare(row: unknown): string {
  return JSON.stringify(
    row,
    (_key, value) =>
      typeof value === "bigint"
        ? Number(value)
        : value instanceof Uint8Array
        ? btoa(String.fromCharCode(...value))
        : value,
  );
}

/** A bare handler: parse the body, one prepared `get`, `JSON.stringify` the row. */
function startBare(path: string): { server: Deno.HttpServer<Deno.NetAddr>; db: DatabaseSync } {
  const db = new DatabaseSync(path, { readOnly: true });
  const lookups = new Map(
    Object.keys(TABLES).map((table) => {
      const statement = db.prepare(`SELECT * FROM "bench___${table}" WHERE "id" = ?`);
      statement.setReadBigInts(true);
      return [table, statement];
    }),
  );
  const headers = { "content-type": "application/json" };
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (request) => {
    const table = request.url.slice(request.url.lastIndexOf("/") + 1);
    const body = await request.json() as { Key: { Value: number }[] };
    const row = lookups.get(table)!.get(body.Key[0]!.Value);
    if (!row) return new Response(null, { status: 404 });
    return new Response(encodeBare(row) + "\n", { headers });
  });
  return { server, db };
}

async function drive(url: string, durationMs: number): Promise<LoadResult & { cpuUs: number }> {
  const script = new URL("./_http_load.ts", import.meta.url).pathname;
  const before = process.cpuUsage();
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", script, url, String(CONCURRENCY), String(durationMs), String(ROWS)],
    stdout: "piped",
    stderr: "inherit",
  }).output();
  const cpu = process.cpuUsage(before);
  if (!output.success) throw new Error(`load generator failed for ${url}`);
  const result = JSON.parse(new TextDecoder().decode(output.stdout)) as LoadResult;
  return { ...result, cpuUs: (cpu.user + cpu.system) / Math.max(1, result.requests) };
}

/** Measures and prints the sidecar benchmark. */
export async function runSidecarBench(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "ctlstore-sidecar-bench-"));
  const path = join(dir, "ldb.db");
  try {
    createLdb(path);
    const sidecar = await startSidecar({ bindAddr: "127.0.0.1:0", ldbPath: path });
    const bare = startBare(path);
    try {
      const servers = {
        bare: `http://127.0.0.1:${bare.server.addr.port}/get-row-by-key/bench/`,
        sidecar: `http://127.0.0.1:${sidecar.address.port}/get-row-by-key/bench/`,
      };
      type Server = keyof typeof servers;
      const rate = new Map<string, number>();
      const cpu = new Map<string, number[]>();
      let errors = 0;
      for (const table of Object.keys(TABLES) as Table[]) {
        for (const url of Object.values(servers)) await drive(url + table, WARMUP_MS);
        for (let round = 0; round < ROUNDS; round++) {
          for (const [server, url] of Object.entries(servers) as [Server, string][]) {
            const result = await drive(url + table, DURATION_MS);
            const key = `${server} ${table}`;
            errors += result.errors;
            rate.set(key, Math.max(rate.get(key) ?? 0, result.requests / result.seconds));
            cpu.set(key, [...cpu.get(key) ?? [], result.cpuUs]);
          }
        }
      }
      const lines = [
        `| sidecar get-row-by-key, ${CONCURRENCY} keep-alive connections | bare req/s | sidecar req/s | req/s ratio (target ≥ 0.8) | bare CPU µs/req | sidecar CPU µs/req | CPU ratio |`,
        "|---|---|---|---|---|---|---|",
      ];
      for (const [table, label] of Object.entries(TABLES)) {
        const r = (server: Server) => rate.get(`${server} ${table}`)!;
        const c = (server: Server) => median(cpu.get(`${server} ${table}`)!);
        lines.push(
          `| ${label} | ${r("bare").toFixed(0)} | ${r("sidecar").toFixed(0)} | ${
            (r("sidecar") / r("bare")).toFixed(2)
          } | ${c("bare").toFixed(1)} | ${c("sidecar").toFixed(1)} | ${
            (c("bare") / c("sidecar")).toFixed(2)
          } |`,
        );
      }
      if (errors > 0) lines.push(`| non-200 answers or failures: ${errors} | | | | | | |`);
      // deno-lint-ignore no-console
      for (const line of lines) console.log(line);
    } finally {
      await bare.server.shutdown();
      bare.db.close();
      await sidecar.stop();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.main) await runSidecarBench();
