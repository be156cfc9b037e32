/**
 * The PostgreSQL adapter's pure parts: DSN parsing, `?` → `$n` placeholders, SQL literals and
 * family-table DML (PostgreSQL has no `REPLACE`), column type names both ways, and which
 * SQLSTATEs and postgres.js codes mean which `CtldbErrorKind`. `postgres.ts` connects.
 *
 * @module
 */
import { type ColumnTypes, type FieldType, formatGoFloat, quoteIdentifier } from "../schema/mod.ts";
import type { SqlValue } from "../schema/mod.ts";
import { DsnError } from "./dsn.ts";
import { replacePlaceholders } from "./_pipeline.ts";
import {
  CtldbError,
  type CtldbErrorKind,
  driverFields,
  driverMessage,
  isNetworkError,
} from "./errors.ts";

/** The PostgreSQL DSN forms, for messages. */
export const POSTGRES_DSN_FORMS =
  "postgres://user:password@host:port/dbname (or postgresql://; ?host=/socket/dir, ?sslmode=…)";

/** The connection settings of a `postgres://` DSN. */
export interface PostgresDsn {
  /** Host name or IP address (brackets removed from IPv6); absent for a unix socket. */
  readonly host?: string;
  /** Directory of the server's unix socket (`?host=/dir`). */
  readonly socketDir?: string;
  /** TCP port (also names the socket file); 5432 when the DSN names none. */
  readonly port: number;
  /** User name; absent when the DSN names none. */
  readonly user?: string;
  /** Password, decoded; absent when the DSN has none. */
  readonly password?: string;
  /** Database name; absent when the DSN names none (the server then uses the user's name). */
  readonly database?: string;
  /** `sslmode`: `disable`, `prefer`, `require`, `verify-full`, …; absent when not given. */
  readonly sslmode?: string;
  /** `application_name`; absent when not given. */
  readonly applicationName?: string;
}

const SSL_MODES = new Set(["disable", "allow", "prefer", "require", "verify-ca", "verify-full"]);

function fail(reason: string): never {
  throw new DsnError(reason, POSTGRES_DSN_FORMS);
}

function decode(text: string, what: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return fail(`bad percent-encoding in the ${what}`);
  }
}

/**
 * Parses a `postgres://` or `postgresql://` URL. Error messages never contain the DSN.
 *
 * @throws {DsnError} When the URL is malformed or has an unknown parameter.
 *
 * @example
 * ```ts
 * import { parsePostgresDsn } from "./postgres_sql.ts";
 *
 * parsePostgresDsn("postgres://ctl:s%40cret@db:5433/ctldb?sslmode=require");
 * // { host: "db", port: 5433, user: "ctl", password: "s@cret", database: "ctldb", sslmode: "require" }
 * ```
 */
