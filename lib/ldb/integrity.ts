/**
 * Whether an LDB can be trusted: the bounded SQLite integrity check run before an LDB is served
 * (`PRAGMA quick_check(N)` by default, `PRAGMA integrity_check(N)` on request), and the one
 * classifier of SQLite errors that mean the file is damaged or unreadable (corrupt, not a
 * database, I/O error). What to do about a damaged LDB (move it aside, re-bootstrap, answer 503)
 * is decided by the services; moving files is `files.ts`, remembering a fault `fault_latch.ts`.
 *
 * @module
 */
import { DatabaseSync } from "node:sqlite";
import { LdbCorruptError } from "./errors.ts";
import { DEFAULT_BUSY_TIMEOUT_MS } from "./open.ts";

/**
 * The values of `-integrity-check`: `quick` (`PRAGMA quick_check`: every page and record is
 * read and checked, indexes are not compared with their tables), `full` (`PRAGMA
 * integrity_check`: also the indexes; slower) and `off`.
 *
 * @example
 * ```ts
 * import { INTEGRITY_CHECK_MODES } from "./integrity.ts";
 *
 * INTEGRITY_CHECK_MODES.includes("quick"); // true
 * ```
 */
export const INTEGRITY_CHECK_MODES = ["quick", "full", "off"] as const;

/** One of {@linkcode INTEGRITY_CHECK_MODES}. */
export type IntegrityCheckMode = typeof INTEGRITY_CHECK_MODES[number];

/**
 * The start-up check of reflectors and sidecars unless told otherwise.
 *
 * @example
 * ```ts
 * import { DEFAULT_INTEGRITY_CHECK } from "./integrity.ts";
 *
 * console.log(DEFAULT_INTEGRITY_CHECK); // quick
 * ```
 */
export const DEFAULT_INTEGRITY_CHECK: IntegrityCheckMode = "quick";

/** How many problems a check reports at most: enough to see the damage, bounded output. */
const MAX_PROBLEMS = 10;

/**
 * Checks a `-integrity-check` value.
 *
 * @param value The value as given (case-insensitive); `undefined` is the default.
 * @returns The mode.
 * @throws {TypeError} `invalid integrity check mode '<value>': expected quick, full or off`.
 *
 * @example
 * ```ts
 * import { parseIntegrityCheckMode } from "./integrity.ts";
 *
 * parseIntegrityCheckMode("FULL"); // "full"
 * ```
 */
export function parseIntegrityCheckMode(value: string | undefined): IntegrityCheckMode {
  if (value === undefined) return DEFAULT_INTEGRITY_CHECK;
  const mode = value.toLowerCase();
  if (!(INTEGRITY_CHECK_MODES as readonly string[]).includes(mode)) {
    throw new TypeError(
      `invalid integrity check mode '${value}': expected quick, full or off`,
    );
  }
  return mode as IntegrityCheckMode;
}

/** Options of {@linkcode checkLdbIntegrity}. */
export interface CheckLdbIntegrityOptions {
  /** Run `PRAGMA integrity_check` (indexes too) instead of `PRAGMA quick_check`. */
  full?: boolean;
  /** Report at most this many problems (default 10). */
  maxProblems?: number;
}

/** The outcome of {@linkcode checkLdbIntegrity}. */
export interface IntegrityReport {
  /** No problem found. */
  ok: boolean;
  /** The problems SQLite reported, first ones first (empty when `ok`). */
  problems: string[];
}

