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
 * - `family-not-carried`: the LDB is partial and does not hold this family
 *   (`family "x" is not carried by this LDB (partial LDB of families a, b)`);
 * - `no-primary-key`: the table has no primary key (`Table provided has no primary key`);
 * - `bad-key`: wrong number or type of key parts (`All primary key fields are required`,
 *   `too many keys supplied for table's primary key`), or an integer part outside int64;
 * - `bad-schema`: a key column's declared type is unknown (`no field type found for '<type>'`);
 * - `no-ledger-updates`: nothing was applied yet (`no ledger updates have been received yet`);
 * - `query-failed`: SQLite failed the query (its error is the `cause`; a damaged LDB fails
 *   this way, never with a short result);
 * - `no-change-history`: the LDB has no change history, or one that stopped being written;
 * - `history-gone`: the changes asked for are older than the retained history
 *   ({@linkcode ChangeHistoryGoneError});
 * - `wait-timeout`: a sequence did not arrive in time ({@linkcode SequenceTimeoutError});
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
  | "family-not-carried"
  | "no-primary-key"
  | "bad-key"
  | "bad-schema"
  | "no-ledger-updates"
  | "query-failed"
  | "no-change-history"
  | "history-gone"
  | "wait-timeout"
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

/**
 * The changes asked for are no longer in the LDB's change history: it holds only the changes
 * after {@linkcode ChangeHistoryGoneError.oldestSeq}. Like Kubernetes' `410 Gone` and etcd's
 * compaction error, the caller must re-read the state it follows and resume from the seq of
 * that read (e.g. {@linkcode Reader.getLastSequence} taken before the read).
 *
 * @example Re-read the state when the history has moved on
 * ```ts
 * import { ChangeHistoryGoneError, Reader } from "@ctlstore/ctlstore";
 *
 * const reader = Reader.open();
 * let after = 42;
 * try {
 *   reader.getChanges({ after });
 * } catch (e) {
 *   if (!(e instanceof ChangeHistoryGoneError)) throw e;
 *   after = reader.getLastSequence(); // then re-read every row you cache
 * }
 * ```
 */
export class ChangeHistoryGoneError extends ReaderError {
  /** The history holds every change after this seq: the lowest `after` it can answer. */
  readonly oldestSeq: number;
  /** The `after` that was asked for. */
  readonly after: number;

  /**
   * Creates the error.
   *
   * @param after The seq the caller asked to resume after.
   * @param oldestSeq The lowest seq the history can resume after.
   */
  constructor(after: number, oldestSeq: number) {
    super(
      "history-gone",
      `changes after seq ${after} are no longer retained: the change history holds the ` +
        `changes after seq ${oldestSeq}; re-read the state and resume from its seq`,
    );
    this.name = "ChangeHistoryGoneError";
    this.after = after;
    this.oldestSeq = oldestSeq;
  }
}

/**
 * A sequence did not reach the LDB in time ({@linkcode Reader.waitForSequence}).
 *
 * @example Tell a timeout from other failures
 * ```ts
 * import { Reader, SequenceTimeoutError } from "@ctlstore/ctlstore";
 *
 * try {
 *   await Reader.open().waitForSequence(1234, { timeoutMs: 5000 });
 * } catch (e) {
 *   if (e instanceof SequenceTimeoutError) console.log(`only at seq ${e.lastSeq}`);
 * }
 * ```
 */
export class SequenceTimeoutError extends ReaderError {
  /** The seq waited for. */
  readonly seq: number;
  /** The LDB's applied seq when the wait ended. */
  readonly lastSeq: number;
  /** How long was waited, in milliseconds. */
  readonly timeoutMs: number;

  /**
   * Creates the error.
   *
   * @param seq The seq waited for.
   * @param lastSeq The applied seq when the wait ended.
   * @param timeoutMs How long was waited.
   */
  constructor(seq: number, lastSeq: number, timeoutMs: number) {
    super(
      "wait-timeout",
      `seq ${seq} not applied after ${timeoutMs} ms: the LDB is at seq ${lastSeq}`,
    );
    this.name = "SequenceTimeoutError";
    this.seq = seq;
    this.lastSeq = lastSeq;
    this.timeoutMs = timeoutMs;
  }
}
