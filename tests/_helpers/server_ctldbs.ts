/**
 * The server systems of record tests run against, as one table: each with its test wrapper
 * (skip without a server, fail under `CI=true`) and its fresh-database helper. Tests that need
 * a server ctldb loop over {@linkcode SERVER_CTLDBS} instead of naming MySQL or PostgreSQL.
 *
 * @module
 */
import { parseDsn } from "../../lib/ctldb/mod.ts";
import { freshMysqlDatabase, mysqlAvailable, mysqlTest, TEST_MYSQL_DSN } from "./mysql.ts";
import {
  freshPostgresDatabase,
  postgresAvailable,
  postgresTest,
  TEST_POSTGRES_DSN,
} from "./postgres.ts";

/** A database created for one test; dropped by `await using`. */
export interface FreshServerDatabase extends AsyncDisposable {
  /** The database name. */
  readonly name: string;
  /** The ctldb DSN of the database (what `-ctldb` and `-upstream-dsn` take). */
  readonly dsn: string;
}

/** One server system of record. */
export interface ServerCtldb {
  /** The adapter's name, as `Ctldb.dialect` reports it (`mysql`, `postgres`). */
  readonly name: string;
  /** The reflector `-upstream-driver` for it. */
  readonly driver: string;
  /** Registers a test that needs this server. */
  readonly test: (name: string, fn: (t: Deno.TestContext) => void | Promise<void>) => void;
  /** Creates a fresh database on it. */
  readonly fresh: () => Promise<FreshServerDatabase>;
  /** The server's TCP address (for a proxy in front of it). */
  readonly address: () => { hostname: string; port: number };
  /** The same DSN with the server reached at `127.0.0.1:<port>` (through a proxy). */
  readonly throughPort: (dsn: string, port: number) => string;
  /**
   * Statements that, run in one transaction, make every other session's ledger reads wait
   * (`lock`) until `unlock`.
   */
  readonly ledgerLock: { readonly lock: string; readonly unlock: string };
}

function mysqlAddress(): { hostname: string; port: number } {
  const server = parseDsn(TEST_MYSQL_DSN);
  if (server.kind !== "mysql") throw new TypeError("CTLSTORE_TEST_MYSQL_DSN must name MySQL");
  return { hostname: server.host ?? "127.0.0.1", port: server.port ?? 3306 };
}

function postgresAddress(): { hostname: string; port: number } {
  const url = new URL(TEST_POSTGRES_DSN);
  return { hostname: url.hostname || "127.0.0.1", port: Number(url.port || 5432) };
}

function postgresThroughPort(dsn: string, port: number): string {
  const url = new URL(dsn);
  url.hostname = "127.0.0.1";
  url.port = String(port);
  return url.href;
}

/**
 * MariaDB and PostgreSQL.
 *
 * @example
 * ```ts
 * for (const server of SERVER_CTLDBS) {
 *   server.test(`the ledger starts empty (${server.name})`, async () => {
 *     await using database = await server.fresh();
 *   });
 * }
 * ```
 */
export const SERVER_CTLDBS: readonly ServerCtldb[] = [
  {
    name: "mysql",
    driver: "mysql",
    test: mysqlTest,
    fresh: freshMysqlDatabase,
    address: mysqlAddress,
    throughPort: (dsn, port) => dsn.replace(/tcp\([^)]*\)/, `tcp(127.0.0.1:${port})`),
    ledgerLock: { lock: "LOCK TABLES ctlstore_dml_ledger WRITE", unlock: "UNLOCK TABLES" },
  },
  {
    name: "postgres",
    driver: "postgres",
    test: postgresTest,
    fresh: freshPostgresDatabase,
    address: postgresAddress,
    throughPort: postgresThroughPort,
    ledgerLock: {
      lock: "LOCK TABLE ctlstore_dml_ledger IN ACCESS EXCLUSIVE MODE",
      unlock: "SELECT 1",
    },
  },
];

const everyServer = (await mysqlAvailable()) && (await postgresAvailable());

/**
 * Registers a test that needs every server at once (comparing them). Without one of them it is
 * reported as ignored, except with `CI=true`, where it fails loudly.
 *
 * @example
 * ```ts
 * everyServerTest("both servers build the same LDB", async () => {});
 * ```
 */
export function everyServerTest(name: string, fn: () => Promise<void>): void {
  if (everyServer) {
    Deno.test(name, fn);
  } else if (Deno.env.get("CI") === "true") {
    Deno.test(name, () => {
      throw new Error(`a MySQL and a PostgreSQL server are both needed (CI=true): ${name}`);
    });
  } else {
    Deno.test({ name, ignore: true, fn });
  }
}