export function parsePostgresDsn(dsn: string): PostgresDsn {
  if (!/^postgres(ql)?:\/\//i.test(dsn)) fail("not a postgres:// URL");
  let url: URL;
  try {
    url = new URL(dsn);
  } catch {
    return fail("the postgres:// URL is malformed");
  }
  if (url.hash !== "") fail("a postgres:// URL must not have a fragment (encode # as %23)");
  const database = decode(url.pathname.replace(/^\//, ""), "database name");
  if (database.includes("/")) fail("the database name contains '/'");
  const result: Record<string, string | number> = { port: 5432 };
  if (url.port !== "") result.port = Number(url.port);
  const hostname = url.hostname.replace(/^\[(.*)\]$/, "$1");
  if (hostname !== "") result.host = decode(hostname, "host");
  if (url.username !== "") result.user = decode(url.username, "user name");
  if (url.password !== "") result.password = decode(url.password, "password");
  if (database !== "") result.database = database;
  for (const [key, value] of url.searchParams) {
    if (key === "sslmode") {
      if (!SSL_MODES.has(value)) fail(`unknown sslmode '${value}'`);
      result.sslmode = value;
    } else if (key === "host") {
      if (!value.startsWith("/")) fail("the host parameter must be a socket directory");
      result.socketDir = value;
      delete result.host;
    } else if (key === "application_name") {
      result.applicationName = value;
    } else {
      fail(`unsupported parameter '${key}'`);
    }
  }
  if (result.host === undefined && result.socketDir === undefined) {
    fail("the postgres:// URL names no host");
  }
  return result as unknown as PostgresDsn;
}

/**
 * Rewrites `?` placeholders as `$1`, `$2`, … outside quoted strings and identifiers, so the
 * executive's SQL (`?` on every adapter) runs on PostgreSQL.
 *
 * @example
 * ```ts
 * import { numberedPlaceholders } from "./postgres_sql.ts";
 *
 * numberedPlaceholders("SELECT '?' WHERE a = ? AND \"b?\" = ?"); // SELECT '?' WHERE a = $1 AND "b?" = $2
 * ```
 */
export function numberedPlaceholders(sql: string): string {
  return replacePlaceholders(sql, (i) => `$${i + 1}`);
}

/**
 * The PostgreSQL column type of each field type. Bytestrings use the `ctlstore_bytestring`
 * domain of the schema (a `BYTEA` of at most 255 bytes), so they read back as bytestrings.
 *
 * @example
 * ```ts
 * import { POSTGRES_COLUMN_TYPES } from "./postgres_sql.ts";
 *
 * console.log(POSTGRES_COLUMN_TYPES.decimal); // DOUBLE PRECISION
 * ```
 */
export const POSTGRES_COLUMN_TYPES: ColumnTypes = Object.freeze({
  string: "VARCHAR(191)",
  integer: "BIGINT",
  decimal: "DOUBLE PRECISION",
  text: "TEXT",
  binary: "BYTEA",
  bytestring: "ctlstore_bytestring",
});

const FIELD_TYPES_BY_PG_TYPE: ReadonlyMap<string, FieldType> = new Map<string, FieldType>([
  ["varchar", "string"],
  ["bpchar", "string"],
  ["text", "text"],
  ["int8", "integer"],
  ["int4", "integer"],
  ["int2", "integer"],
  ["float8", "decimal"],
  ["float4", "decimal"],
  ["bytea", "binary"],
  ["ctlstore_bytestring", "bytestring"],
]);

/**
 * The field type of a PostgreSQL column by its type's `pg_type.typname` (a domain's own name).
 *
 * @example
 * ```ts
 * import { postgresFieldType } from "./postgres_sql.ts";
 *
 * postgresFieldType("ctlstore_bytestring"); // "bytestring"
 * postgresFieldType("numeric"); // undefined
 * ```
 */
export function postgresFieldType(typname: string): FieldType | undefined {
  return FIELD_TYPES_BY_PG_TYPE.get(typname);
}

function hex(bytes: Uint8Array): string {
  let text = "";
  for (const byte of bytes) text += byte.toString(16).padStart(2, "0");
  return text;
}

/**
 * A value as a PostgreSQL literal: numbers as the ledger writes them, strings single-quoted
 * with `'` doubled (the session has `standard_conforming_strings` on), bytes as
 * `'\x…'::bytea`.
 *
 * @throws {CtldbError} `bad-value` for a string holding NUL, which PostgreSQL text cannot store.
 *
 * @example
 * ```ts
 * import { postgresLiteral } from "./postgres_sql.ts";
 *
 * postgresLiteral(new Uint8Array([0xde, 0xad])); // '\xdead'::bytea
 * postgresLiteral("it's"); // 'it''s'
 * ```
 */
export function postgresLiteral(value: SqlValue): string {
  if (value === null) return "NULL";
  switch (typeof value) {
    case "boolean":
      return value ? "TRUE" : "FALSE";
    case "number":
      return formatGoFloat(value);
    case "bigint":
      return value.toString();
    case "string":
      if (value.includes("\0")) {
        throw new CtldbError(
          "bad-value",
          "PostgreSQL text cannot hold the NUL character (\\u0000)",
        );
      }
      return `'${value.replaceAll("'", "''")}'`;
    default:
      return `'\\x${hex(value)}'::bytea`;
  }
}

function onConflict(columns: readonly string[], keyColumns: readonly string[]): string {
  const updates = columns.filter((c) => !keyColumns.includes(c))
    .map((c) => `${quoteIdentifier(c)} = EXCLUDED.${quoteIdentifier(c)}`);
  const target = keyColumns.map(quoteIdentifier).join(",");
  return ` ON CONFLICT (${target}) DO ${
    updates.length === 0 ? "NOTHING" : `UPDATE SET ${updates.join(", ")}`
  }`;
}

/**
 * `INSERT … VALUES (…),(…) ON CONFLICT (key) DO UPDATE SET …` with literal values. PostgreSQL
 * refuses to update one row twice in a statement, so of rows with equal keys only the last is
 * kept: each row replaces the whole row, so the outcome is that of applying them in order.
 *
 * @throws {RangeError} When there are no rows or a row has the wrong number of values.
 * @throws {CtldbError} `bad-value` for a string holding NUL.
 *
 * @example
 * ```ts
 * import { postgresUpsertRowsSql } from "./postgres_sql.ts";
 *
 * postgresUpsertRowsSql("f___t", ["id", "v"], ["id"], [[1, "a"], [1, "b"]]);
 * // INSERT INTO f___t ("id","v") VALUES (1,'b') ON CONFLICT ("id") DO UPDATE SET "v" = EXCLUDED."v"
 * ```
 */
export function postgresUpsertRowsSql(
  table: string,
  columns: readonly string[],
  keyColumns: readonly string[],
  rows: readonly (readonly SqlValue[])[],
): string {
  if (rows.length === 0) throw new RangeError(`upsert of ${table}: no rows`);
  const keyIndexes = keyColumns.map((key) => columns.indexOf(key));
  if (keyIndexes.some((i) => i < 0)) {
    throw new RangeError(`upsert of ${table}: a key column is not among the columns`);
  }
  const byKey = new Map<string, string>();
  for (const row of rows) {
    if (row.length !== columns.length) {
      throw new RangeError(
        `upsert of ${table}: ${columns.length} columns but ${row.length} values`,
      );
    }
    const literals = row.map(postgresLiteral);
    const key = keyIndexes.map((i) => literals[i]).join("\0");
    byKey.delete(key);
    byKey.set(key, `(${literals.join(",")})`);
  }
  return `INSERT INTO ${table} (${columns.map(quoteIdentifier).join(",")}) VALUES ${
    [...byKey.values()].join(",")
  }${onConflict(columns, keyColumns)}`;
}

/**
 * `DELETE FROM t WHERE "k" = v AND …` with literal values.
 *
 * @example
 * ```ts
 * import { postgresDeleteRowSql } from "./postgres_sql.ts";
 *
 * postgresDeleteRowSql("f___t", ["id"], [2]); // DELETE FROM f___t WHERE "id" = 2
 * ```
 */
export function postgresDeleteRowSql(
  table: string,
  keyColumns: readonly string[],
  values: readonly SqlValue[],
): string {
  if (keyColumns.length !== values.length) {
    throw new RangeError(
      `delete from ${table}: ${keyColumns.length} key columns but ${values.length} values`,
    );
  }
  const conditions = keyColumns.map((c, i) =>
    `${quoteIdentifier(c)} = ${postgresLiteral(values[i]!)}`
  );
  return `DELETE FROM ${table} WHERE ${conditions.join(" AND ")}`;
}

/**
 * An insert-or-update of one row with `?` placeholders.
 *
 * @example
 * ```ts
 * import { postgresUpsertSql } from "./postgres_sql.ts";
 *
 * postgresUpsertSql("max_writer_rates", ["writer_name", "max_rows_per_minute"], ["writer_name"]);
 * ```
 */
export function postgresUpsertSql(
  table: string,
  columns: readonly string[],
  keyColumns: readonly string[],
): string {
  return `INSERT INTO ${quoteIdentifier(table)} (${columns.map(quoteIdentifier).join(",")}) ` +
    `VALUES (${columns.map(() => "?").join(", ")})${onConflict(columns, keyColumns)}`;
}

/** SQLSTATEs of each kind other than `other`. */
const KINDS: [CtldbErrorKind, string[]][] = [
  ["unknown-database", ["3D000"]],
  ["unavailable", [
    "57P01", // admin_shutdown
    "57P02", // crash_shutdown
    "57P03", // cannot_connect_now
    "53300", // too_many_connections
    "28000", // invalid_authorization_specification
    "28P01", // invalid_password
  ]],
  ["no-such-table", ["42P01"]],
  ["duplicate-key", ["23505"]],
  ["table-exists", ["42P07"]],
  ["column-exists", ["42701"]],
  ["bad-value", [
    "23502", // not_null_violation
    "23514", // check_violation (the bytestring domain's length)
    "42804", // datatype_mismatch
  ]],
];

const BY_CODE = new Map<string, CtldbErrorKind>(
  KINDS.flatMap(([kind, codes]) => codes.map((code) => [code, kind] as const)),
);

/** node-postgres connection failures that carry no code, only a message. */
const UNAVAILABLE_TEXTS =
  /Connection terminated|not queryable|timeout exceeded when trying to connect|Cannot use a pool after calling end|connection timeout/i;

/**
 * The kind of a node-postgres error: by SQLSTATE (class 08 connection exceptions are
 * `unavailable`, class 22 data exceptions `bad-value`), a socket error code, or the driver's
 * connection-failure messages.
 *
 * @example
 * ```ts
 * import { postgresErrorKind } from "./postgres_sql.ts";
 *
 * postgresErrorKind(Object.assign(new Error("relation \"x\" does not exist"), { code: "42P01" }));
 * // "no-such-table"
 * ```
 */
export function postgresErrorKind(error: unknown): CtldbErrorKind {
  const code = driverFields(error).code;
  if (typeof code !== "string") {
    return UNAVAILABLE_TEXTS.test(driverMessage(error)) ? "unavailable" : "other";
  }
  const kind = BY_CODE.get(code);
  if (kind !== undefined) return kind;
  if (/^08[0-9A-Z]{3}$/.test(code) || isNetworkError(error)) return "unavailable";
  if (/^22[0-9A-Z]{3}$/.test(code)) return "bad-value";
  return "other";
}
