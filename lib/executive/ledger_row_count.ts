/**
 * The source of the `ctlstore_executive_ledger_rows` gauge (the original's `ledger-row-count`,
 * spec §7.8): how many rows the DML ledger holds, as the ctldb estimates it cheaply on any ledger
 * size (MySQL's and PostgreSQL's statistics, as the original reads MySQL's; the highest seq where
 * no statistic is kept).
 *
 * @module
 */
import type { Ctldb } from "../ctldb/mod.ts";

/**
 * Reads the ledger's (estimated) row count.
 *
 * @returns The count, 0 when the ledger is empty or missing.
 * @example
 * ```ts
 * metrics.ledgerRowCount.set(await countLedgerRows(ctldb));
 * ```
 */
export function countLedgerRows(db: Ctldb): Promise<number> {
  return db.ledgerRowEstimate();
}
