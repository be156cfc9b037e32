/**
 * The MySQL/MariaDB ctldb adapter over a mysql2 connection pool.
 *
 * Every new connection first runs {@linkcode MYSQL_SESSION_SQL} (ANSI quotes, no backslash
 * escapes, strict mode, UTC). Statements with parameters run as server-side prepared statements,
 * so values are never escaped client-side (client escaping assumes backslash escapes, which this
 * session turns off). BIGINTs are read exactly: numbers when safe, bigints beyond 2^53. DDL runs
 * on a separate small pool so it never shares a connection with, nor waits behind, open
 * transactions (MySQL DDL commits implicitly, so it is not transactional). Every failure is
 * thrown as a typed `CtldbError` (see `mysql_errors.ts`).
 *
 * @module
 */
import mysql from "mysql2/promise";
import { CtldbBase } from "./_base.ts";
import { type ColumnTypes, fieldTypeOfColumn } from "../schema/mod.ts";
import {
  DsnError,
  MYSQL_DSN_FORMS,
  MYSQL_SESSION_SQL,
  type MysqlDsn,
  mysqlPoolOptions,
  parseDsn,
} from "./dsn.ts";
import { toMysqlCtldbError } from "./mysql_errors.ts";
import { execOn, PipelinedSession, queryOn, runStatement } from "./_mysql_session.ts";
import { familyTablePattern, filterFamilyTables } from "./_family_tables.ts";
import { DEFAULT_LEDGER_TABLE, ledgerInsertLiteralSql } from "./ledger.ts";
import { idempotentStatements, MYSQL_CTLDB_SCHEMA } from "./schema_sql.ts";
import type {
  ColumnInfo,
  ConnectOptions,
  Ctldb,
  CtldbAdapter,
  CtldbSession,
  ExecResult,
  SqlParam,
} from "./types.ts";

/**
 * The MySQL column type of each field type (spec §5.2).
 *
 * @example
 * ```ts
 * import { MYSQL_COLUMN_TYPES } from "./mysql.ts";
 *
 * console.log(MYSQL_COLUMN_TYPES.bytestring); // VARBINARY(255)
 * ```
 */
export const MYSQL_COLUMN_TYPES: ColumnTypes = Object.freeze({
  string: "VARCHAR(191)",
  integer: "BIGINT",
  decimal: "DOUBLE",
  text: "MEDIUMTEXT",
  binary: "MEDIUMBLOB",
  bytestring: "VARBINARY(255)",
});

class MysqlCtldb extends CtldbBase implements Ctldb {
  readonly dialect = "mysql";
  readonly transactionalDdl = false;
  readonly reportsTableSizes = true;
  readonly embedded = false;
  readonly maxIdentifierLength = 64;
  readonly columnTypes = MYSQL_COLUMN_TYPES;
  readonly #pool: mysql.Pool;
  readonly #ddlPool: mysql.Pool;
  readonly #initialized = new WeakSet<object>();
  #increment: number | undefined;

  constructor(dsn: MysqlDsn, options: ConnectOptions) {
    super();
    const settings = mysqlPoolOptions(dsn, options);
    // Multiple statements let a transaction send its statements in one round trip
    // (`_mysql_session.ts`); DDL and everything outside transactions runs one at a time.
    this.#pool = mysql.createPool({ ...settings, multipleStatements: true });
    this.#ddlPool = mysql.createPool({ ...settings, connectionLimit: 2 });
  }

  /** Takes a pooled connection, running the session settings on its first use. */
  async #acquire(pool: mysql.Pool = this.#pool): Promise<mysql.PoolConnection> {
    let connection: mysql.PoolConnection;
    try {
      connection = await pool.getConnection();
    } catch (e) {
      throw toMysqlCtldbError(e);
    }
    if (this.#initialized.has(connection.connection)) return connection;
    try {
      await connection.query(MYSQL_SESSION_SQL);
    } catch (e) {
      connection.destroy();
      throw toMysqlCtldbError(e);
    }
    this.#initialized.add(connection.connection);
    return connection;
  }