/**
 * Runs SQLite's integrity check on an LDB over a read-only connection of its own (the WAL is
 * read too, so committed transactions not yet checkpointed are checked). The check reads the
 * whole file: expect about a second per few hundred MB.
 *
 * A file that is damaged so badly that the check itself fails (`database disk image is
 * malformed`, `file is not a database`, an I/O error) is reported as a problem, not thrown.
 *
 * @param path The LDB file; it must exist.
 * @param options `full` for `integrity_check`, and the bound on reported problems.
 * @returns `{ ok: true, problems: [] }`, or the first problems.
 * @throws {Error} When the file cannot be opened for another reason (permissions, a directory).
 *
 * @example Refuse a damaged LDB
 * ```ts
 * import { checkLdbIntegrity, LdbCorruptError } from "./mod.ts";
 *
 * const report = checkLdbIntegrity("/var/spool/ctlstore/ldb.db");
 * if (!report.ok) throw new LdbCorruptError("/var/spool/ctlstore/ldb.db", report.problems);
 * ```
 */
export function checkLdbIntegrity(
  path: string,
  options: CheckLdbIntegrityOptions = {},
): IntegrityReport {
  const max = options.maxProblems ?? MAX_PROBLEMS;
  if (!Number.isSafeInteger(max) || max < 1) {
    throw new RangeError(`max problems must be a positive integer, got ${max}`);
  }
  const pragma = options.full ? "integrity_check" : "quick_check";
  let db: DatabaseSync | undefined;
  try {
    db = new DatabaseSync(path, { readOnly: true });
    db.exec(`PRAGMA busy_timeout = ${DEFAULT_BUSY_TIMEOUT_MS}`);
    const rows = db.prepare(`PRAGMA ${pragma}(${max})`).all();
    const problems = rows.map((row) => String(Object.values(row)[0]));
    if (problems.length === 1 && problems[0] === "ok") return { ok: true, problems: [] };
    return { ok: false, problems };
  } catch (error) {
    if (!isCorruptionError(error)) throw error;
    return { ok: false, problems: [(error as Error).message] };
  } finally {
    db?.close();
  }
}

/** SQLite's primary result codes that mean the file cannot be trusted or read. */
const CORRUPTION_CODES = new Set([
  10, // SQLITE_IOERR (and its extended codes)
  11, // SQLITE_CORRUPT
  26, // SQLITE_NOTADB
]);

/**
 * Their messages (`sqlite3_errstr`): `node:sqlite`'s `exec()` throws SQLite's message with no
 * `errcode`, only `code: "ERR_SQLITE_ERROR"`.
 */
const CORRUPTION_MESSAGES = new Set([
  "disk I/O error",
  "database disk image is malformed",
  "file is not a database",
]);

/**
 * Tells whether an error means the LDB is damaged or unreadable: SQLite's `SQLITE_CORRUPT`
 * (`database disk image is malformed`), `SQLITE_NOTADB`, `SQLITE_IOERR` and its extended codes,
 * or an {@linkcode LdbCorruptError}; anywhere in the error's `cause` chain (reader and applier
 * errors wrap the SQLite error). A full disk, a busy database or a bad statement are not, and
 * neither is an error that only mentions such words (a message can quote a client's input):
 * SQLite's `errcode` decides, or, for an SQLite error without one, its exact message.
 *
 * @param error Anything thrown.
 * @returns Whether the LDB behind it cannot be trusted.
 *
 * @example
 * ```ts
 * import { isCorruptionError } from "./integrity.ts";
 *
 * const sqliteError = Object.assign(new Error("database disk image is malformed"), { errcode: 11 });
 * isCorruptionError(new Error("query failed", { cause: sqliteError })); // true
 * isCorruptionError(new Error("no such table: x")); // false
 * ```
 */
export function isCorruptionError(error: unknown): boolean {
  for (let e = error, depth = 0; e instanceof Error && depth < 8; e = e.cause, depth++) {
    if (e instanceof LdbCorruptError) return true;
    const { errcode, code } = e as { errcode?: unknown; code?: unknown };
    if (typeof errcode === "number") {
      if (CORRUPTION_CODES.has(errcode & 0xff)) return true;
    } else if (code === "ERR_SQLITE_ERROR" && CORRUPTION_MESSAGES.has(e.message)) {
      return true;
    }
  }
  return false;
}
