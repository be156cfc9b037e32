/**
 * The types of the ctldb interface that every adapter (MySQL, PostgreSQL, SQLite) implements.
 *
 * The executive, heartbeat and reflector talk to the system of record only through
 * {@linkcode Ctldb}: plain statements in the SQL every adapter reads (`?` placeholders, double-quoted
 * identifiers), and capabilities for everything a database does its own way (appending ledger
 * rows, family-table DML, table sizes, whether DDL is transactional, …). Failures are
 * `CtldbError`s with a `kind`. A new system of record is one adapter (a {@linkcode CtldbAdapter})
 * registered in `registry.ts`. This module holds no code.
 *
 * @module
 */
import type { ColumnTypes, FieldType, SqlValue } from "../schema/mod.ts";

/** A value bound to a `?` placeholder. Booleans are sent as 1/0. */
export type SqlParam = string | number | bigint | boolean | null | Uint8Array;

/** The outcome of a statement that returns no rows. */
export interface ExecResult {
  /** Rows inserted, updated (matched) or deleted. */
  affectedRows: number;
  /**
   * The auto-increment id the statement generated, where the database reports one (MySQL,
   * SQLite); 0 otherwise (PostgreSQL). Ledger seqs come from {@linkcode Ctldb.appendLedger}.
   */
  lastInsertId: number;
}

/**
 * Statements on one connection: the database itself or an open transaction.
 *
 * SQL uses `?` placeholders and double-quoted identifiers on every adapter. Rows are plain
 * objects keyed by column name. Integers are numbers, or bigints when outside ±(2^53−1);
 * DATETIME/TIMESTAMP values are text `YYYY-MM-DD HH:MM:SS`; BLOB/BYTEA values are `Uint8Array`s.
 * `SAVEPOINT x`, `ROLLBACK TO SAVEPOINT x` and `RELEASE SAVEPOINT x` work inside a transaction
 * on every adapter.
 *
 * @example
 * ```ts
 * import type { CtldbSession } from "./types.ts";
 *
 * async function familyCount(session: CtldbSession): Promise<number> {
 *   const [row] = await session.query<{ n: number }>("SELECT COUNT(*) AS n FROM families");
 *   return row?.n ?? 0;
 * }
 * ```
 */
export interface CtldbSession {
  /** Runs a statement and returns its rows. */
  query<T = Record<string, unknown>>(sql: string, params?: SqlParam[]): Promise<T[]>;
  /** Runs a statement that returns no rows. */
  exec(sql: string, params?: SqlParam[]): Promise<ExecResult>;
}

/** One column of a table, as {@linkcode Ctldb.tableColumns} reports it. */
export interface ColumnInfo {
  /** Column name. */
  name: string;
  /** The column type as the database names it (for messages), e.g. `varchar`, `VARCHAR(191)`. */
  columnType: string;
  /** The field type of the column, or `undefined` when its type is outside the type map. */
  fieldType: FieldType | undefined;
  /** Whether the column is part of the primary key. */
  isKey: boolean;
}

/** One row of the DML ledger. */
export interface LedgerEntry {
  /** Ledger sequence number. */
  seq: number;
  /** `leader_ts`, read as UTC. */
  leaderTs: Date;
  /** The statement text or a `--- BEGIN` / `--- COMMIT` marker. */
  statement: string;
}

/**
 * A connection (pool) to the system of record.
 *
 * @example Write a ledger row in a transaction
 * ```ts
 * import { openCtldb } from "./mod.ts";
 *
 * const ctldb = await openCtldb("sqlite:./data/ctldb.db");
 * await ctldb.ensureSchema();
 * const [seq] = await ctldb.transaction(async (tx) => {
 *   await tx.exec("UPDATE locks SET clock = clock + 1 WHERE id = 'ledger'");
 *   return await ctldb.appendLedger(tx, ["DELETE FROM f___t"]);
 * });
 * await ctldb.close();
 * ```
 */
