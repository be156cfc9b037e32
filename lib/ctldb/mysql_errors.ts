/**
 * Which mysql2 (and Go-style `Error 1062: …`) errors mean which {@linkcode CtldbErrorKind}.
 *
 * @module
 */
import {
  classified,
  type CtldbError,
  type CtldbErrorKind,
  driverFields,
  driverMessage,
  isNetworkError,
} from "./errors.ts";

/** mysql2 codes (and MySQL error numbers) of each kind other than `other`. */
const KINDS: [CtldbErrorKind, (string | number)[]][] = [
  ["unknown-database", ["ER_BAD_DB_ERROR", 1049]],
  ["unavailable", [
    "PROTOCOL_CONNECTION_LOST",
    "PROTOCOL_SEQUENCE_TIMEOUT",
    "ER_CON_COUNT_ERROR",
    1040,
    "ER_TOO_MANY_USER_CONNECTIONS",
    "ER_SERVER_SHUTDOWN",
    1053,
    "ER_ACCESS_DENIED_ERROR",
    1045,
    "ER_DBACCESS_DENIED_ERROR",
    1044,
    "ER_HOST_NOT_PRIVILEGED",
    "ER_HOST_IS_BLOCKED",
    "CR_SERVER_GONE_ERROR",
    2006,
    "CR_SERVER_LOST",
    2013,
  ]],
  ["no-such-table", ["ER_NO_SUCH_TABLE", 1146]],
  ["duplicate-key", ["ER_DUP_ENTRY", 1062]],
  ["table-exists", ["ER_TABLE_EXISTS_ERROR", 1050]],
  ["column-exists", ["ER_DUP_FIELDNAME", 1060]],
  // Strict-mode data errors: the value does not fit the column.
  ["bad-value", [
    "ER_DATA_TOO_LONG",
    1406,
    "ER_TRUNCATED_WRONG_VALUE_FOR_FIELD",
    1366,
    "ER_WARN_DATA_OUT_OF_RANGE",
    1264,
    "ER_TRUNCATED_WRONG_VALUE",
    1292,
    "WARN_DATA_TRUNCATED",
    1265,
    "ER_BAD_NULL_ERROR",
    1048,
  ]],
];

const BY_CODE = new Map<string | number, CtldbErrorKind>(
  KINDS.flatMap(([kind, codes]) => codes.map((code) => [code, kind] as const)),
);

const UNAVAILABLE_TEXTS =
  /server has gone away|lost connection|connection is in closed state|pool is closed|connection refused/i;

/**
 * The kind of a mysql2 error: by its `code`, its `errno`, a Go-style `Error <n>:` message
 * prefix, or connection-failure texts.
 *
 * @example
 * ```ts
 * import { mysqlErrorKind } from "./mysql_errors.ts";
 *
 * mysqlErrorKind(Object.assign(new Error("Table 'x' doesn't exist"), { code: "ER_NO_SUCH_TABLE" }));
 * // "no-such-table"
 * ```
 */
export function mysqlErrorKind(error: unknown): CtldbErrorKind {
  const { code, errno } = driverFields(error);
  const message = driverMessage(error);
  const goNumber = /^Error (\d+)/.exec(message)?.[1];
  const kind = (typeof code === "string" ? BY_CODE.get(code) : undefined) ??
    (typeof errno === "number" ? BY_CODE.get(errno) : undefined) ??
    (goNumber === undefined ? undefined : BY_CODE.get(Number(goNumber)));
  if (kind !== undefined) return kind;
  if (isNetworkError(error) || UNAVAILABLE_TEXTS.test(message)) return "unavailable";
  return "other";
}

/**
 * A mysql2 error as a `CtldbError` of its kind.
 *
 * @example
 * ```ts
 * import { toMysqlCtldbError } from "./mysql_errors.ts";
 *
 * try {
 *   await pool.query("SELECT 1");
 * } catch (e) {
 *   throw toMysqlCtldbError(e);
 * }
 * ```
 */
export function toMysqlCtldbError(error: unknown): CtldbError {
  return classified(error, mysqlErrorKind(error));
}
