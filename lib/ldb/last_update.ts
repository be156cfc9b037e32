/**
 * The LDB's `_ldb_last_update` row `ledger` (spec §9.1): the leader timestamp of the last
 * applied ledger statement, from which readers compute ledger latency.
 *
 * @module
 */
import type { DatabaseSync } from "node:sqlite";
import { isNoSuchTable, statement } from "./_statements.ts";
import { formatLdbTimestamp, parseLdbTimestamp } from "./timestamp.ts";

const SET_LAST_UPDATE = "REPLACE INTO _ldb_last_update (name, timestamp) VALUES ('ledger', ?)";
const GET_LAST_UPDATE = "SELECT timestamp FROM _ldb_last_update WHERE name = 'ledger'";

/**
 * Stores the leader timestamp of the last applied statement, as text
 * `YYYY-MM-DD HH:MM:SS[.fraction]+00:00`.
 *
 * @param db A read-write LDB connection with the metadata tables.
 * @param at The ledger statement's leader timestamp.
 *
 * @example Record an update
 * ```ts
 * import { openLdbForWrite, setLdbLastUpdate } from "./mod.ts";
 *
 * setLdbLastUpdate(openLdbForWrite("/tmp/ldb.db"), new Date());
 * ```
 */
export function setLdbLastUpdate(db: DatabaseSync, at: Date): void {
  statement(db, SET_LAST_UPDATE).run(formatLdbTimestamp(at));
}

/**
 * Reads the leader timestamp of the last applied statement, accepting every layout the
 * original accepts (see {@linkcode parseLdbTimestamp}); an integer is Unix seconds, or Unix
 * milliseconds beyond ±10^12, as the Go SQLite driver reads it.
 *
 * @param db An LDB connection.
 * @returns The instant, or `undefined` when no statement was applied yet (no row, or no table).
 * @throws {RangeError} When the stored value is not a timestamp.
 *
 * @example Compute ledger latency
 * ```ts
 * import { getLdbLastUpdate, openLdbForRead } from "./mod.ts";
 *
 * const at = getLdbLastUpdate(openLdbForRead("/var/spool/ctlstore/ldb.db"));
 * if (at) console.log(Date.now() - at.getTime(), "ms");
 * ```
 */
export function getLdbLastUpdate(db: DatabaseSync): Date | undefined {
  let row: { timestamp: unknown } | undefined;
  try {
    row = statement(db, GET_LAST_UPDATE).get() as { timestamp: unknown } | undefined;
  } catch (e) {
    if (isNoSuchTable(e)) return undefined;
    throw e;
  }
  if (row === undefined || row.timestamp === null) return undefined;
  const value = row.timestamp;
  if (typeof value === "string") return parseLdbTimestamp(value);
  if (typeof value === "number" || typeof value === "bigint") {
    // As the Go SQLite driver: 13 digits are too many for seconds, so they are milliseconds.
    const n = Number(value);
    return new Date(Math.abs(n) > 1e12 ? n : n * 1000);
  }
  throw new RangeError(`invalid LDB timestamp of type ${typeof value}`);
}
