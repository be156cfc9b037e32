/**
 * Executive throughput against MariaDB/MySQL, in one run on one fresh database:
 * - single-mutation requests per second with 8 concurrent writers,
 * - rows per second with 100-mutation requests from 8 concurrent writers,
 * - the raw rate of the same transaction shape (ledger lock + REPLACE + ledger INSERT), issued
 *   directly with mysql2 by 8 concurrent connections: the ceiling the executive works under.
 *
 * The executive runs as a separate `ctlstore executive` process (its own event loop, as in
 * production). Server: `CTLSTORE_TEST_MYSQL_DSN` (default `root@tcp(127.0.0.1:3306)/`).
 *
 * @module
 */
// deno-lint-ignore-file no-console
import mysql from "mysql2/promise";
import { MYSQL_SESSION_SQL, type MysqlDsn, mysqlPoolOptions, parseDsn } from "../lib/ctldb/mod.ts";
import { median } from "./_stats.ts";

const SERVER_DSN = Deno.env.get("CTLSTORE_TEST_MYSQL_DSN") ?? "root@tcp(127.0.0.1:3306)/";
const WRITERS = 8;
const PHASE_MS = 2000;
const ROUNDS = 5;
const ROOT = new URL("../", import.meta.url).pathname;

function server(): MysqlDsn {
  const dsn = parseDsn(SERVER_DSN);
  if (dsn.kind !== "mysql") throw new TypeError("CTLSTORE_TEST_MYSQL_DSN must name a MySQL server");
  return dsn;
}

function databaseDsn(database: string): string {
  return SERVER_DSN.replace(/\/[^/]*$/, `/${database}`);
}

async function connect(database?: string): Promise<mysql.Connection> {
  const { connectionLimit: _, ...settings } = mysqlPoolOptions(server());
  if (database) settings.database = database;
  else delete settings.database;
  return await mysql.createConnection(settings);
}

function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr as Deno.NetAddr;
  listener.close();
  return port;
}

async function startExecutiveProcess(dsn: string, port: number): Promise<Deno.ChildProcess> {
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      "main.ts",
      "executive",
      "-bind",
      `127.0.0.1:${port}`,
      "-ctldb",
      dsn,
      "-writer-limit",
      "1000000000000",
    ],
    cwd: ROOT,
    stdin: "null",
    stdout: "null",
    stderr: "null",
  }).spawn();
  for (let i = 0; i < 200; i++) {
    try {
      const response = await fetch(`http://127.0.0.1:${port}/status`);
      await response.body?.cancel();
      if (response.ok) return child;
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  child.kill("SIGKILL");
  await child.status;
  throw new Error("the executive did not start");
}

/** Runs `step` in `workers` parallel loops for PHASE_MS; returns completed steps per second. */
async function rate(workers: number, step: (worker: number) => Promise<void>) {
  const deadline = performance.now() + PHASE_MS;
  const start = performance.now();
  let done = 0;
  await Promise.all(Array.from({ length: workers }, async (_, worker) => {
    while (performance.now() < deadline) {
      await step(worker);
      done++;
    }
  }));
  return done / ((performance.now() - start) / 1000);
}

async function post(url: string, body: string, headers: Record<string, string> = {}) {
  const response = await fetch(url, { method: "POST", body, headers });
  const text = await response.text();
  if (!response.ok) throw new Error(`${url}: ${response.status} ${text}`);
}

/** Prints executive and raw transaction rates as markdown table rows. */
export async function runExecutiveBench(): Promise<void> {
  const database = `ctlstore_bench_${crypto.randomUUID().replaceAll("-", "").slice(0, 12)}`;
  const admin = await connect();
  await admin.query(
    `CREATE DATABASE \`${database}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`,
  );
  const port = freePort();
  let executive: Deno.ChildProcess | undefined;
  const raw: mysql.Connection[] = [];
  try {
    executive = await startExecutiveProcess(databaseDsn(database), port);
    const base = `http://127.0.0.1:${port}`;
    await post(`${base}/families/bench`, "");
    const table = { fields: [["id", "integer"], ["name", "string"]], keyFields: ["id"] };
    await post(`${base}/families/bench/tables/rows`, JSON.stringify(table));
    for (let w = 0; w < WRITERS; w++) await post(`${base}/writers/writer${w}`, `secret${w}`);
    const headers = (w: number) => ({
      "ctlstore-writer": `writer${w}`,
      "ctlstore-secret": `secret${w}`,
    });
    const mutation = (id: number) => ({ table: "rows", values: { id, name: `name${id}` } });

    for (let w = 0; w < WRITERS; w++) {
      const connection = await connect(database);
      await connection.query(MYSQL_SESSION_SQL);
      raw.push(connection);
    }
    let nextId = 0;
    const singleRound = () =>
      rate(WRITERS, (w) =>
        post(
          `${base}/families/bench/mutations`,
          JSON.stringify({ mutations: [mutation(nextId++)] }),
          headers(w),
        ));
    const rawRound = () =>
      rate(WRITERS, async (w) => {
        const connection = raw[w]!;
        const id = nextId++;
        const statement = `REPLACE INTO bench___rows ("id","name") VALUES(${id},'name${id}')`;
        await connection.query("BEGIN");
        await connection.query("UPDATE locks SET clock = clock + 1 WHERE id = 'ledger'");
        await connection.query(statement);
        await connection.execute("INSERT INTO ctlstore_dml_ledger (statement) VALUES(?)", [
          statement,
        ]);
        await connection.query("COMMIT");
      });
    // Alternate the two so background load on the machine hits both alike; report medians.
    const singles: number[] = [];
    const raws: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      singles.push(await singleRound());
      raws.push(await rawRound());
    }
    const single = median(singles);
    const rawRate = median(raws);
    const batches = await rate(WRITERS, (w) => {
      const mutations = Array.from({ length: 100 }, () => mutation(nextId++));
      return post(`${base}/families/bench/mutations`, JSON.stringify({ mutations }), headers(w));
    });

    console.log("| executive (MySQL) | value |");
    console.log("|---|---|");
    console.log(`| single-mutation requests/s, ${WRITERS} writers | ${single.toFixed(0)} |`);
    console.log(
      `| rows/s, 100-mutation requests, ${WRITERS} writers | ${(batches * 100).toFixed(0)} |`,
    );
    console.log(
      `| raw lock+REPLACE+ledger tx/s, ${WRITERS} mysql2 connections | ${rawRate.toFixed(0)} |`,
    );
    console.log(`| single-mutation requests / raw tx | ${(single / rawRate).toFixed(2)}x |`);
  } finally {
    await Promise.all(raw.map((c) => c.end()));
    if (executive) {
      executive.kill("SIGTERM");
      await executive.status;
    }
    await admin.query(`DROP DATABASE IF EXISTS \`${database}\``);
    await admin.end();
  }
}

if (import.meta.main) await runExecutiveBench();
