/**
 * The error type of the reader library. Its `code` lets callers (the sidecar, CLI commands)
 * tell a caller's mistake (bad name, unknown table, wrong key) from a fault of the LDB.
 *
 * @module
 */

/**
 * What went wrong in a reader call:
 * - `bad-name`: the family or table name is invalid (message is the name rule's text);
 * - `table-not-found`: no such table in the LDB (`Table not found`);
 * - `no-primary-key`: the table has no primary key (`Table provided has no primary key`);
 * - `bad-key`: wrong number or type of key parts (`All primary key fields are required`,
 *   `too many keys supplied for table's primary key`);
 * - `bad-schema`: a key column's declared type is unknown (`no field type found for '<type>'`);
 * - `no-ledger-updates`: nothing was applied yet (`no ledger updates have been received yet`);
 * - `query-failed`: SQLite failed the query;
 * - `closed`: the reader was closed.
 *
 * @example Map a code to an HTTP status
 * ```ts
 * import type { ReaderErrorCode } from "@ctlstore/ctlstore";
 *
 * function status(code: ReaderErrorCode): number {
 *   return code === "table-not-found" ? 404 : code === "bad-key" ? 400 : 500;
 * }
 * ```
 */
export type ReaderErrorCode =
  | "bad-name"
  | "table-not-found"
  | "no-primary-key"
  | "bad-key"
  | "bad-schema"
  | "no-ledger-updates"
  | "query-failed"
  | "closed";

/**
 * A failed reader call. The message is the original library's text where it has one.
 *
 * @example Answer 404 for an unknown table
 * ```ts
 * import { Reader, ReaderError } from "@ctlstore/ctlstore";
 *
 * const reader = Reader.open("/var/spool/ctlstore/ldb.db");
 * try {
 *   reader.getRowByKey("accounts", "users", 42);
 * } catch (e) {
 *   if (e instanceof ReaderError && e.code === "table-not-found") console.log("404", e.message);
 *   else throw e;
 * }
 * ```
 */
export class ReaderError extends Error {
  /** The kind of failure. */
  readonly code: ReaderErrorCode;

  /**
   * Creates the error.
   *
   * @param code The kind of failure.
   * @param message The user-visible text.
   * @param options Standard error options (cause).
   */
  constructor(code: ReaderErrorCode, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "ReaderError";
    this.code = code;
  }
}
