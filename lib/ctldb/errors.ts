/**
 * The typed errors of the ctldb interface. Every adapter turns its driver's failures into a
 * {@linkcode CtldbError} whose {@linkcode CtldbErrorKind} says what went wrong in terms the
 * executive acts on (503 when unreachable, 404 for a missing table, 400 for a value the column
 * refuses, 409 for duplicates); the driver error stays its `cause`. Which driver code means
 * which kind is each adapter's business, not this module's.
 *
 * @module
 */

/**
 * What a ctldb failure means:
 * - `unavailable`: the database cannot be reached, refused the connection or the login;
 * - `unknown-database`: the DSN names a database that does not exist (also unavailable);
 * - `no-such-table`: a statement named a table that does not exist;
 * - `bad-value`: a value does not fit its column (too long, out of range, null in a key, …);
 * - `duplicate-key`: a primary or unique key is taken;
 * - `table-exists` / `column-exists`: DDL created something that is already there;
 * - `other`: anything else (a server fault or a bug).
 *
 * @example
 * ```ts
 * import type { CtldbErrorKind } from "./errors.ts";
 *
 * const kind: CtldbErrorKind = "no-such-table";
 * ```
 */
export type CtldbErrorKind =
  | "unavailable"
  | "unknown-database"
  | "no-such-table"
  | "bad-value"
  | "duplicate-key"
  | "table-exists"
  | "column-exists"
  | "other";

/**
 * A failure of the system of record, classified. The message is the driver's (never a DSN or
 * password); the driver error is the `cause`.
 *
 * @example
 * ```ts
 * import { CtldbError } from "./errors.ts";
 *
 * try {
 *   await ctldb.exec("DELETE FROM f___missing");
 * } catch (e) {
 *   if (e instanceof CtldbError && e.kind === "no-such-table") console.log("no such table");
 * }
 * ```
 */
export class CtldbError extends Error {
  /** What the failure means. */
  readonly kind: CtldbErrorKind;

  /**
   * Creates the error.
   *
   * @param kind What the failure means.
   * @param message What failed.
   * @param options The driver error as `cause`.
   */
  constructor(kind: CtldbErrorKind, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "CtldbError";
    this.kind = kind;
  }
}

/**
 * The system of record cannot be reached or refused the connection (kind `unavailable`, or
 * `unknown-database`). The message starts with `ctldb unavailable:` and never holds a password.
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
export class CtldbUnavailableError extends CtldbError {
  /**
   * Creates the error.
   *
   * @param message What failed.
   * @param options The underlying driver error as `cause`.
   * @param kind `unknown-database` when the server answered that the database does not exist.
   */
  constructor(
    message: string,
    options?: ErrorOptions,
    kind: "unavailable" | "unknown-database" = "unavailable",
  ) {
    super(kind, message, options);
    this.name = "CtldbUnavailableError";
  }
}

/**
 * Whether an error is a {@linkcode CtldbError} of the given kind.
 *
 * @example
 * ```ts
 * import { CtldbError, isCtldbError } from "./errors.ts";
 *
 * isCtldbError(new CtldbError("duplicate-key", "taken"), "duplicate-key"); // true
 * ```
 */
export function isCtldbError(error: unknown, kind: CtldbErrorKind): error is CtldbError {
  return error instanceof CtldbError && error.kind === kind;
}

/**
 * Whether an error is a duplicate primary/unique key violation.
 *
 * @example
 * ```ts
 * import { CtldbError, isDuplicateKeyError } from "./errors.ts";
 *
 * isDuplicateKeyError(new CtldbError("duplicate-key", "UNIQUE constraint failed")); // true
 * ```
 */
export function isDuplicateKeyError(error: unknown): boolean {
  return isCtldbError(error, "duplicate-key");
}

/**
 * Whether an error says a table already exists.
 *
 * @example
 * ```ts
 * import { CtldbError, isTableExistsError } from "./errors.ts";
 *
 * isTableExistsError(new CtldbError("table-exists", "table f___t already exists")); // true
 * ```
 */
export function isTableExistsError(error: unknown): boolean {
  return isCtldbError(error, "table-exists");
}

