/**
 * PostgreSQL test fixtures: a fresh, uniquely named database per test on the server named by
 * `CTLSTORE_TEST_POSTGRES_DSN` (default `postgres://postgres@127.0.0.1:5432/postgres`), dropped
 * on dispose, and a `Deno.test` wrapper that skips (or, with `CI=true`, fails) when no server
 * answers. The mirror of `mysql.ts`.
 *
 * @module
 */
import { type Ctldb, openCtldb } from "../../lib/ctldb/mod.ts";

/** The server DSN tests use (any database on it; tests create their own). */
export const TEST_POSTGRES_DSN = Deno.env.get("CTLSTORE_TEST_POSTGRES_DSN") ??
  "postgres://postgres@127.0.0.1:5432/postgres";

async function withAdmin<T>(fn: (admin: Ctldb) => Promise<T>, connectTimeoutMs = 5000) {
  const admin = await openCtldb(TEST_POSTGRES_DSN, { poolSize: 1, connectTimeoutMs });
  try {
    return await fn(admin);
  } finally {
    await admin.close();
  }
}

let probe: Promise<boolean> | undefined;

/**
 * Whether a PostgreSQL server answers at `CTLSTORE_TEST_POSTGRES_DSN` (probed once per process).
 *
 * @example
 * ```ts
 * if (await postgresAvailable()) console.log("PostgreSQL tests will run");
 * ```
 */
export function postgresAvailable(): Promise<boolean> {
  probe ??= withAdmin((admin) => admin.ping(), 2000).then(() => true, () => false);
  return probe;
}

/** A database created for one test; dropped by `await using`. */
export interface FreshPostgresDatabase extends AsyncDisposable {
  /** The database name. */
  readonly name: string;
  /** `postgres://` URL of the database. */
  readonly dsn: string;
}

/**
 * Creates a uniquely named UTF-8 database and drops it (closing its connections) on dispose.
 *
 * @example
 * ```ts
 * await using db = await freshPostgresDatabase();
 * const ctldb = await openCtldb(db.dsn);
 * ```
 */
export async function freshPostgresDatabase(): Promise<FreshPostgresDatabase> {
  const name = `ctlstore_test_${crypto.randomUUID().replaceAll("-", "").slice(0, 16)}`;
  await withAdmin((admin) =>
    admin.exec(`CREATE DATABASE "${name}" ENCODING 'UTF8' TEMPLATE template0`)
  );
  const url = new URL(TEST_POSTGRES_DSN);
  url.pathname = `/${name}`;
  return {
    name,
    dsn: url.href,
    async [Symbol.asyncDispose]() {
      await withAdmin((admin) => admin.exec(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
    },
  };
}

const available = await postgresAvailable();
const inCi = Deno.env.get("CI") === "true";

/**
 * Registers a test that needs PostgreSQL. Without a server it is reported as ignored, except
 * with `CI=true`, where it fails loudly.
 *
 * @example
 * ```ts
 * postgresTest("ensureSchema creates the ledger", async () => {
 *   await using db = await freshPostgresDatabase();
 *   // ...
 * });
 * ```
 */
export function postgresTest(
  name: string,
  fn: (t: Deno.TestContext) => void | Promise<void>,
): void {
  if (available) {
    Deno.test(name, fn);
  } else if (inCi) {
    Deno.test(name, () => {
      throw new Error(
        `no PostgreSQL server answers at CTLSTORE_TEST_POSTGRES_DSN (CI=true): ${name}`,
      );
    });
  } else {
    Deno.test({ name, ignore: true, fn });
  }
}
