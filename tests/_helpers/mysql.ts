/**
 * MySQL test fixtures: a fresh, uniquely named database per test on the server named by
 * `CTLSTORE_TEST_MYSQL_DSN` (default `root@tcp(127.0.0.1:3306)/`), dropped on dispose, and a
 * `Deno.test` wrapper that skips (or, with `CI=true`, fails) when no server answers.
 *
 * @module
 */
import { type Ctldb, type MysqlDsn, openCtldb, parseDsn } from "../../lib/ctldb/mod.ts";

/** The server DSN tests use. */
export const TEST_MYSQL_DSN = Deno.env.get("CTLSTORE_TEST_MYSQL_DSN") ??
  "root@tcp(127.0.0.1:3306)/";

function serverDsn(): MysqlDsn {
  const dsn = parseDsn(TEST_MYSQL_DSN);
  if (dsn.kind !== "mysql") throw new TypeError("CTLSTORE_TEST_MYSQL_DSN must name a MySQL server");
  return dsn;
}

/** A one-connection ctldb on the server itself (no database), for CREATE and DROP DATABASE. */
async function withAdmin<T>(fn: (admin: Ctldb) => Promise<T>, connectTimeoutMs = 5000) {
  const server = serverDsn();
  const admin = await openCtldb(goDsn(server, ""), { poolSize: 1, connectTimeoutMs });
  try {
    return await fn(admin);
  } finally {
    await admin.close();
  }
}

let probe: Promise<boolean> | undefined;

/**
 * Whether a MySQL server answers at `CTLSTORE_TEST_MYSQL_DSN` (probed once per process).
 *
 * @example
 * ```ts
 * if (await mysqlAvailable()) console.log("MySQL tests will run");
 * ```
 */
export function mysqlAvailable(): Promise<boolean> {
  probe ??= withAdmin((admin) => admin.ping(), 2000).then(() => true, () => false);
  return probe;
}

/** A database created for one test; dropped by `await using`. */
export interface FreshMysqlDatabase extends AsyncDisposable {
  /** The database name. */
  readonly name: string;
  /** Go-mysql DSN of the database, e.g. `root@tcp(127.0.0.1:3306)/ctlstore_test_ab12`. */
  readonly dsn: string;
  /** The same as a `mysql://` URL. */
  readonly url: string;
}

function goDsn(server: MysqlDsn, database: string): string {
  const userInfo = server.user === undefined
    ? ""
    : `${server.user}${server.password === undefined ? "" : `:${server.password}`}@`;
  const address = server.socketPath !== undefined
    ? `unix(${server.socketPath})`
    : `tcp(${server.host?.includes(":") ? `[${server.host}]` : server.host}:${server.port})`;
  return `${userInfo}${address}/${database}`;
}

function urlDsn(server: MysqlDsn, database: string): string {
  const enc = encodeURIComponent;
  const userInfo = server.user === undefined
    ? ""
    : `${enc(server.user)}${server.password === undefined ? "" : `:${enc(server.password)}`}@`;
  const host = server.host?.includes(":") ? `[${server.host}]` : server.host ?? "localhost";
  const socket = server.socketPath === undefined ? "" : `?socket=${enc(server.socketPath)}`;
  return `mysql://${userInfo}${host}:${server.port ?? 3306}/${database}${socket}`;
}

/**
 * Creates a uniquely named utf8mb4 database and drops it on dispose.
 *
 * @example
 * ```ts
 * await using db = await freshMysqlDatabase();
 * const ctldb = await openCtldb(db.dsn);
 * ```
 */
export async function freshMysqlDatabase(): Promise<FreshMysqlDatabase> {
  const name = `ctlstore_test_${crypto.randomUUID().replaceAll("-", "").slice(0, 16)}`;
  await withAdmin((admin) =>
    admin.exec(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`)
  );
  const server = serverDsn();
  return {
    name,
    dsn: goDsn(server, name),
    url: urlDsn(server, name),
    async [Symbol.asyncDispose]() {
      await withAdmin((admin) => admin.exec(`DROP DATABASE IF EXISTS \`${name}\``));
    },
  };
}

const available = await mysqlAvailable();
const inCi = Deno.env.get("CI") === "true";

/**
 * Registers a test that needs MySQL. Without a server it is reported as ignored, except with
 * `CI=true`, where it fails loudly.
 *
 * @example
 * ```ts
 * mysqlTest("ensureSchema creates the ledger", async () => {
 *   await using db = await freshMysqlDatabase();
 *   // ...
 * });
 * ```
 */
export function mysqlTest(name: string, fn: (t: Deno.TestContext) => void | Promise<void>): void {
  if (available) {
    Deno.test(name, fn);
  } else if (inCi) {
    Deno.test(name, () => {
      throw new Error(`no MySQL server answers at CTLSTORE_TEST_MYSQL_DSN (CI=true): ${name}`);
    });
  } else {
    Deno.test({ name, ignore: true, fn });
  }
}