/**
 * Whether an error says a column already exists.
 *
 * @example
 * ```ts
 * import { CtldbError, isDuplicateColumnError } from "./errors.ts";
 *
 * isDuplicateColumnError(new CtldbError("column-exists", "duplicate column name: x")); // true
 * ```
 */
export function isDuplicateColumnError(error: unknown): boolean {
  return isCtldbError(error, "column-exists");
}

/**
 * Whether an error says the database named by the DSN does not exist.
 *
 * @example
 * ```ts
 * import { CtldbUnavailableError, isUnknownDatabaseError } from "./errors.ts";
 *
 * isUnknownDatabaseError(new CtldbUnavailableError("no db", {}, "unknown-database")); // true
 * ```
 */
export function isUnknownDatabaseError(error: unknown): boolean {
  return isCtldbError(error, "unknown-database");
}

/**
 * Whether an error means the system of record is unreachable (kinds `unavailable` and
 * `unknown-database`), as opposed to an error of one statement.
 *
 * @example
 * ```ts
 * import { CtldbUnavailableError, isUnavailableError } from "./errors.ts";
 *
 * isUnavailableError(new CtldbUnavailableError("ctldb unavailable: ECONNREFUSED")); // true
 * ```
 */
export function isUnavailableError(error: unknown): boolean {
  return error instanceof CtldbUnavailableError;
}

/** Socket-level failures of any networked driver (Node error codes). */
const NETWORK_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ENOTFOUND",
  "EAI_AGAIN",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "EPIPE",
  "ENOENT",
]);

/** The `code` and `message` fields a driver error may carry. */
export interface DriverErrorFields {
  /** Driver or system error code (a string such as `ECONNREFUSED` or `42P01`). */
  code?: unknown;
  /** MySQL error number. */
  errno?: unknown;
  /** SQLite result code. */
  errcode?: unknown;
  /** The message. */
  message?: unknown;
}

/**
 * The fields of a thrown value, or none.
 *
 * @example
 * ```ts
 * import { driverFields } from "./errors.ts";
 *
 * driverFields(Object.assign(new Error("x"), { code: "ECONNRESET" })).code; // "ECONNRESET"
 * ```
 */
export function driverFields(error: unknown): DriverErrorFields {
  return typeof error === "object" && error !== null ? error as DriverErrorFields : {};
}

/**
 * The message of a thrown value.
 *
 * @example
 * ```ts
 * import { driverMessage } from "./errors.ts";
 *
 * driverMessage(new Error("boom")); // "boom"
 * ```
 */
export function driverMessage(error: unknown): string {
  const message = driverFields(error).message;
  return typeof message === "string" ? message : String(error);
}

/**
 * Whether an error is a socket-level failure (connection refused or reset, host not found, …).
 *
 * @example
 * ```ts
 * import { isNetworkError } from "./errors.ts";
 *
 * isNetworkError(Object.assign(new Error("connect"), { code: "ECONNREFUSED" })); // true
 * ```
 */
export function isNetworkError(error: unknown): boolean {
  const code = driverFields(error).code;
  return typeof code === "string" && NETWORK_CODES.has(code);
}

/**
 * Wraps a driver error as a {@linkcode CtldbError} of `kind` (a {@linkcode CtldbUnavailableError}
 * for the unreachable kinds, its message prefixed `ctldb unavailable:` and carrying the driver
 * code). A `CtldbError` is returned unchanged.
 *
 * @example
 * ```ts
 * import { classified } from "./errors.ts";
 *
 * const error = classified(new Error("relation \"x\" does not exist"), "no-such-table");
 * error.kind; // "no-such-table"
 * ```
 */
export function classified(error: unknown, kind: CtldbErrorKind): CtldbError {
  if (error instanceof CtldbError) return error;
  const message = driverMessage(error);
  if (kind === "unavailable" || kind === "unknown-database") {
    const code = driverFields(error).code;
    const detail = typeof code === "string" && !message.includes(code)
      ? `${code}: ${message}`
      : message;
    return new CtldbUnavailableError(`ctldb unavailable: ${detail}`, { cause: error }, kind);
  }
  return new CtldbError(kind, message, { cause: error });
}
