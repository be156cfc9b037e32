import assert from "node:assert/strict";
import {
  classified,
  CtldbError,
  type CtldbErrorKind,
  CtldbUnavailableError,
  isDuplicateColumnError,
  isDuplicateKeyError,
  isTableExistsError,
  isUnavailableError,
  isUnknownDatabaseError,
} from "../../lib/ctldb/errors.ts";
import { mysqlErrorKind } from "../../lib/ctldb/mysql_errors.ts";
import { postgresErrorKind } from "../../lib/ctldb/postgres_sql.ts";
import { sqliteErrorKind } from "../../lib/ctldb/sqlite_errors.ts";

const withCode = (message: string, fields: Record<string, unknown>) =>
  Object.assign(new Error(message), fields);

/** Driver errors of each adapter and the kind it must give them. */
const CASES: [string, (error: unknown) => CtldbErrorKind, unknown, CtldbErrorKind][] = [
  [
    "mysql",
    mysqlErrorKind,
    withCode("Duplicate entry 'w'", { code: "ER_DUP_ENTRY", errno: 1062 }),
    "duplicate-key",
  ],
  [
    "mysql",
    mysqlErrorKind,
    new Error("Error 1062: Duplicate entry 'w' for key 'PRIMARY'"),
    "duplicate-key",
  ],
  [
    "mysql",
    mysqlErrorKind,
    withCode("Table 'f___t' already exists", { code: "ER_TABLE_EXISTS_ERROR" }),
    "table-exists",
  ],
  [
    "mysql",
    mysqlErrorKind,
    withCode("Duplicate column name 'x'", { errno: 1060 }),
    "column-exists",
  ],
  [
    "mysql",
    mysqlErrorKind,
    withCode("Table 'd.f___t' doesn't exist", { code: "ER_NO_SUCH_TABLE" }),
    "no-such-table",
  ],
  [
    "mysql",
    mysqlErrorKind,
    withCode("Data too long for column 'name'", { code: "ER_DATA_TOO_LONG" }),
    "bad-value",
  ],
  [
    "mysql",
    mysqlErrorKind,
    withCode("Out of range value", { code: "ER_WARN_DATA_OUT_OF_RANGE" }),
    "bad-value",
  ],
  [
    "mysql",
    mysqlErrorKind,
    withCode("Column 'id' cannot be null", { code: "ER_BAD_NULL_ERROR" }),
    "bad-value",
  ],
  [
    "mysql",
    mysqlErrorKind,
    withCode("Unknown database 'x'", { code: "ER_BAD_DB_ERROR" }),
    "unknown-database",
  ],
  [
    "mysql",
    mysqlErrorKind,
    withCode("connect ECONNREFUSED 127.0.0.1:1", { code: "ECONNREFUSED" }),
    "unavailable",
  ],
  [
    "mysql",
    mysqlErrorKind,
    withCode("Connection lost", { code: "PROTOCOL_CONNECTION_LOST" }),
    "unavailable",
  ],
  ["mysql", mysqlErrorKind, withCode("Too many connections", { errno: 1040 }), "unavailable"],
  [
    "mysql",
    mysqlErrorKind,
    withCode("Access denied", { code: "ER_ACCESS_DENIED_ERROR" }),
    "unavailable",
  ],
  ["mysql", mysqlErrorKind, new Error("MySQL server has gone away"), "unavailable"],
  ["mysql", mysqlErrorKind, new Error("You have an error in your SQL syntax"), "other"],
  [
    "sqlite",
    sqliteErrorKind,
    new Error("UNIQUE constraint failed: mutators.writer"),
    "duplicate-key",
  ],
  ["sqlite", sqliteErrorKind, new Error('table "f___t" already exists'), "table-exists"],
  ["sqlite", sqliteErrorKind, new Error("duplicate column name: x"), "column-exists"],
  ["sqlite", sqliteErrorKind, new Error("no such table: f___t"), "no-such-table"],
  ["sqlite", sqliteErrorKind, new Error("NOT NULL constraint failed: f___t.id"), "bad-value"],
  [
    "sqlite",
    sqliteErrorKind,
    withCode("database is locked", { code: "ERR_SQLITE_ERROR", errcode: 5 }),
    "unavailable",
  ],
  ["sqlite", sqliteErrorKind, withCode("unable to open", { errcode: 14 }), "unavailable"],
  ["sqlite", sqliteErrorKind, new Error('near "x": syntax error'), "other"],
  [
    "postgres",
    postgresErrorKind,
    withCode('relation "f___t" does not exist', { code: "42P01" }),
    "no-such-table",
  ],
  [
    "postgres",
    postgresErrorKind,
    withCode("value too long for type character varying(191)", { code: "22001" }),
    "bad-value",
  ],
  ["postgres", postgresErrorKind, withCode("bigint out of range", { code: "22003" }), "bad-value"],
  ["postgres", postgresErrorKind, withCode("null value in column", { code: "23502" }), "bad-value"],
  [
    "postgres",
    postgresErrorKind,
    withCode("invalid input syntax for type bigint", { code: "22P02" }),
    "bad-value",
  ],
  [
    "postgres",
    postgresErrorKind,
    withCode("violates check constraint", { code: "23514" }),
    "bad-value",
  ],
  [
    "postgres",
    postgresErrorKind,
    withCode("duplicate key value", { code: "23505" }),
    "duplicate-key",
  ],
  [
    "postgres",
    postgresErrorKind,
    withCode('relation "f___t" already exists', { code: "42P07" }),
    "table-exists",
  ],
  [
    "postgres",
    postgresErrorKind,
    withCode('column "x" already exists', { code: "42701" }),
    "column-exists",
  ],
  [
    "postgres",
    postgresErrorKind,
    withCode('database "x" does not exist', { code: "3D000" }),
    "unknown-database",
  ],
  [
    "postgres",
    postgresErrorKind,
    withCode("terminating connection due to administrator command", { code: "57P01" }),
    "unavailable",
  ],
  ["postgres", postgresErrorKind, withCode("connection failure", { code: "08006" }), "unavailable"],
  [
    "postgres",
    postgresErrorKind,
    withCode("password authentication failed", { code: "28P01" }),
    "unavailable",
  ],
  [
    "postgres",
    postgresErrorKind,
    new Error("Connection terminated unexpectedly"),
    "unavailable",
  ],
  [
    "postgres",
    postgresErrorKind,
    new Error("Client has encountered a connection error and is not queryable"),
    "unavailable",
  ],
  [
    "postgres",
    postgresErrorKind,
    withCode("connect ECONNREFUSED", { code: "ECONNREFUSED" }),
    "unavailable",
  ],
  ["postgres", postgresErrorKind, withCode("deadlock detected", { code: "40P01" }), "other"],
  ["postgres", postgresErrorKind, "plain string", "other"],
];

