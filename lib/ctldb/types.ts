/**
 * The types of the ctldb interface that both adapters (MySQL and SQLite) implement.
 *
 * The executive, heartbeat and reflector (with a `mysql` or `sqlite` upstream) talk to the
 * system of record only through {@linkcode Ctldb}; this module holds no code.
 *
 * @module
 */

/** Which database engine backs a {@linkcode Ctldb}. */
export type CtldbDialect = "mysql" | "sqlite";

/** A value bound to a `?` placeholder. Booleans are sent as 1/0. */
export type SqlParam = string | number | bigint | boolean | null | Uint8Array;

/** The outcome of a statement that returns no rows. */
export interface ExecResult {
  /** Rows inserted, updated (matched) or deleted. */
  affectedRows: number;
  /** The auto-increment id the statement generated (0 when none). */
  lastInsertId: number;
}

/**
 * Statements on one connection: the database itself or an open transaction.
 *
 * Rows are plain objects keyed by column name. Integers are numbers, or bigints when outside
 * ±(2^53−1); DATETIME values are text `YYYY-MM-DD HH:MM:SS`; BLOBs are `Uint8Array`s.
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
  /**
   * Type text: MySQL `information_schema.columns.data_type` (e.g. `varchar`, `bigint`) or the
   * SQLite declared type (e.g. `VARCHAR(191)`), as the reverse type map of spec §5.2 expects.
   */
  columnType: string;
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
 * const seq = await ctldb.transaction(async (tx) => {
 *   await tx.exec("UPDATE locks SET clock = clock + 1 WHERE id = 'ledger'");
 *   const result = await tx.exec("INSERT INTO ctlstore_dml_ledger (statement) VALUES(?)", [
 *     "DELETE FROM f___t",
 *   ]);
 *   return result.lastInsertId;
 * });
 * await ctldb.close();
 * ```
 */
export interface Ctldb extends CtldbSession {
  /** The engine behind this ctldb. */
  readonly dialect: CtldbDialect;
  /**
   * Runs `fn` in a transaction: commits when it resolves, rolls back when it throws (and
   * rethrows). The session passed to `fn` is only valid until then.
   */
  transaction<T>(fn: (tx: CtldbSession) => Promise<T>): Promise<T>;
  /**
   * Runs DDL. On MySQL it runs on a connection other than any open transaction's, since MySQL
   * DDL commits implicitly; on SQLite, where DDL is transactional, it joins the transaction
   * when called from inside one.
   */
  execDdl(sql: string): Promise<void>;
  /** Creates the ctldb tables and the `locks` seed row where missing; safe to run concurrently. */
  ensureSchema(): Promise<void>;
  /** Columns of the named physical tables, in column order; absent tables are left out. */
  tableColumns(tables: string[]): Promise<Map<string, ColumnInfo[]>>;
  /** Physical family tables (names containing `___`) of this database, optionally of one family, sorted. */
  listFamilyTables(family?: string): Promise<string[]>;
  /** The highest ledger seq, 0 when the ledger is empty. */
  maxLedgerSeq(ledgerTable?: string): Promise<number>;
  /** Up to `limit` ledger rows with `seq > afterSeq`, in seq order. */
  readLedger(afterSeq: number, limit: number, ledgerTable?: string): Promise<LedgerEntry[]>;
  /** Checks that the database answers. */
  ping(): Promise<void>;
  /** Closes every connection. */
  close(): Promise<void>;
}
