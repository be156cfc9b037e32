/**
 * Executive throughput, on MariaDB/MySQL and on PostgreSQL, each in one run on one fresh
 * database:
 * - single-mutation requests per second with 8 concurrent writers, their p99 latency, and how
 *   many requests shared a ledger transaction on average (group commit),
 * - rows per second with 100-mutation requests from 8 concurrent writers,
 * - the raw rate of the same transaction shape (ledger lock + upsert + ledger insert), one
 *   transaction per request issued directly with the database's driver by 8 concurrent
 *   connections, and its p99 latency: what an executive doing one transaction per request could
 *   at best reach.
 *
 * Each database is measured twice: on its server directly, and behind a proxy
 * (`_delay_proxy.ts`) that delays every packet by at least 1 ms each way (timers round it up;
 * the measured round trip is printed), as a ctldb across a network would be (a fleet's ctldb is
 * rarely on the executive's host). Round trips, not CPU, then bound both rates.
 *
 * The executive runs as a separate `ctlstore executive` process (its own event loop, as in
 * production). Its writers send their requests over keep-alive connections with a minimal
 * HTTP/1.1 client (`_http1_client.ts`), as a dedicated load tool would: in production writers
 * run on other hosts, while here every CPU the load generator takes is taken from the
 * executive and the database on the same cores. One phase with `fetch` as the client is
 * reported for reference.
 *
 * Servers: `CTLSTORE_TEST_MYSQL_DSN` (default `root@tcp(127.0.0.1:3306)/`) and
 * `CTLSTORE_TEST_POSTGRES_DSN` (default `postgres://postgres@127.0.0.1:5432/postgres`); a server
 * that does not answer is reported as skipped. The raw baselines are the one place outside
 * `lib/ctldb` that speaks to a database driver directly: that is what they measure.
 *
 * @module
 */
// deno-lint-ignore-file no-console
import mysql from "mysql2/promise";
import pg from "pg";
import { MYSQL_SESSION_SQL, type MysqlDsn, mysqlPoolOptions, parseDsn } from "../lib/ctldb/mod.ts";
import { errorMessage } from "../lib/log/mod.ts";
import { median, percentile } from "./_stats.ts";
import { type DelayProxy, startDelayProxy } from "./_delay_proxy.ts";
import { Http1Client } from "./_http1_client.ts";

const MYSQL_SERVER = Deno.env.get("CTLSTORE_TEST_MYSQL_DSN") ?? "root@tcp(127.0.0.1:3306)/";
const POSTGRES_SERVER = Deno.env.get("CTLSTORE_TEST_POSTGRES_DSN") ??
  "postgres://postgres@127.0.0.1:5432/postgres";
const WRITERS = 8;
const PHASE_MS = 2000;
const ROUNDS = 5;
const ROOT = new URL("../", import.meta.url).pathname;

/** A fresh database on one server, with raw connections for the baseline. */
interface BenchDatabase {
  /** The executive's `-ctldb` DSN. */
  dsn: string;
  /** The measured round trip of `SELECT 1`, in ms, when the database is behind a proxy. */
  roundTripMs?: number;
  /** Opens `WRITERS` raw connections; `step(w, id)` runs one baseline transaction on the w-th. */
  connectRaw(): Promise<RawClient>;
  drop(): Promise<void>;
}

interface RawClient {
  step(writer: number, id: number): Promise<void>;
  /** The ledger lock's clock: one tick per committed ledger transaction. */
  lockClock(): Promise<number>;
  close(): Promise<void>;
}

interface Target {
  name: string;
  open(database: string): Promise<BenchDatabase>;
}

/** The mean time of `SELECT 1` run 20 times, in ms. */
async function roundTrip(selectOne: () => Promise<unknown>): Promise<number> {
  const began = performance.now();
  for (let i = 0; i < 20; i++) await selectOne();
  return (performance.now() - began) / 20;
}

const statementFor = (id: number) =>
  `REPLACE INTO bench___rows ("id","name") VALUES(${id},'name${id}')`;

/** The MySQL server's DSN, through `proxy` when one is given. */
function mysqlServer(proxy?: DelayProxy): string {
  return proxy === undefined
    ? MYSQL_SERVER
    : MYSQL_SERVER.replace(/@tcp\([^)]*\)/, `@tcp(127.0.0.1:${proxy.port})`);
}

async function mysqlConnect(server: string, database?: string): Promise<mysql.Connection> {
  const dsn = parseDsn(server);
  if (dsn.kind !== "mysql") throw new TypeError("CTLSTORE_TEST_MYSQL_DSN must name a MySQL server");
  const { connectionLimit: _, ...settings } = mysqlPoolOptions(dsn as MysqlDsn);
  if (database) settings.database = database;
  else delete settings.database;
  return await mysql.createConnection(settings);
}

