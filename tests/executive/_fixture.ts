/**
 * Executive test fixtures: an in-process executive on port 0 against a fresh SQLite file, a
 * fresh MariaDB database or a fresh PostgreSQL database, a shared ctldb handle to inspect what
 * it wrote, and a small HTTP client. `eachCtldb` registers one test per system of record.
 *
 * @module
 */
import { type Ctldb, openCtldb } from "../../lib/ctldb/mod.ts";
import {
  type ExecutiveConfig,
  type RunningService,
  startExecutive,
} from "../../lib/executive/mod.ts";
import { freshMysqlDatabase, mysqlTest } from "../_helpers/mysql.ts";
import { freshPostgresDatabase, postgresTest } from "../_helpers/postgres.ts";
import { tempDir } from "../_helpers/temp.ts";

/** A response, read. */
export interface Reply {
  status: number;
  text: string;
  headers: Headers;
}

/** Options of one request. */
export interface CallOptions {
  body?: BodyInit;
  headers?: Record<string, string>;
}

/** A running executive with helpers. */
export interface ExecutiveFixture {
  /** The ctldb's adapter (`sqlite`, `mysql`, `postgres`). */
  readonly dialect: string;
  /** The ctldb the executive writes (shared handle). */
  readonly db: Ctldb;
  /** The executive's DSN (for spawning another process on the same ctldb). */
  readonly dsn: string;
  readonly service: RunningService;
  /** `http://127.0.0.1:<port>`. */
  readonly base: string;
  call(method: string, path: string, options?: CallOptions): Promise<Reply>;
  /** Every ledger statement in seq order. */
  ledger(): Promise<string[]>;
  /** Every ledger row in seq order. */
  ledgerRows(): Promise<{ seq: number; statement: string }[]>;
}

/** Headers of the standard test writer. */
export const WRITER_HEADERS = { "ctlstore-writer": "mywriter", "ctlstore-secret": "mysecret" };

/** The table of spec §1.1. */
export const MYTABLE = {
  fields: [["id", "integer"], ["name", "string"], ["data", "bytestring"]],
  keyFields: ["id"],
};

function fixture(
  db: Ctldb,
  dsn: string,
  service: RunningService,
): ExecutiveFixture {
  const base = `http://127.0.0.1:${service.address!.port}`;
  const ledgerRows = async () =>
    (await db.query<{ seq: number; statement: string }>(
      "SELECT seq, statement FROM ctlstore_dml_ledger ORDER BY seq",
    )).map((r) => ({ seq: Number(r.seq), statement: r.statement }));
  return {
    dialect: db.dialect,
    db,
    dsn,
    service,
    base,
    async call(method, path, options = {}) {
      const response = await fetch(base + path, {
        method,
        body: options.body ?? null,
        headers: options.headers ?? {},
      });
      return { status: response.status, text: await response.text(), headers: response.headers };
    },
    ledgerRows,
    ledger: async () => (await ledgerRows()).map((r) => r.statement),
  };
}

async function run(
  dsn: string,
  config: Partial<ExecutiveConfig>,
  fn: (fx: ExecutiveFixture) => Promise<void>,
): Promise<void> {
  const db = await openCtldb(dsn);
  try {
    const service = await startExecutive({ bind: "127.0.0.1:0", ctldb: dsn, db, ...config });
    try {
      await fn(fixture(db, dsn, service));
    } finally {
      await service.stop();
    }
  } finally {
    await db.close();
  }
}

/**
 * Runs `fn` against an executive on a fresh SQLite ctldb.
 *
 * @example
 * ```ts
 * await withSqliteExecutive({}, async (fx) => { await fx.call("GET", "/status"); });
 * ```
 */
export async function withSqliteExecutive(
  config: Partial<ExecutiveConfig>,
  fn: (fx: ExecutiveFixture) => Promise<void>,
): Promise<void> {
  await using dir = await tempDir();
  await run(`sqlite:${dir.path}/ctldb.db`, config, fn);
}

/**
 * Runs `fn` against an executive on a fresh MariaDB database.
 *
 * @example
 * ```ts
 * await withMysqlExecutive({}, async (fx) => { await fx.call("GET", "/status"); });
 * ```
 */
