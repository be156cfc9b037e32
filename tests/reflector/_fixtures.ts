/**
 * Fixtures of the reflector tests: an in-process executive on a fresh ctldb with a client,
 * LDB row reads, and a log collector.
 *
 * @module
 */
import { ExecutiveClient } from "../../lib/client/mod.ts";
import { type Ctldb, openCtldb } from "../../lib/ctldb/mod.ts";
import { type RunningService, startExecutive } from "../../lib/executive/mod.ts";
import { openLdbForRead } from "../../lib/ldb/mod.ts";
import { createLogger, type Logger } from "../../lib/log/mod.ts";

/** A writer the fixtures register. */
export const WRITER = { writer: "tester", secret: "s3cret-value" };

/** An executive serving `ctldb` (a DSN), with a client and a direct ctldb connection. */
export interface TestExecutive extends AsyncDisposable {
  readonly service: RunningService;
  readonly client: ExecutiveClient;
  readonly baseUrl: string;
  readonly ctldb: Ctldb;
  /** Sends a request the client has no method for (drop, clear-rows). */
  request(method: string, path: string): Promise<Response>;
}

/**
 * Starts an executive on `dsn` with destructive changes enabled and a registered writer.
 *
 * @example
 * ```ts
 * await using executive = await testExecutive(db.dsn);
 * ```
 */
export async function testExecutive(dsn: string): Promise<TestExecutive> {
  const service = await startExecutive({
    bind: "127.0.0.1:0",
    ctldb: dsn,
    enableDestructiveSchemaChanges: true,
    logger: createLogger("executive", { write: () => {} }),
  });
  const baseUrl = `http://127.0.0.1:${service.address!.port}`;
  const client = new ExecutiveClient(baseUrl);
  const ctldb = await openCtldb(dsn);
  await client.registerWriter(WRITER);
  return {
    service,
    client,
    baseUrl,
    ctldb,
    async request(method, path) {
      const response = await fetch(`${baseUrl}${path}`, { method });
      await response.body?.cancel();
      return response;
    },
    async [Symbol.asyncDispose]() {
      await ctldb.close();
      await service.stop();
    },
  };
}

/** All rows of an LDB table ordered by `order`, as plain objects (integers as bigint). */
export function ldbRows(
  ldbPath: string,
  table: string,
  order = "rowid",
): Record<string, unknown>[] {
  const db = openLdbForRead(ldbPath);
  try {
    const statement = db.prepare(`SELECT * FROM "${table}" ORDER BY ${order}`);
    statement.setReadBigInts(true);
    return statement.all().map((row) => ({ ...row }));
  } finally {
    db.close();
  }
}

/** Names of the tables of an LDB. */
export function ldbTables(ldbPath: string): string[] {
  const db = openLdbForRead(ldbPath);
  try {
    return db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all()
      .map((row) => String(row.name));
  } finally {
    db.close();
  }
}

/** A logger that keeps its lines for assertions. */
export function collectingLogger(): { logger: Logger; lines: string[] } {
  const lines: string[] = [];
  return { logger: createLogger("reflector", { debug: true, write: (l) => lines.push(l) }), lines };
}

/** Polls `check` every `pollMs` until it returns true; fails after `timeoutMs`. */
export async function eventually(
  what: string,
  check: () => boolean | Promise<boolean>,
  timeoutMs = 15_000,
  pollMs = 20,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
}

/**
 * Creates the ctldb schema at `dsn` (when missing) and appends `statements` to its ledger.
 *
 * @example
 * ```ts
 * await seedLedger(`sqlite:${dir.path}/ctldb.db`, [`CREATE TABLE fam___t ("id" INTEGER);`]);
 * ```
 */
export async function seedLedger(dsn: string, statements: string[] = []): Promise<void> {
  const ctldb = await openCtldb(dsn);
  try {
    await ctldb.ensureSchema();
    for (const statement of statements) {
      await ctldb.exec("INSERT INTO ctlstore_dml_ledger (statement) VALUES (?)", [statement]);
    }
  } finally {
    await ctldb.close();
  }
}