/**
 * MySQL on its server, or (with `delayMs`) behind a proxy that delays each packet by about
 * that much each way, as a ctldb across a network would.
 */
function mysqlTarget(delayMs?: number): Target {
  return {
    name: delayMs === undefined ? "MySQL" : "MySQL behind a delaying proxy",
    async open(database) {
      const admin = await mysqlConnect(MYSQL_SERVER);
      await admin.query(
        `CREATE DATABASE \`${database}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`,
      );
      let proxy: DelayProxy | undefined;
      if (delayMs !== undefined) {
        const { host = "127.0.0.1", port = 3306 } = parseDsn(MYSQL_SERVER) as MysqlDsn;
        proxy = startDelayProxy({ hostname: host, port }, delayMs);
      }
      const server = mysqlServer(proxy);
      let roundTripMs: number | undefined;
      if (proxy !== undefined) {
        const probe = await mysqlConnect(server);
        roundTripMs = await roundTrip(() => probe.query("SELECT 1"));
        await probe.end();
      }
      return {
        dsn: server.replace(/\/[^/]*$/, `/${database}`),
        roundTripMs,
        async connectRaw() {
          const connections = await Promise.all(
            Array.from({ length: WRITERS }, async () => {
              const connection = await mysqlConnect(server, database);
              await connection.query(MYSQL_SESSION_SQL);
              return connection;
            }),
          );
          return {
            async step(w, id) {
              const connection = connections[w]!;
              const statement = statementFor(id);
              await connection.query("BEGIN");
              await connection.query("UPDATE locks SET clock = clock + 1 WHERE id = 'ledger'");
              await connection.query(statement);
              await connection.execute("INSERT INTO ctlstore_dml_ledger (statement) VALUES(?)", [
                statement,
              ]);
              await connection.query("COMMIT");
            },
            async lockClock() {
              const [rows] = await connections[0]!.query("SELECT clock FROM locks");
              return Number((rows as { clock: unknown }[])[0]!.clock);
            },
            close: async () => void await Promise.all(connections.map((c) => c.end())),
          };
        },
        async drop() {
          await proxy?.close();
          await admin.query(`DROP DATABASE IF EXISTS \`${database}\``);
          await admin.end();
        },
      };
    },
  };
}

/**
 * PostgreSQL on its server, or (with `delayMs`) behind a proxy that delays each packet by about
 * that much each way.
 */
