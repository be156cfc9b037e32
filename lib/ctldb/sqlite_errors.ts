/**
 * Which `node:sqlite` errors mean which {@linkcode CtldbErrorKind}.
 *
 * @module
 */
import {
  classified,
  type CtldbError,
  type CtldbErrorKind,
  driverFields,
  driverMessage,
} from "./errors.ts";

const SQLITE_KINDS: [RegExp, CtldbErrorKind][] = [
  [/database is locked|unable to open database|database is not open/i, "unavailable"],
  [/no such table/i, "no-such-table"],
  [/UNIQUE constraint failed/i, "duplicate-key"],
  [/already exists/i, "table-exists"],
  [/duplicate column name/i, "column-exists"],
  [/NOT NULL constraint failed|datatype mismatch/i, "bad-value"],
];

/**
 * The kind of a `node:sqlite` error: busy, locked or cannot-open result codes are
 * `unavailable`; the rest by message.
 *
 * @example
 * ```ts
 * import { sqliteErrorKind } from "./sqlite_errors.ts";
 *
 * sqliteErrorKind(new Error("no such table: f___t")); // "no-such-table"
 * ```
 */
export function sqliteErrorKind(error: unknown): CtldbErrorKind {
  const { errcode } = driverFields(error);
  // SQLITE_BUSY, SQLITE_LOCKED, SQLITE_CANTOPEN (extended codes keep the low byte).
  if (typeof errcode === "number" && [5, 6, 14].includes(errcode & 0xff)) return "unavailable";
  const message = driverMessage(error);
  return SQLITE_KINDS.find(([text]) => text.test(message))?.[1] ?? "other";
}

/**
 * A `node:sqlite` error as a `CtldbError` of its kind.
 *
 * @example
 * ```ts
 * import { toSqliteCtldbError } from "./sqlite_errors.ts";
 *
 * toSqliteCtldbError(new Error("no such table: f___t")).kind; // "no-such-table"
 * ```
 */
export function toSqliteCtldbError(error: unknown): CtldbError {
  return classified(error, sqliteErrorKind(error));
}
