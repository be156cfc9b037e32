/**
 * The embedded SQLite ctldb adapter over `node:sqlite` (spec §4.2), used by `ctlstore up` and
 * tests.
 *
 * `DatabaseSync` is one synchronous connection, so an async mutex serializes everything:
 * {@linkcode Ctldb.transaction} holds it from `BEGIN IMMEDIATE` to `COMMIT`/`ROLLBACK`, and
 * statements outside a transaction wait for it. Calls made from inside a transaction's callback
 * (tracked with `AsyncLocalStorage`) run directly in that transaction instead of deadlocking.
 * Integers are read exactly (bigints beyond 2^53). DDL is transactional. Every failure is thrown
 * as a typed `CtldbError`; connection-level ones (database locked by another process beyond
 * the busy timeout, file cannot be opened) as `CtldbUnavailableError`.
 *
 * @module
 */
import { CtldbBase } from "./_base.ts";
import { AsyncLocalStorage } from "node:async_hooks";
import { dirname } from "node:path";
import { DatabaseSync, type SQLInputValue, type StatementSync } from "node:sqlite";
import { fieldTypeOfColumn, LEDGER_COLUMN_TYPES } from "../schema/mod.ts";
import { AsyncMutex } from "./_mutex.ts";
import { familyTablePattern, filterFamilyTables } from "./_family_tables.ts";
import { DsnError, parseDsn, SQLITE_DSN_FORMS } from "./dsn.ts";
import { toSqliteCtldbError as toCtldbError } from "./sqlite_errors.ts";
import { ledgerInsertSql } from "./ledger.ts";
import { idempotentStatements, SQLITE_CTLDB_SCHEMA } from "./schema_sql.ts";
import type {
  ColumnInfo,
  Ctldb,
  CtldbAdapter,
  CtldbSession,
  ExecResult,
  SqlParam,
} from "./types.ts";

const STATEMENT_CACHE_SIZE = 256;

function toSqliteParam(param: SqlParam): SQLInputValue {
  if (typeof param === "boolean") return param ? 1 : 0;
  return param;
}

function toSafe(value: unknown): unknown {
  if (typeof value !== "bigint") return value;
  return value >= -Number.MAX_SAFE_INTEGER && value <= Number.MAX_SAFE_INTEGER
    ? Number(value)
    : value;
}

/** Copies a row into a plain object, turning safe bigints into numbers. */
function normalizeRow(row: Record<string, unknown>): Record<string, unknown> {
  const plain: Record<string, unknown> = {};
  for (const key of Object.keys(row)) plain[key] = toSafe(row[key]);
  return plain;
}

class SqliteCtldb extends CtldbBase implements Ctldb {
  readonly dialect = "sqlite";
  readonly transactionalDdl = true;
  readonly reportsTableSizes = false;
  readonly embedded = true;
  // As MySQL: the same names must work on every ctldb a family may move to.
  readonly maxIdentifierLength = 64;
  readonly columnTypes = LEDGER_COLUMN_TYPES;
  readonly #db: DatabaseSync;
  readonly #mutex = new AsyncMutex();
  readonly #inTransaction = new AsyncLocalStorage<symbol>();
  readonly #statements = new Map<string, StatementSync>();
  #activeTransaction: symbol | undefined;

  constructor(db: DatabaseSync) {
    super();
    this.#db = db;
  }