  async #with<T>(fn: (c: mysql.PoolConnection) => Promise<T>, pool?: mysql.Pool): Promise<T> {
    const connection = await this.#acquire(pool);
    try {
      return await fn(connection);
    } finally {
      connection.release();
    }
  }

  query<T = Record<string, unknown>>(sql: string, params?: SqlParam[]): Promise<T[]> {
    return this.#with((c) => queryOn<T>(c, sql, params));
  }

  exec(sql: string, params?: SqlParam[]): Promise<ExecResult> {
    return this.#with((c) => execOn(c, sql, params));
  }

  async transaction<T>(fn: (tx: CtldbSession) => Promise<T>): Promise<T> {
    const connection = await this.#acquire();
    const session = new PipelinedSession(connection);
    try {
      const result = await session.transaction(() => fn(session));
      connection.release();
      return result;
    } catch (e) {
      try {
        await connection.query("ROLLBACK");
        connection.release();
      } catch {
        connection.destroy();
      }
      throw e;
    }
  }

  async execDdl(sql: string): Promise<void> {
    await this.#with((c) => runStatement(c, sql, undefined), this.#ddlPool);
  }

  async ensureSchema(): Promise<void> {
    const [row] = await this.query<{ db: string | null }>("SELECT DATABASE() AS db");
    if (row?.db === null || row?.db === undefined) {
      throw new Error("the ctldb DSN names no database");
    }
    const existing = new Set(
      (await this.query<{ name: string }>(
        "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = DATABASE()",
      )).map((table) => table.name),
    );
    // An existing ctldb keeps its character set and tables (whatever its ledger seq type);
    // only missing control tables and the lock row are added, so a user without the CREATE
    // privilege can run the executive on a complete ctldb.
    const fresh = !existing.has(DEFAULT_LEDGER_TABLE);
    for (
      const sql of idempotentStatements(
        MYSQL_CTLDB_SCHEMA,
        (insert) => insert.replace(/^INSERT /, "INSERT IGNORE "),
      )
    ) {
      const created = /^CREATE TABLE IF NOT EXISTS (\w+)/.exec(sql)?.[1];
      if (created !== undefined && existing.has(created)) continue;
      if (sql.startsWith("ALTER DATABASE") && !fresh) continue;
      await this.execDdl(sql);
    }
  }

  async tableColumns(tables: string[]): Promise<Map<string, ColumnInfo[]>> {
    const columns = new Map<string, ColumnInfo[]>();
    const wanted = [...new Set(tables)];
    if (wanted.length === 0) return columns;
    const rows = await this.query<{ t: string; c: string; d: string; k: string }>(
      "SELECT table_name AS t, column_name AS c, data_type AS d, column_key AS k " +
        "FROM information_schema.columns WHERE table_schema = DATABASE() AND table_name IN (" +
        wanted.map(() => "?").join(", ") + ") ORDER BY table_name, ordinal_position",
      wanted,
    );
    for (const row of rows) {
      if (!wanted.includes(row.t)) continue;
      let list = columns.get(row.t);
      if (list === undefined) columns.set(row.t, list = []);
      list.push({
        name: row.c,
        columnType: row.d,
        fieldType: fieldTypeOfColumn(row.d),
        isKey: row.k === "PRI",
      });
    }
    return columns;
  }

  async listFamilyTables(family?: string): Promise<string[]> {
    const rows = await this.query<{ name: string }>(
      "SELECT table_name AS name FROM information_schema.tables " +
        "WHERE table_schema = DATABASE() AND table_name LIKE ? ESCAPE '!'",
      [familyTablePattern(family)],
    );
    return filterFamilyTables(rows.map((row) => row.name), family);
  }

  async tableSizes(): Promise<Map<string, number>> {
    const rows = await this.query<{ name: string; size: number | bigint | null }>(
      "SELECT table_name AS name, COALESCE(data_length, 0) + COALESCE(index_length, 0) AS size " +
        "FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name LIKE ? " +
        "ESCAPE '!'",
      [familyTablePattern()],
    );
    const family = new Set(filterFamilyTables(rows.map((row) => row.name)));
    return new Map(
      rows.filter((row) => family.has(row.name)).map((row) => [row.name, Number(row.size ?? 0)]),
    );
  }

  async ledgerRowEstimate(): Promise<number> {
    // InnoDB's estimate, as the original reads it: cheap on any ledger size.
    const [row] = await this.query<{ n: number | bigint | null }>(
      "SELECT table_rows AS n FROM information_schema.tables " +
        "WHERE table_schema = DATABASE() AND table_name = ?",
      [DEFAULT_LEDGER_TABLE],
    );
    return Number(row?.n ?? 0);
  }

  async appendLedger(session: CtldbSession, statements: readonly string[]): Promise<number[]> {
    // Literal values, so that the insert can share a round trip with the statements before it.
    const { lastInsertId } = await session.exec(ledgerInsertLiteralSql(statements));
    // MySQL reports the first id of a multi-row insert; under the ledger lock the ids of one
    // statement are consecutive steps of auto_increment_increment.
    const step = statements.length === 1 ? 1 : this.#increment ??= await autoIncrement(session);
    return statements.map((_, i) => lastInsertId + i * step);
  }

  async close(): Promise<void> {
    await Promise.all([this.#pool.end(), this.#ddlPool.end()]);
  }
}

async function autoIncrement(session: CtldbSession): Promise<number> {
  const [row] = await session.query<{ inc: number | string }>(
    "SELECT @@auto_increment_increment AS inc",
  );
  return Number(row?.inc ?? 1) || 1;
}

/**
 * Opens a pooled MySQL ctldb. Connections are made lazily, so this does not fail when the
 * server is down; the first statement (or {@linkcode Ctldb.ping}) does.
 *
 * @example
 * ```ts
 * import { type MysqlDsn, parseDsn } from "./dsn.ts";
 * import { openMysqlCtldb } from "./mysql.ts";
 *
 * const ctldb = openMysqlCtldb(parseDsn("root@tcp(127.0.0.1:3306)/ctldb") as MysqlDsn);
 * await ctldb.ping();
 * await ctldb.close();
 * ```
 */
export function openMysqlCtldb(dsn: MysqlDsn, options: ConnectOptions = {}): Ctldb {
  return new MysqlCtldb(dsn, options);
}

/**
 * The MySQL/MariaDB adapter: Go-mysql DSNs (the original's form, which has no scheme) and
 * `mysql://` URLs; reflector driver `mysql`.
 *
 * @example
 * ```ts
 * import { mysqlAdapter } from "./mysql.ts";
 *
 * const ctldb = await mysqlAdapter.open("root@tcp(127.0.0.1:3306)/ctldb", {});
 * ```
 */
export const mysqlAdapter: CtldbAdapter = {
  dialect: "mysql",
  upstreamDrivers: ["mysql"],
  dsnForms: MYSQL_DSN_FORMS,
  schemaSql: MYSQL_CTLDB_SCHEMA,
  claims: (dsn) => /^mysql:\/\//i.test(dsn) || !/^[A-Za-z][A-Za-z0-9+.-]*:\/\//.test(dsn),
  checkDsn: (dsn) => void mysqlDsn(dsn),
  upstreamDsn: (dsn) => dsn,
  open: (dsn, options) => Promise.resolve(openMysqlCtldb(mysqlDsn(dsn), options)),
};

function mysqlDsn(dsn: string): MysqlDsn {
  const parsed = parseDsn(dsn);
  if (parsed.kind !== "mysql") throw new DsnError("not a MySQL DSN", MYSQL_DSN_FORMS);
  return parsed;
}