export async function withMysqlExecutive(
  config: Partial<ExecutiveConfig>,
  fn: (fx: ExecutiveFixture) => Promise<void>,
): Promise<void> {
  await using database = await freshMysqlDatabase();
  await run(database.dsn, config, fn);
}

/**
 * Runs `fn` against an executive on a fresh PostgreSQL database.
 *
 * @example
 * ```ts
 * await withPostgresExecutive({}, async (fx) => { await fx.call("GET", "/status"); });
 * ```
 */
export async function withPostgresExecutive(
  config: Partial<ExecutiveConfig>,
  fn: (fx: ExecutiveFixture) => Promise<void>,
): Promise<void> {
  await using database = await freshPostgresDatabase();
  await run(database.dsn, config, fn);
}

/**
 * Registers the test once per system of record: on a SQLite ctldb, and (when a server answers)
 * on MariaDB and on PostgreSQL.
 *
 * @example
 * ```ts
 * eachCtldb("status answers 200", {}, async (fx) => {
 *   assert.equal((await fx.call("GET", "/status")).status, 200);
 * });
 * ```
 */
export function eachCtldb(
  name: string,
  config: Partial<ExecutiveConfig>,
  fn: (fx: ExecutiveFixture) => Promise<void>,
): void {
  Deno.test(`${name} (sqlite)`, () => withSqliteExecutive(config, fn));
  mysqlTest(`${name} (mysql)`, () => withMysqlExecutive(config, fn));
  postgresTest(`${name} (postgres)`, () => withPostgresExecutive(config, fn));
}

/**
 * Registers the test once per server system of record (MariaDB, PostgreSQL), for behaviour a
 * SQLite ctldb does not have (table sizes, a separate DDL path, network outages).
 *
 * @example
 * ```ts
 * eachServerCtldb("status answers 200", {}, async (fx) => {
 *   assert.equal((await fx.call("GET", "/status")).status, 200);
 * });
 * ```
 */
export function eachServerCtldb(
  name: string,
  config: Partial<ExecutiveConfig>,
  fn: (fx: ExecutiveFixture) => Promise<void>,
): void {
  mysqlTest(`${name} (mysql)`, () => withMysqlExecutive(config, fn));
  postgresTest(`${name} (postgres)`, () => withPostgresExecutive(config, fn));
}

/**
 * Creates family `myfamily`, writer `mywriter`/`mysecret` and table `mytable` of spec §1.1.
 *
 * @example
 * ```ts
 * await setupMyTable(fx);
 * ```
 */
export async function setupMyTable(fx: ExecutiveFixture, headers: Record<string, string> = {}) {
  const steps: [string, string, string | undefined][] = [
    ["POST", "/families/myfamily", undefined],
    ["POST", "/writers/mywriter", "mysecret"],
    ["POST", "/families/myfamily/tables/mytable", JSON.stringify(MYTABLE)],
  ];
  for (const [method, path, body] of steps) {
    const reply = await fx.call(method, path, body === undefined ? { headers } : { body, headers });
    if (reply.status !== 200) throw new Error(`${method} ${path}: ${reply.status} ${reply.text}`);
  }
}

/**
 * Posts a mutation request as the standard writer.
 *
 * @example
 * ```ts
 * await mutate(fx, { mutations: [{ table: "mytable", values: { id: 1, name: "a", data: null } }] });
 * ```
 */
export function mutate(
  fx: ExecutiveFixture,
  body: unknown,
  headers: Record<string, string> = WRITER_HEADERS,
  family = "myfamily",
): Promise<Reply> {
  return fx.call("POST", `/families/${family}/mutations`, {
    body: typeof body === "string" ? body : JSON.stringify(body),
    headers,
  });
}

/**
 * An upsert of the §1.1 table.
 *
 * @example
 * ```ts
 * row(1, "a"); // { table: "mytable", values: { id: 1, name: "a", data: null } }
 * ```
 */
export function row(id: number, name: string) {
  return { table: "mytable", values: { id, name, data: null } };
}
