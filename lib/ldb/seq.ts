/**
 * The LDB's applied-sequence tracker `_ldb_seq` (spec §9.1, §10.4 step 4): read it, and bump
 * it monotonically so a replayed ledger statement is refused before it runs.
 *
 * @module
 */
import type { DatabaseSync } from "node:sqlite";
import { isNoSuchTable, statement } from "./_statements.ts";
import { ReplayError } from "./errors.ts";

const SELECT_SEQ = "SELECT seq FROM _ldb_seq WHERE id = 1";
const ADVANCE_SEQ = "INSERT OR REPLACE INTO _ldb_seq (id, seq) SELECT 1, :n WHERE " +
  "(NOT EXISTS (SELECT * FROM _ldb_seq WHERE id = 1)) OR " +
  "((SELECT seq FROM _ldb_seq WHERE id = 1) < :n)";

/**
 * The last applied ledger sequence (`_ldb_seq` row 1).
 *
 * @param db An LDB connection.
 * @returns The sequence, or 0 when no statement was applied yet (no row, or no table).
 *
 * @example Read the sequence
 * ```ts
 * import { getLdbSeq, openLdbForRead } from "./mod.ts";
 *
 * console.log(getLdbSeq(openLdbForRead("/var/spool/ctlstore/ldb.db")));
 * ```
 */
export function getLdbSeq(db: DatabaseSync): number {
  try {
    const row = statement(db, SELECT_SEQ).get() as { seq: number | null } | undefined;
    return row?.seq ?? 0;
  } catch (e) {
    if (isNoSuchTable(e)) return 0;
    throw e;
  }
}

/**
 * Records that ledger statement `seq` is applied, with the original's exact statement: the row
 * is only written when `seq` is above the stored one. Run it inside the transaction that
 * applies the statement.
 *
 * @param db A read-write LDB connection with the metadata tables.
 * @param seq The ledger sequence being applied.
 * @throws {ReplayError} When `seq` is not above the stored sequence (nothing was written).
 *
 * @example Apply sequences in order
 * ```ts
 * import { advanceLdbSeq, openLdbForWrite } from "./mod.ts";
 *
 * const db = openLdbForWrite("/tmp/ldb.db");
 * advanceLdbSeq(db, 1);
 * advanceLdbSeq(db, 2);
 * ```
 */
export function advanceLdbSeq(db: DatabaseSync, seq: number): void {
  const result = statement(db, ADVANCE_SEQ).run({ n: seq });
  if (Number(result.changes) === 0) throw new ReplayError(seq);
}
