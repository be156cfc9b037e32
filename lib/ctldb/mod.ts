/**
 * The system of record (ctldb) behind one interface: MySQL/MariaDB through a mysql2 pool or
 * an embedded SQLite file. {@linkcode openCtldb} picks the adapter from the DSN.
 *
 * This module owns connections, sessions, the ctldb schema and ledger reads; it does not
 * generate family-table SQL (that is `lib/schema`).
 *
 * @module
 */
import { type ConnectOptions, parseDsn } from "./dsn.ts";
import { openMysqlCtldb } from "./mysql.ts";
import { openSqliteCtldb } from "./sqlite.ts";
import type { Ctldb } from "./types.ts";

export type {
  ColumnInfo,
  Ctldb,
  CtldbDialect,
  CtldbSession,
  ExecResult,
  LedgerEntry,
  SqlParam,
} from "./types.ts";
export {
  CtldbUnavailableError,
  isDuplicateColumnError,
  isDuplicateKeyError,
  isTableExistsError,
  isUnavailableError,
  isUnknownDatabaseError,
} from "./errors.ts";
export {
  type ConnectOptions,
  DsnError,
  MYSQL_SESSION_SQL,
  type MysqlDsn,
  mysqlPoolOptions,
  type MysqlPoolSettings,
  type ParsedDsn,
  parseDsn,
  type SqliteDsn,
} from "./dsn.ts";
export { MYSQL_CTLDB_SCHEMA, SQLITE_CTLDB_SCHEMA } from "./schema_sql.ts";
export { DEFAULT_LEDGER_TABLE, parseLeaderTs } from "./ledger.ts";

/**
 * Opens the ctldb a DSN names: `sqlite:<path>` opens (creating, unless `readOnly`, in an
 * existing directory) a SQLite file; a Go-mysql DSN (`user:pass@tcp(host:port)/db?params`) or
 * `mysql://user:pass@host:port/db` URL opens a MySQL pool, which connects lazily.
 *
 * @param dsn The DSN; it is never echoed in errors.
 * @param options Connect timeout (default 5 s) and pool size (default 10) for MySQL; `readOnly`
 *   for SQLite.
 * @throws {DsnError} When the DSN fits none of the forms.
 * @throws {CtldbUnavailableError} When a SQLite file cannot be opened.
 * @throws {Deno.errors.NotFound} When a `readOnly` SQLite file, or the directory of a new one,
 *   does not exist (no directory is ever created).
 *
 * @example Open, create the schema, read the ledger
 * ```ts
 * import { openCtldb } from "./mod.ts";
 *
 * const ctldb = await openCtldb("ctl_user:secret@tcp(db:3306)/ctldb");
 * await ctldb.ensureSchema();
 * const entries = await ctldb.readLedger(0, 100);
 * await ctldb.close();
 * ```
 */
export async function openCtldb(dsn: string, options: ConnectOptions = {}): Promise<Ctldb> {
  const parsed = parseDsn(dsn);
  if (parsed.kind === "sqlite") {
    return await openSqliteCtldb(parsed.path, { readOnly: options.readOnly ?? false });
  }
  return openMysqlCtldb(parsed, options);
}
