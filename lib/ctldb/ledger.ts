/**
 * The DML ledger table, shared by every adapter: its name (the one place it is spelled), the
 * polling query of spec §10.3, the multi-row append statement, ledger table name validation
 * and `leader_ts` parsing (always UTC).
 *
 * @module
 */
import { quoteIdentifier, sqlLiteral } from "../schema/mod.ts";
import type { CtldbSession, LedgerEntry } from "./types.ts";

/**
 * The ledger table the executive writes and reflectors read by default.
 *
 * @example
 * ```ts
 * import { DEFAULT_LEDGER_TABLE } from "./ledger.ts";
 *
 * console.log(DEFAULT_LEDGER_TABLE); // ctlstore_dml_ledger
 * ```
 */
export const DEFAULT_LEDGER_TABLE = "ctlstore_dml_ledger";

/**
 * The statement that appends `count` ledger rows, one `?` per row, in order.
 *
 * @example
 * ```ts
 * import { ledgerInsertSql } from "./ledger.ts";
 *
 * ledgerInsertSql(2); // INSERT INTO "ctlstore_dml_ledger" (statement) VALUES (?),(?)
 * ```
 */
export function ledgerInsertSql(count: number): string {
  if (!Number.isSafeInteger(count) || count < 1) {
    throw new RangeError(`a ledger append needs at least one row, got ${count}`);
  }
  return `INSERT INTO ${quoteLedgerTable(DEFAULT_LEDGER_TABLE)} (statement) VALUES ${
    "(?),".repeat(count).slice(0, -1)
  }`;
}

/**
 * The ledger insert of {@linkcode ledgerInsertSql} with the statements as literals (in the
 * ledger's own literal form), for sessions that send several statements in one round trip.
 *
 * @example
 * ```ts
 * import { ledgerInsertLiteralSql } from "./ledger.ts";
 *
 * ledgerInsertLiteralSql(["DELETE FROM f___t WHERE \"id\" = 'a'"]);
 * // INSERT INTO "ctlstore_dml_ledger" (statement) VALUES ('DELETE FROM f___t WHERE "id" = ''a''')
 * ```
 */
export function ledgerInsertLiteralSql(statements: readonly string[]): string {
  if (statements.length === 0) throw new RangeError("a ledger append needs at least one row");
  return `INSERT INTO ${quoteLedgerTable(DEFAULT_LEDGER_TABLE)} (statement) VALUES ${
    statements.map((statement) => `(${sqlLiteral(statement)})`).join(",")
  }`;
}

/**
 * Checks that a ledger table name is a plain identifier and returns it double-quoted.
 *
 * @throws {TypeError} When the name contains anything but letters, digits and `_`.
 *
 * @example
 * ```ts
 * import { quoteLedgerTable } from "./ledger.ts";
 *
 * quoteLedgerTable("ctlstore_dml_ledger"); // "\"ctlstore_dml_ledger\""
 * ```
 */
export function quoteLedgerTable(table: string): string {
  if (!/^[A-Za-z_][A-Za-z0-9_]{0,63}$/.test(table)) {
    throw new TypeError(`invalid ledger table name '${table}'`);
  }
  return quoteIdentifier(table);
}

const LEADER_TS = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(\.\d+)?(Z|[+-]00:?00)?$/;

/**
 * Parses a `leader_ts` value (`YYYY-MM-DD HH:MM:SS`, optional fraction) as UTC.
 *
 * @throws {RangeError} When the text is not such a timestamp.
 *
 * @example
 * ```ts
 * import { parseLeaderTs } from "./ledger.ts";
 *
 * parseLeaderTs("2024-05-06 07:08:09").toISOString(); // "2024-05-06T07:08:09.000Z"
 * ```
 */
export function parseLeaderTs(text: string): Date {
  const m = LEADER_TS.exec(text);
  if (m === null) throw new RangeError(`cannot parse leader_ts '${text}'`);
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number) as number[];
  const millis = m[7] === undefined ? 0 : Math.floor(Number(m[7]) * 1000);
  const at = new Date(Date.UTC(year!, month! - 1, day!, hour!, minute!, second!, millis));
  if (at.getUTCDate() !== day || at.getUTCMonth() !== month! - 1) {
    throw new RangeError(`cannot parse leader_ts '${text}'`);
  }
  return at;
}

/**
 * A seq read from the database as a number.
 *
 * @throws {RangeError} When it is not a safe integer.
 *
 * @example
 * ```ts
 * import { toSeq } from "./ledger.ts";
 *
 * toSeq(5n); // 5
 * ```
 */
export function toSeq(value: unknown): number {
  const seq = typeof value === "bigint" ? Number(value) : value;
  if (typeof seq !== "number" || !Number.isSafeInteger(seq)) {
    throw new RangeError(`ledger seq is not a safe integer: ${String(value)}`);
  }
  return seq;
}

/**
 * Runs the ledger polling query: up to `limit` rows with `seq > afterSeq`, in seq order.
 *
 * @example
 * ```ts
 * import { readLedgerRows } from "./ledger.ts";
 *
 * const entries = await readLedgerRows(ctldb, 0, 100);
 * ```
 */
export async function readLedgerRows(
  session: CtldbSession,
  afterSeq: number,
  limit: number,
  ledgerTable = DEFAULT_LEDGER_TABLE,
): Promise<LedgerEntry[]> {
  const table = quoteLedgerTable(ledgerTable);
  if (!Number.isSafeInteger(limit) || limit < 1) {
    throw new RangeError(`ledger read limit must be a positive integer, got ${limit}`);
  }
  if (!Number.isSafeInteger(afterSeq)) {
    throw new RangeError(`ledger seq must be a safe integer, got ${afterSeq}`);
  }
  // The limit is a validated integer, inlined because MySQL rejects some LIMIT ? bindings.
  const rows = await session.query<{ seq: unknown; leader_ts: unknown; statement: unknown }>(
    `SELECT seq, leader_ts, statement FROM ${table} WHERE seq > ? ORDER BY seq LIMIT ${limit}`,
    [afterSeq],
  );
  return rows.map((row) => ({
    seq: toSeq(row.seq),
    leaderTs: parseLeaderTs(String(row.leader_ts)),
    statement: typeof row.statement === "string"
      ? row.statement
      : new TextDecoder().decode(row.statement as Uint8Array),
  }));
}

/**
 * The highest seq in the ledger, 0 when empty.
 *
 * @example
 * ```ts
 * import { maxLedgerSeqOf } from "./ledger.ts";
 *
 * const seq = await maxLedgerSeqOf(ctldb);
 * ```
 */
export async function maxLedgerSeqOf(
  session: CtldbSession,
  ledgerTable = DEFAULT_LEDGER_TABLE,
): Promise<number> {
  const [row] = await session.query<{ seq: unknown }>(
    `SELECT MAX(seq) AS seq FROM ${quoteLedgerTable(ledgerTable)}`,
  );
  return row?.seq === null || row?.seq === undefined ? 0 : toSeq(row.seq);
}
