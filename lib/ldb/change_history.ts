/**
 * The change history of an LDB (DESIGN §7): the tables a reflector writes in the same SQLite
 * transaction as the rows they describe, and the state readers check before trusting them.
 *
 * `_ldb_changes` holds one entry per changed key (`upsert`, `delete`) or table-wide event
 * (`clear`, `drop`, `schema`), keyed by ledger `seq` and its position `idx` among the entries of
 * that seq. `_ldb_changes_state` (one row) says which part of the ledger the entries cover:
 * every change with a seq above `retained_after` is present, and `recorded_seq` is the
 * `_ldb_seq` the history was written at. A reflector that applies statements without recording
 * them (the Go original, or ours with the history off) leaves `recorded_seq` behind `_ldb_seq`,
 * so readers report the history as missing instead of serving an incomplete one. Go readers
 * ignore both tables. Writing entries belongs to the reflector, reading them to the reader.
 *
 * @module
 */
import type { DatabaseSync } from "node:sqlite";
import { isNoSuchTable, statement } from "./_statements.ts";

/**
 * What a change-history entry records:
 * - `upsert`: the row with `key` was written (inserted or overwritten);
 * - `delete`: the row with `key` was deleted;
 * - `clear`: every row of the table was deleted (`key` is empty);
 * - `drop`: the table was dropped (`key` is empty);
 * - `schema`: the table was created or altered (`key` is empty).
 */
export type ChangeOp = "upsert" | "delete" | "clear" | "drop" | "schema";

/** The entries table. */
export const CHANGES_TABLE = "_ldb_changes";

/** The one-row state table. */
export const CHANGES_STATE_TABLE = "_ldb_changes_state";

/** The history tables, created by the reflector that records into them. */
export const CHANGE_HISTORY_DDL: readonly string[] = Object.freeze([
  `CREATE TABLE IF NOT EXISTS ${CHANGES_TABLE} (seq BIGINT NOT NULL, idx INTEGER NOT NULL, ` +
  `tx BIGINT NOT NULL, family TEXT NOT NULL, "table" TEXT NOT NULL, op TEXT NOT NULL, ` +
  `key TEXT NOT NULL, binary_key TEXT, leader_ts INTEGER NOT NULL, PRIMARY KEY (seq, idx)) ` +
  `WITHOUT ROWID`,
  `CREATE TABLE IF NOT EXISTS ${CHANGES_STATE_TABLE} (id INTEGER PRIMARY KEY NOT NULL, ` +
  `retained_after BIGINT NOT NULL, recorded_seq BIGINT NOT NULL)`,
]);

/** Where an LDB's change history stands. */
export interface ChangeHistoryState {
  /** `_ldb_seq`: the last applied ledger seq. */
  readonly appliedSeq: number;
  /** Every change with a seq above this is in the history (the lowest `after` it can answer). */
  readonly retainedAfter: number;
  /** `_ldb_seq` when the history was last written; below `appliedSeq` means stale. */
  readonly recordedSeq: number;
}

const SELECT_STATE = `SELECT coalesce((SELECT seq FROM _ldb_seq WHERE id = 1), 0) AS applied, ` +
  `retained_after, recorded_seq FROM ${CHANGES_STATE_TABLE} WHERE id = 1`;

/**
 * Reads the applied seq and the history state in one snapshot.
 *
 * @param db An LDB connection.
 * @returns The state, or `undefined` when the LDB has no change history (no state row or table).
 *
 * @example
 * ```ts
 * import { openLdbForRead, readChangeHistoryState } from "./mod.ts";
 *
 * const state = readChangeHistoryState(openLdbForRead("/var/spool/ctlstore/ldb.db"));
 * console.log(state ? `history after seq ${state.retainedAfter}` : "no change history");
 * ```
 */
export function readChangeHistoryState(db: DatabaseSync): ChangeHistoryState | undefined {
  let row: Record<string, unknown> | undefined;
  try {
    row = statement(db, SELECT_STATE).get();
  } catch (e) {
    if (isNoSuchTable(e)) return undefined;
    throw e;
  }
  if (!row) return undefined;
  return {
    appliedSeq: Number(row.applied),
    retainedAfter: Number(row.retained_after),
    recordedSeq: Number(row.recorded_seq),
  };
}
