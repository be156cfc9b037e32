/**
 * The system of record (ctldb) behind one interface: MySQL/MariaDB through a mysql2 pool,
 * PostgreSQL through a postgres.js pool, or an embedded SQLite file. {@linkcode openCtldb}
 * picks the adapter from the DSN (see `registry.ts`).
 *
 * This module owns connections, sessions, the ctldb schema, ledger reads and appends, and every
 * piece of dialect knowledge: nothing outside `lib/ctldb` names a database engine or imports a
 * driver. It does not generate the ledger's statement text (that is `lib/schema`).
 *
 * @module
 */
import { adapterForDsn } from "./registry.ts";
import type { ConnectOptions, Ctldb } from "./types.ts";

export type { ColumnTypes, FieldType, SqlValue } from "../schema/mod.ts";
export type {
  ColumnInfo,
  ConnectOptions,
  Ctldb,
  CtldbAdapter,
  CtldbSession,
  ExecResult,
  LedgerEntry,
  SqlParam,
} from "./types.ts";
export {
  CtldbError,
  type CtldbErrorKind,
  CtldbUnavailableError,
  isCtldbError,
  isDuplicateColumnError,
  isDuplicateKeyError,
  isTableExistsError,
  isUnavailableError,
  isUnknownDatabaseError,
} from "./errors.ts";
export {
  DsnError,
  MYSQL_SESSION_SQL,
  type MysqlDsn,
  mysqlPoolOptions,
  type MysqlPoolSettings,
  type ParsedDsn,
  parseDsn,
  type SqliteDsn,
} from "./dsn.ts";
export { MYSQL_COLUMN_TYPES } from "./mysql.ts";
export { POSTGRES_COLUMN_TYPES } from "./postgres_sql.ts";
export { MYSQL_CTLDB_SCHEMA, POSTGRES_CTLDB_SCHEMA, SQLITE_CTLDB_SCHEMA } from "./schema_sql.ts";
export { DEFAULT_LEDGER_TABLE, parseLeaderTs, readLedgerRows } from "./ledger.ts";
export {
  adapterForDsn,
  adapterForUpstreamDriver,
  adapterNamed,
  CTLDB_ADAPTERS,
  CTLDB_DIALECTS,
  DEFAULT_CTLDB_DIALECT,
  UPSTREAM_DRIVERS,
} from "./registry.ts";

/**
 * Opens the ctldb a DSN names: `sqlite:<path>` opens (creating, unless `readOnly`, in an
 * existing directory) a SQLite file; `postgres://user:pass@host:port/db` opens a PostgreSQL
 * pool; a Go-mysql DSN (`user:pass@tcp(host:port)/db?params`) or `mysql://user:pass@host:port/db`
 * URL opens a MySQL pool. Pools connect lazily.
 *
 * @param dsn The DSN; it is never echoed in errors.
 * @param options Connect timeout (default 5 s) and pool size (default 10) for servers;
 *   `readOnly` for SQLite.
 * @throws {DsnError} When the DSN fits none of the forms.
 * @throws {CtldbUnavailableError} When a SQLite file cannot be opened.
 * @throws {Deno.errors.NotFound} When a `readOnly` SQLite file, or the directory of a new one,
 *   does not exist (no directory is ever created).
 *
 * @example Open, create the schema, read the ledger
 * ```ts
 * import { openCtldb } from "./mod.ts";
 *
 * const ctldb = await openCtldb("postgres://ctl:secret@db:5432/ctldb");
 * await ctldb.ensureSchema();
 * const entries = await ctldb.readLedger(0, 100);
 * await ctldb.close();
 * ```
 */
export async function openCtldb(dsn: string, options: ConnectOptions = {}): Promise<Ctldb> {
  return await adapterForDsn(dsn).open(dsn, options);
}