function postgresTarget(delayMs?: number): Target {
  return {
    name: delayMs === undefined ? "PostgreSQL" : "PostgreSQL behind a delaying proxy",
    async open(database) {
      const admin = new pg.Client({ connectionString: POSTGRES_SERVER });
      await admin.connect();
      await admin.query(`CREATE DATABASE "${database}"`);
      const url = new URL(POSTGRES_SERVER);
      url.pathname = `/${database}`;
      let proxy: DelayProxy | undefined;
      let roundTripMs: number | undefined;
      if (delayMs !== undefined) {
        proxy = startDelayProxy(
          { hostname: url.hostname, port: Number(url.port || 5432) },
          delayMs,
        );
        url.hostname = "127.0.0.1";
        url.port = String(proxy.port);
        const probe = new pg.Client({ connectionString: url.href });
        await probe.connect();
        roundTripMs = await roundTrip(() => probe.query("SELECT 1"));
        await probe.end();
      }
      return {
        dsn: url.href,
        roundTripMs,
        async connectRaw() {
          const clients: pg.Client[] = await Promise.all(
            Array.from({ length: WRITERS }, async () => {
              const client = new pg.Client({ connectionString: url.href });
              await client.connect();
              return client;
            }),
          );
          return {
            async step(w, id) {
              const client = clients[w]!;
              await client.query("BEGIN");
              await client.query("UPDATE locks SET clock = clock + 1 WHERE id = 'ledger'");
              await client.query(
                `INSERT INTO bench___rows ("id","name") VALUES(${id},'name${id}') ` +
                  `ON CONFLICT ("id") DO UPDATE SET "name" = EXCLUDED."name"`,
              );
              await client.query(
                "INSERT INTO ctlstore_dml_ledger (statement) VALUES($1) RETURNING seq",
                [statementFor(id)],
              );
              await client.query("COMMIT");
            },
            async lockClock() {
              const { rows } = await clients[0]!.query("SELECT clock FROM locks");
              return Number(rows[0].clock);
            },
            close: async () => void await Promise.all(clients.map((c) => c.end())),
          };
        },
        async drop() {
          await proxy?.close();
          await admin.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
          await admin.end();
        },
      };
    },
  };
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
    stderr: "inherit",
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

/**
 * Runs `step` in `workers` parallel loops for PHASE_MS; returns completed steps per second and
 * adds each step's latency (ms) to `latencies`.
 */
async function rate(
  workers: number,
  latencies: number[],
  step: (worker: number) => Promise<void>,
): Promise<number> {
  const deadline = performance.now() + PHASE_MS;
  const start = performance.now();
  let done = 0;
  await Promise.all(Array.from({ length: workers }, async (_, worker) => {
    while (performance.now() < deadline) {
      const began = performance.now();
      await step(worker);
      latencies.push(performance.now() - began);
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

const p99 = (latencies: number[]) => percentile(latencies.sort((a, b) => a - b), 99);

/** Measures one target; prints its markdown table rows. */
async function benchTarget(target: Target): Promise<void> {
  const database = `ctlstore_bench_${crypto.randomUUID().replaceAll("-", "").slice(0, 12)}`;
  let db: BenchDatabase;
  try {
    db = await target.open(database);
  } catch (error) {
    console.log(`| ${target.name}: skipped, no database (${errorMessage(error)}) | | |`);
    return;
  }
  const port = freePort();
  let executive: Deno.ChildProcess | undefined;
  let raw: RawClient | undefined;
  let clients: Http1Client[] = [];
  try {
    executive = await startExecutiveProcess(db.dsn, port);
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
    raw = await db.connectRaw();
    const rawClient = raw;
    clients = await Promise.all(Array.from({ length: WRITERS }, () => Http1Client.connect(port)));
    const writers = clients;
    const mutate = async (w: number, mutations: unknown[]) => {
      const path = "/families/bench/mutations";
      const response = await writers[w]!.post(path, JSON.stringify({ mutations }), headers(w));
      if (response.status !== 200) throw new Error(`${path}: ${response.status} ${response.text}`);
    };

    let nextId = 0;
    const singleLatencies: number[] = [];
    const rawLatencies: number[] = [];
    const singleRound = () =>
      rate(WRITERS, singleLatencies, (w) => mutate(w, [mutation(nextId++)]));
    const rawRound = () => rate(WRITERS, rawLatencies, (w) => rawClient.step(w, nextId++));
    // Alternate the two so background load on the machine hits both alike; report medians.
    const singles: number[] = [];
    const raws: number[] = [];
    let transactions = 0;
    for (let round = 0; round < ROUNDS; round++) {
      const clock = await rawClient.lockClock();
      singles.push(await singleRound());
      transactions += await rawClient.lockClock() - clock;
      raws.push(await rawRound());
    }
    const single = median(singles);
    const rawRate = median(raws);
    const batches = await rate(
      WRITERS,
      [],
      (w) => mutate(w, Array.from({ length: 100 }, () => mutation(nextId++))),
    );
    // For reference: the same single-mutation load sent with `fetch`, a costlier client.
    const fetchLatencies: number[] = [];
    const throughFetch = await rate(WRITERS, fetchLatencies, (w) =>
      post(
        `${base}/families/bench/mutations`,
        JSON.stringify({ mutations: [mutation(nextId++)] }),
        headers(w),
      ));

    const name = target.name;
    if (db.roundTripMs !== undefined) {
      console.log(`| ${name}: round trip of \`SELECT 1\` | ${db.roundTripMs.toFixed(1)} ms | |`);
    }
    console.log(
      `| ${name}: single-mutation requests/s, ${WRITERS} writers | ${single.toFixed(0)} | ` +
        `${p99(singleLatencies).toFixed(1)} ms |`,
    );
    console.log(
      `| ${name}: raw one-transaction-per-request tx/s, ${WRITERS} connections | ` +
        `${rawRate.toFixed(0)} | ${p99(rawLatencies).toFixed(1)} ms |`,
    );
    console.log(
      `| ${name}: single-mutation requests / raw tx | ${(single / rawRate).toFixed(2)}x | |`,
    );
    console.log(
      `| ${name}: requests per ledger transaction (group commit) | ` +
        `${(singleLatencies.length / transactions).toFixed(1)} | |`,
    );
    console.log(
      `| ${name}: single-mutation requests/s, ${WRITERS} writers, sent with fetch | ` +
        `${throughFetch.toFixed(0)} | ${p99(fetchLatencies).toFixed(1)} ms |`,
    );
    console.log(
      `| ${name}: rows/s, 100-mutation requests, ${WRITERS} writers | ` +
        `${(batches * 100).toFixed(0)} | |`,
    );
  } finally {
    for (const client of clients) client[Symbol.dispose]();
    await raw?.close();
    if (executive) {
      executive.kill("SIGTERM");
      await executive.status;
    }
    await db.drop();
  }
}

/** Prints executive and raw transaction rates, per system of record, as markdown table rows. */
export async function runExecutiveBench(): Promise<void> {
  console.log("| executive | value | p99 latency |");
  console.log("|---|---|---|");
  for (const target of [mysqlTarget(), mysqlTarget(1), postgresTarget(), postgresTarget(1)]) {
    await benchTarget(target);
  }
}

if (import.meta.main) await runExecutiveBench();