  #prepare(sql: string): StatementSync {
    let statement = this.#statements.get(sql);
    if (statement === undefined) {
      statement = this.#db.prepare(sql);
      statement.setReadBigInts(true);
      if (this.#statements.size >= STATEMENT_CACHE_SIZE) {
        const oldest = this.#statements.keys().next().value;
        if (oldest !== undefined) this.#statements.delete(oldest);
      }
      this.#statements.set(sql, statement);
    }
    return statement;
  }

  #queryNow<T>(sql: string, params: SqlParam[] = []): T[] {
    try {
      const rows = this.#prepare(sql).all(...params.map(toSqliteParam));
      return rows.map((row) => normalizeRow(row as Record<string, unknown>)) as T[];
    } catch (e) {
      throw toCtldbError(e);
    }
  }

  #execNow(sql: string, params: SqlParam[] = []): ExecResult {
    try {
      const result = this.#prepare(sql).run(...params.map(toSqliteParam));
      return {
        affectedRows: Number(result.changes),
        lastInsertId: Number(result.lastInsertRowid),
      };
    } catch (e) {
      throw toCtldbError(e);
    }
  }

  #execScript(sql: string): void {
    try {
      this.#db.exec(sql);
    } catch (e) {
      throw toCtldbError(e);
    }
  }

  /** Runs `fn` directly inside the caller's transaction, else under the mutex. */
  #serialized<T>(fn: () => T): Promise<T> {
    const token = this.#inTransaction.getStore();
    if (token !== undefined && token === this.#activeTransaction) {
      return Promise.resolve().then(fn);
    }
    return this.#mutex.run(fn);
  }

  query<T = Record<string, unknown>>(sql: string, params?: SqlParam[]): Promise<T[]> {
    return this.#serialized(() => this.#queryNow<T>(sql, params));
  }

  exec(sql: string, params?: SqlParam[]): Promise<ExecResult> {
    return this.#serialized(() => this.#execNow(sql, params));
  }

  transaction<T>(fn: (tx: CtldbSession) => Promise<T>): Promise<T> {
    if (this.#inTransaction.getStore() === this.#activeTransaction && this.#activeTransaction) {
      return Promise.reject(new Error("nested ctldb transactions are not supported"));
    }
    return this.#mutex.run(async () => {
      const token = Symbol("transaction");
      let open = true;
      const guard = () => {
        if (!open) throw new Error("ctldb transaction already finished");
      };
      const tx: CtldbSession = {
        query: <R>(sql: string, params?: SqlParam[]) =>
          Promise.resolve().then(() => (guard(), this.#queryNow<R>(sql, params))),
        exec: (sql, params) => Promise.resolve().then(() => (guard(), this.#execNow(sql, params))),
      };
      this.#execScript("BEGIN IMMEDIATE");
      this.#activeTransaction = token;
      try {
        const result = await this.#inTransaction.run(token, () => fn(tx));
        this.#execScript("COMMIT");
        return result;
      } catch (e) {
        if (this.#db.isTransaction) this.#db.exec("ROLLBACK");
        throw e;
      } finally {
        open = false;
        this.#activeTransaction = undefined;
      }
    });
  }

  /**
   * Executes DDL on the one connection. SQLite DDL is transactional, so when called from a
   * transaction's callback the DDL joins that transaction (and rolls back with it); elsewhere
   * it waits for the mutex like any statement.
   */
  execDdl(sql: string): Promise<void> {
    return this.#serialized(() => this.#execScript(sql));
  }

  ensureSchema(): Promise<void> {
    return this.transaction(() => {
      for (
        const sql of idempotentStatements(
          SQLITE_CTLDB_SCHEMA,
          (insert) => insert.replace(/^INSERT /, "INSERT OR IGNORE "),
        )
      ) this.#execScript(sql);
      return Promise.resolve();
    });
  }

  tableColumns(tables: string[]): Promise<Map<string, ColumnInfo[]>> {
    return this.#serialized(() => {
      const columns = new Map<string, ColumnInfo[]>();
      for (const table of new Set(tables)) {
        const rows = this.#queryNow<{ name: string; type: string; pk: number }>(
          "SELECT name, type, pk FROM pragma_table_info(?) ORDER BY cid",
          [table],
        );
        if (rows.length === 0) continue;
        columns.set(
          table,
          rows.map((row) => ({
            name: row.name,
            columnType: row.type,
            fieldType: fieldTypeOfColumn(row.type),
            isKey: row.pk > 0,
          })),
        );
      }
      return columns;
    });
  }

  async listFamilyTables(family?: string): Promise<string[]> {
    const rows = await this.query<{ name: string }>(
      "SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE ? ESCAPE '!'",
      [familyTablePattern(family)],
    );
    return filterFamilyTables(rows.map((row) => row.name), family);
  }

  tableSizes(): Promise<Map<string, number>> {
    return Promise.resolve(new Map());
  }

  ledgerRowEstimate(): Promise<number> {
    // SQLite keeps no row-count statistic; the highest seq is a cheap upper bound.
    return this.maxLedgerSeq();
  }

  async appendLedger(session: CtldbSession, statements: readonly string[]): Promise<number[]> {
    // One connection under BEGIN IMMEDIATE: the rows of one insert get consecutive rowids.
    const { lastInsertId } = await session.exec(ledgerInsertSql(statements.length), [
      ...statements,
    ]);
    const first = lastInsertId - statements.length + 1;
    return statements.map((_, i) => first + i);
  }

  close(): Promise<void> {
    return this.#mutex.run(() => {
      this.#statements.clear();
      if (this.#db.isOpen) this.#db.close();
    });
  }
}

