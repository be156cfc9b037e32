/**
 * The `ledger-row-count` gauge's source (spec §7.8): how many rows the DML ledger holds. On
 * MySQL it is InnoDB's estimate from `information_schema.tables` (as the original reads it,
 * cheap on any ledger size); on SQLite, which keeps no such statistic, it is the highest seq.
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
export async function countLedgerRows(db: Ctldb): Promise<number> {
  if (db.dialect === "sqlite") return await db.maxLedgerSeq();
  const [row] = await db.query<{ n: number | bigint | null }>(
    "SELECT table_rows AS n FROM information_schema.tables " +
      "WHERE table_schema = DATABASE() AND table_name = 'ctlstore_dml_ledger'",
  );
  return Number(row?.n ?? 0);
}
