/**
 * The errors of LDB access that callers catch and act on: a missing LDB file, a replayed
 * ledger sequence and an LDB that failed its integrity check.
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

/**
 * An LDB failed its integrity check (or a read found it damaged): it must not be served. The
 * message is `LDB at <path> is damaged: <first problem>[; …]`.
 *
 * @example Refuse to serve a damaged LDB
 * ```ts
 * import { checkLdbIntegrity, LdbCorruptError } from "./mod.ts";
 *
 * const path = "/var/spool/ctlstore/ldb.db";
 * const report = checkLdbIntegrity(path);
 * if (!report.ok) throw new LdbCorruptError(path, report.problems);
 * ```
 */
export class LdbCorruptError extends Error {
  /** The damaged LDB file. */
  readonly path: string;
  /** What the check found, first problems first. */
  readonly problems: readonly string[];

  /**
   * Creates the error.
   *
   * @param path The damaged LDB file.
   * @param problems What the check found (at least one).
   * @param options Standard error options (cause).
   */
  constructor(path: string, problems: readonly string[], options?: ErrorOptions) {
    // One line: a problem SQLite reports may span lines.
    const shown = problems.slice(0, 3).map((p) => p.replace(/\s*\n\s*/g, " ")).join("; ");
    const more = problems.length > 3 ? ` (and ${problems.length - 3} more)` : "";
    super(`LDB at ${path} is damaged: ${shown}${more}`, options);
    this.name = "LdbCorruptError";
    this.path = path;
    this.problems = problems;
  }
}