export interface Ctldb extends CtldbSession {
  /** The adapter's name (`mysql`, `postgres`, `sqlite`), for logs and messages only. */
  readonly dialect: string;
  /**
   * Whether DDL can run inside a transaction and roll back with it (SQLite, PostgreSQL). When
   * `false` (MySQL commits DDL implicitly) DDL must go through {@linkcode Ctldb.execDdl}.
   */
  readonly transactionalDdl: boolean;
  /** Whether {@linkcode Ctldb.tableSizes} knows the tables' sizes (not on SQLite). */
  readonly reportsTableSizes: boolean;
  /** Whether the database is a local file rather than a server (SQLite). */
  readonly embedded: boolean;
  /** The longest table name the database keeps as given (MySQL 64, PostgreSQL 63). */
  readonly maxIdentifierLength: number;
  /** The ctldb's own column type for each field type, for family-table DDL. */
  readonly columnTypes: ColumnTypes;
  /**
   * Runs `fn` in a transaction: commits when it resolves, rolls back when it throws (and
   * rethrows). The session passed to `fn` is only valid until then.
   */
  transaction<T>(fn: (tx: CtldbSession) => Promise<T>): Promise<T>;
  /**
   * Runs DDL. Without {@linkcode Ctldb.transactionalDdl} it runs on a connection other than any
   * open transaction's; with it, called from inside a transaction's callback it joins that
   * transaction on SQLite (one connection), and runs on its own connection on PostgreSQL.
   */
  execDdl(sql: string): Promise<void>;
  /** Creates the ctldb tables and the `locks` seed row where missing; safe to run concurrently. */
  ensureSchema(): Promise<void>;
  /** Columns of the named physical tables, in column order; absent tables are left out. */
  tableColumns(tables: string[]): Promise<Map<string, ColumnInfo[]>>;
  /** Physical family tables (names containing `___`) of this database, optionally of one family, sorted. */
  listFamilyTables(family?: string): Promise<string[]>;
  /**
   * Bytes (data and indexes) of each family table, as the database estimates them; empty when
   * the adapter does not report sizes ({@linkcode Ctldb.reportsTableSizes}).
   */
  tableSizes(): Promise<Map<string, number>>;
  /** The number of ledger rows, estimated where counting would be slow; 0 when none. */
  ledgerRowEstimate(): Promise<number>;
  /**
   * Appends rows to the DML ledger in order, with as few round trips as the database allows,
   * and returns each row's seq. Must run in a transaction holding the ledger lock, so the seqs
   * of one call are increasing and nothing committed later gets a lower one.
   */
  appendLedger(session: CtldbSession, statements: readonly string[]): Promise<number[]>;
  /**
   * One statement (literal values, no parameters) that writes the given rows of a family table
   * in order, each replacing the row with the same key, as consecutive `REPLACE INTO` statements
   * would. `rows` hold values checked against their column types, one per column.
   */
  upsertRowsSql(
    table: string,
    columns: readonly string[],
    keyColumns: readonly string[],
    rows: readonly (readonly SqlValue[])[],
  ): string;
  /** The statement (literal values) that deletes one row of a family table by its full key. */
  deleteRowSql(table: string, keyColumns: readonly string[], values: readonly SqlValue[]): string;
  /**
   * An insert-or-replace of one row with `?` placeholders (one per column, in order), for
   * control tables such as the limits.
   */
  upsertSql(table: string, columns: readonly string[], keyColumns: readonly string[]): string;
  /** The highest ledger seq, 0 when the ledger is empty. */
  maxLedgerSeq(ledgerTable?: string): Promise<number>;
  /** Up to `limit` ledger rows with `seq > afterSeq`, in seq order. */
  readLedger(afterSeq: number, limit: number, ledgerTable?: string): Promise<LedgerEntry[]>;
  /** Checks that the database answers. */
  ping(): Promise<void>;
  /** Closes every connection. */
  close(): Promise<void>;
}

/** Options of `openCtldb` and each adapter's `open`. */
export interface ConnectOptions {
  /** Connect timeout in milliseconds (default 5000, as the original's `timeout=5s`). */
  connectTimeoutMs?: number;
  /** Most pooled connections open at once (default 10). */
  poolSize?: number;
  /**
   * The caller only reads (the reflector's upstream): a SQLite file must already exist and is
   * opened read-only, so a mistyped path creates nothing. No effect on servers.
   */
  readOnly?: boolean;
}

/**
 * One system of record: how its DSNs look, its schema, its reflector driver names and how to
 * open it. Registered in `registry.ts`.
 *
 * @example An adapter's shape
 * ```ts
 * import type { CtldbAdapter } from "./types.ts";
 *
 * function describe(adapter: CtldbAdapter): string {
 *   return `${adapter.dialect}: ${adapter.dsnForms}`;
 * }
 * ```
 */
export interface CtldbAdapter {
  /** The name used by `ctldb-schema -dialect` and in logs. */
  readonly dialect: string;
  /** The reflector `-upstream-driver` values that read this database. */
  readonly upstreamDrivers: readonly string[];
  /** The DSN forms, for messages, e.g. `postgres://user:password@host:port/dbname`. */
  readonly dsnForms: string;
  /** The ctldb DDL, as `ctlstore ctldb-schema` prints it. */
  readonly schemaSql: string;
  /** Whether a DSN is of this adapter's form. */
  claims(dsn: string): boolean;
  /** Checks a DSN without connecting. @throws {DsnError} When it is malformed. */
  checkDsn(dsn: string): void;
  /** Turns a reflector `-upstream-dsn` into this adapter's DSN (a SQLite path gains `sqlite:`). */
  upstreamDsn(dsn: string): string;
  /** Opens the database (servers connect lazily). */
  open(dsn: string, options: ConnectOptions): Promise<Ctldb>;
}
