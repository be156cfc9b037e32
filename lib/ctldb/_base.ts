/**
 * What every adapter does the same way, written once: reading the ledger and pinging through
 * the adapter's own `query`, and the family-table DML of databases that have `REPLACE INTO`
 * (MySQL, SQLite), which an adapter without it (PostgreSQL) overrides.
 *
 * @module
 */
import type { SqlValue } from "../schema/mod.ts";
import { replaceDeleteSql, replaceOneSql, replaceRowsSql } from "./_replace_dml.ts";
import { maxLedgerSeqOf, readLedgerRows } from "./ledger.ts";
import type { CtldbSession, ExecResult, LedgerEntry, SqlParam } from "./types.ts";

/**
 * The shared part of a `Ctldb` adapter; the adapter supplies `query` and `exec`.
 *
 * @example
 * ```ts ignore
 * class MyCtldb extends CtldbBase implements Ctldb { … }
 * ```
 */
export abstract class CtldbBase implements CtldbSession {
  /** Runs a statement and returns its rows. */
  abstract query<T = Record<string, unknown>>(sql: string, params?: SqlParam[]): Promise<T[]>;
  /** Runs a statement that returns no rows. */
  abstract exec(sql: string, params?: SqlParam[]): Promise<ExecResult>;

  /** Multi-row `REPLACE INTO` with literal values (the ledger's text). */
  upsertRowsSql(
    table: string,
    columns: readonly string[],
    _keyColumns: readonly string[],
    rows: readonly (readonly SqlValue[])[],
  ): string {
    return replaceRowsSql(table, columns, rows);
  }

  /** `DELETE FROM <t> WHERE <key> = <literal> AND …` (the ledger's text). */
  deleteRowSql(table: string, keyColumns: readonly string[], values: readonly SqlValue[]): string {
    return replaceDeleteSql(table, keyColumns, values);
  }

  /** One-row `REPLACE INTO` with `?` placeholders. */
  upsertSql(table: string, columns: readonly string[], _keyColumns: readonly string[]): string {
    return replaceOneSql(table, columns);
  }

  /** The highest ledger seq, 0 when the ledger is empty. */
  maxLedgerSeq(ledgerTable?: string): Promise<number> {
    return maxLedgerSeqOf(this, ledgerTable);
  }

  /** Up to `limit` ledger rows with `seq > afterSeq`, in seq order. */
  readLedger(afterSeq: number, limit: number, ledgerTable?: string): Promise<LedgerEntry[]> {
    return readLedgerRows(this, afterSeq, limit, ledgerTable);
  }

  /** Checks that the database answers. */
  async ping(): Promise<void> {
    await this.query("SELECT 1");
  }
}