Deno.test("each adapter classifies its driver's errors by kind", () => {
  for (const [adapter, kindOf, error, want] of CASES) {
    assert.equal(kindOf(error), want, `${adapter}: ${String(error)}`);
  }
});

Deno.test("the kind helpers read a classified error's kind", () => {
  const of = (kind: CtldbErrorKind) => classified(new Error("x"), kind);
  assert.ok(isDuplicateKeyError(of("duplicate-key")));
  assert.ok(isTableExistsError(of("table-exists")));
  assert.ok(isDuplicateColumnError(of("column-exists")));
  assert.ok(isUnavailableError(of("unavailable")));
  assert.ok(isUnavailableError(of("unknown-database")));
  assert.ok(isUnknownDatabaseError(of("unknown-database")));
  assert.ok(!isUnavailableError(of("no-such-table")));
  assert.ok(
    !isDuplicateKeyError(new Error("Duplicate entry 'w'")),
    "unclassified errors have no kind",
  );
});

Deno.test("classified wraps unreachable failures with their code and keeps others' messages", () => {
  const refused = withCode("connect ECONNREFUSED 127.0.0.1:1", { code: "ECONNREFUSED" });
  const wrapped = classified(refused, "unavailable");
  assert.ok(wrapped instanceof CtldbUnavailableError);
  assert.equal(wrapped.message, "ctldb unavailable: connect ECONNREFUSED 127.0.0.1:1");
  assert.equal(wrapped.cause, refused);
  const lost = classified(
    withCode("Connection lost", { code: "PROTOCOL_CONNECTION_LOST" }),
    "unavailable",
  );
  assert.equal(lost.message, "ctldb unavailable: PROTOCOL_CONNECTION_LOST: Connection lost");
  const missing = classified(new Error("no such table: f___t"), "no-such-table");
  assert.ok(missing instanceof CtldbError && !(missing instanceof CtldbUnavailableError));
  assert.equal(missing.message, "no such table: f___t");
  assert.equal(classified(wrapped, "other"), wrapped);
});
