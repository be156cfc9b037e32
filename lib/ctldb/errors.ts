/**
 * Error classification for ctldb: which failures mean "the system of record is unreachable"
 * (HTTP 503 in the executive) and which mean a duplicate key, table or column (HTTP 409).
 * Works on both MySQL (mysql2 errors, or Go-style `Error 1062: …` texts) and SQLite errors.
 *
 * @module
 */

/**
 * The system of record cannot be reached or refused the connection. The message never holds
 * a password.
 *
 * @example
 * ```ts
 * import { CtldbUnavailableError } from "./errors.ts";
 *
 * try {
 *   await ctldb.ping();
 * } catch (e) {
 *   if (e instanceof CtldbUnavailableError) return new Response(e.message, { status: 503 });
 *   throw e;
 * }
 * ```
 */
export class CtldbUnavailableError extends Error {
  /**
   * Creates the error.
   *
   * @param message What failed.
   * @param options The underlying driver error as `cause`.
   */
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "CtldbUnavailableError";
  }
}

interface DriverErrorFields {
  code?: unknown;
  errno?: unknown;
  errcode?: unknown;
  message?: unknown;
}

function fields(error: unknown): DriverErrorFields {
  return typeof error === "object" && error !== null ? error as DriverErrorFields : {};
}

function messageOf(error: unknown): string {
  const message = fields(error).message;
  return typeof message === "string" ? message : String(error);
}

function matches(error: unknown, code: string, errno: number, texts: RegExp): boolean {
  const f = fields(error);
  if (f.code === code || f.errno === errno) return true;
  const message = messageOf(error);
  return message.startsWith(`Error ${errno}`) || texts.test(message);
}

/**
 * Whether an error is a duplicate primary/unique key violation.
 *
 * @example
 * ```ts
 * import { isDuplicateKeyError } from "./errors.ts";
 *
 * isDuplicateKeyError(new Error("UNIQUE constraint failed: mutators.writer")); // true
 * ```
 */
export function isDuplicateKeyError(error: unknown): boolean {
  return matches(error, "ER_DUP_ENTRY", 1062, /Duplicate entry|UNIQUE constraint failed/);
}

/**
 * Whether an error says a table already exists (MySQL 1050, SQLite `already exists`).
 *
 * @example
 * ```ts
 * import { isTableExistsError } from "./errors.ts";
 *
 * isTableExistsError(new Error("table f___t already exists")); // true
 * ```
 */
export function isTableExistsError(error: unknown): boolean {
  return matches(error, "ER_TABLE_EXISTS_ERROR", 1050, /already exists/);
}

/**
 * Whether an error says a column already exists (MySQL 1060, SQLite `duplicate column name`).
 *
 * @example
 * ```ts
 * import { isDuplicateColumnError } from "./errors.ts";
 *
 * isDuplicateColumnError(new Error("duplicate column name: x")); // true
 * ```
 */
export function isDuplicateColumnError(error: unknown): boolean {
  return matches(error, "ER_DUP_FIELDNAME", 1060, /duplicate column name/i);
}

/**
 * Whether an error says the database named by a MySQL DSN does not exist (1049), also when
 * wrapped in a {@linkcode CtldbUnavailableError}.
 *
 * @example
 * ```ts
 * import { isUnknownDatabaseError } from "./errors.ts";
 *
 * isUnknownDatabaseError(new Error("Error 1049: Unknown database 'ctldbx'")); // true
 * ```
 */
export function isUnknownDatabaseError(error: unknown): boolean {
  const unknown = (e: unknown) => matches(e, "ER_BAD_DB_ERROR", 1049, /Unknown database/i);
  return unknown(error) || (error instanceof CtldbUnavailableError && unknown(error.cause));
}

const UNAVAILABLE_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ENOTFOUND",
  "EAI_AGAIN",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "EPIPE",
  "ENOENT",
  "PROTOCOL_CONNECTION_LOST",
  "PROTOCOL_SEQUENCE_TIMEOUT",
  "ER_CON_COUNT_ERROR",
  "ER_TOO_MANY_USER_CONNECTIONS",
  "ER_SERVER_SHUTDOWN",
  "ER_ACCESS_DENIED_ERROR",
  "ER_DBACCESS_DENIED_ERROR",
  "ER_BAD_DB_ERROR",
  "ER_HOST_NOT_PRIVILEGED",
  "ER_HOST_IS_BLOCKED",
  "CR_SERVER_GONE_ERROR",
  "CR_SERVER_LOST",
]);

const UNAVAILABLE_TEXTS =
  /server has gone away|lost connection|connection is in closed state|pool is closed|connection refused|database is locked|unable to open database|database is not open/i;

/**
 * Whether an error is a connection-level failure of the MySQL or SQLite driver, as opposed to
 * an error of one statement.
 *
 * @example
 * ```ts
 * import { isUnavailableError } from "./errors.ts";
 *
 * isUnavailableError(Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" })); // true
 * ```
 */
export function isUnavailableError(error: unknown): boolean {
  if (error instanceof CtldbUnavailableError) return true;
  const f = fields(error);
  if (typeof f.code === "string" && UNAVAILABLE_CODES.has(f.code)) return true;
  // SQLITE_BUSY, SQLITE_LOCKED, SQLITE_CANTOPEN (extended codes keep the low byte).
  if (typeof f.errcode === "number" && [5, 6, 14].includes(f.errcode & 0xff)) return true;
  return UNAVAILABLE_TEXTS.test(messageOf(error));
}

/**
 * Wraps connection-level failures as {@linkcode CtldbUnavailableError}; returns any other
 * error unchanged.
 *
 * @example
 * ```ts
 * import { toCtldbError } from "./errors.ts";
 *
 * try {
 *   await pool.query("SELECT 1");
 * } catch (e) {
 *   throw toCtldbError(e);
 * }
 * ```
 */
export function toCtldbError(error: unknown): unknown {
  if (error instanceof CtldbUnavailableError || !isUnavailableError(error)) return error;
  const code = fields(error).code;
  const detail = typeof code === "string" && !messageOf(error).includes(code)
    ? `${code}: ${messageOf(error)}`
    : messageOf(error);
  return new CtldbUnavailableError(`ctldb unavailable: ${detail}`, { cause: error });
}
