/**
 * The errors of LDB access that callers catch and act on: a missing LDB file and a replayed
 * ledger sequence.
 *
 * @module
 */

/**
 * The LDB file does not exist. The message is the original's: `no LDB found at <path>`.
 *
 * @example Tell a missing LDB from other failures
 * ```ts
 * import { LdbNotFoundError, Reader } from "@ctlstore/ctlstore";
 *
 * try {
 *   Reader.open("/nonexistent/ldb.db");
 * } catch (e) {
 *   if (e instanceof LdbNotFoundError) console.log(e.message); // no LDB found at /nonexistent/ldb.db
 * }
 * ```
 */
export class LdbNotFoundError extends Error {
  /** The path that was looked for. */
  readonly path: string;

  /**
   * Creates the error for a path.
   *
   * @param path The LDB path that does not exist.
   * @param options Standard error options (cause).
   */
  constructor(path: string, options?: ErrorOptions) {
    super(`no LDB found at ${path}`, options);
    this.name = "LdbNotFoundError";
    this.path = path;
  }
}

/**
 * A ledger statement's sequence is not above the LDB's `_ldb_seq`: the statement was already
 * applied and must not run again. The message is the original's:
 * `update seq tracker replay detected`.
 *
 * @example Skip a replayed statement
 * ```ts
 * import { advanceLdbSeq, openLdbForWrite, ReplayError } from "./mod.ts";
 *
 * const db = openLdbForWrite("/tmp/ldb.db");
 * try {
 *   advanceLdbSeq(db, 1);
 * } catch (e) {
 *   if (!(e instanceof ReplayError)) throw e;
 * }
 * ```
 */
export class ReplayError extends Error {
  /** The sequence that was refused. */
  readonly seq: number;

  /**
   * Creates the error for a sequence.
   *
   * @param seq The ledger sequence that was already applied.
   */
  constructor(seq: number) {
    super("update seq tracker replay detected");
    this.name = "ReplayError";
    this.seq = seq;
  }
}