/**
 * Opens (creating if missing, in a directory that must exist) a SQLite ctldb file in WAL mode
 * with a 5 s busy timeout. The schema is not created here; call {@linkcode Ctldb.ensureSchema}.
 * With `readOnly` (a reader such as the reflector) the file must exist and nothing is created
 * or changed: no directory, no file, no journal-mode switch.
 *
 * @param path The database file.
 * @param options `readOnly`: open an existing file read-only.
 * @throws {CtldbUnavailableError} When the file cannot be opened.
 * @throws {Deno.errors.NotFound} When a `readOnly` file, or the directory of a new one, does
 *   not exist.
 *
 * @example
 * ```ts
 * import { openSqliteCtldb } from "./sqlite.ts";
 *
 * const ctldb = await openSqliteCtldb("./data/ctldb.db");
 * await ctldb.ensureSchema();
 * await ctldb.close();
 * ```
 */
export async function openSqliteCtldb(
  path: string,
  options: { readOnly?: boolean } = {},
): Promise<Ctldb> {
  const readOnly = options.readOnly ?? false;
  if (readOnly) await mustBeFile(path);
  else await mustHaveDirectory(path);
  let db: DatabaseSync | undefined;
  try {
    db = new DatabaseSync(path, { readOnly });
    db.exec("PRAGMA busy_timeout = 5000");
    if (!readOnly) db.exec("PRAGMA journal_mode = WAL");
  } catch (e) {
    db?.close();
    throw toCtldbError(e);
  }
  return new SqliteCtldb(db);
}

/**
 * A new SQLite ctldb is a new file in an existing directory: a directory is never created, so a
 * mistyped path is one clear error instead of an empty database somewhere unexpected.
 */
async function mustHaveDirectory(path: string): Promise<void> {
  const dir = dirname(path);
  let info: Deno.FileInfo;
  try {
    info = await Deno.stat(dir);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) {
      throw new Deno.errors.NotFound(
        `the directory of SQLite ctldb ${path} does not exist (create ${dir} first)`,
      );
    }
    throw error;
  }
  if (!info.isDirectory) throw new TypeError(`${dir} (of SQLite ctldb ${path}) is not a directory`);
}

async function mustBeFile(path: string): Promise<void> {
  let info: Deno.FileInfo;
  try {
    info = await Deno.stat(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) {
      throw new Deno.errors.NotFound(`SQLite ctldb ${path} does not exist`);
    }
    throw error;
  }
  if (!info.isFile) throw new TypeError(`SQLite ctldb ${path} is not a file`);
}

/**
 * The embedded SQLite adapter: `sqlite:<path>` DSNs; reflector driver `sqlite3`, whose DSN is the
 * file's path (a `file:` prefix and `?…` options are dropped).
 *
 * @example
 * ```ts
 * import { sqliteAdapter } from "./sqlite.ts";
 *
 * sqliteAdapter.upstreamDsn("/var/lib/ctlstore/ctldb.db"); // "sqlite:/var/lib/ctlstore/ctldb.db"
 * ```
 */
export const sqliteAdapter: CtldbAdapter = {
  dialect: "sqlite",
  upstreamDrivers: ["sqlite3"],
  dsnForms: SQLITE_DSN_FORMS,
  schemaSql: SQLITE_CTLDB_SCHEMA,
  claims: (dsn) => dsn.startsWith("sqlite:"),
  checkDsn: (dsn) => void sqlitePath(dsn),
  upstreamDsn: (dsn) =>
    dsn.startsWith("sqlite:") ? dsn : `sqlite:${dsn.replace(/^file:/, "").replace(/\?.*$/, "")}`,
  open: (dsn, options) => openSqliteCtldb(sqlitePath(dsn), { readOnly: options.readOnly ?? false }),
};

function sqlitePath(dsn: string): string {
  const parsed = parseDsn(dsn);
  if (parsed.kind !== "sqlite") throw new DsnError("not a sqlite: DSN", SQLITE_DSN_FORMS);
  return parsed.path;
}
