import assert from "node:assert/strict";
import {
  CtldbUnavailableError,
  isDuplicateColumnError,
  isDuplicateKeyError,
  isTableExistsError,
  isUnavailableError,
  toCtldbError,
} from "../../lib/ctldb/errors.ts";

const withCode = (message: string, fields: Record<string, unknown>) =>
  Object.assign(new Error(message), fields);

const CASES: { error: unknown; dup: boolean; exists: boolean; column: boolean; down: boolean }[] = [
  {
    error: withCode("Duplicate entry 'w' for key 'PRIMARY'", { code: "ER_DUP_ENTRY", errno: 1062 }),
    dup: true,
    exists: false,
    column: false,
    down: false,
  },
  {
    error: new Error("Error 1062: Duplicate entry 'w' for key 'PRIMARY'"),
    dup: true,
    exists: false,
    column: false,
    down: false,
  },
  {
    error: new Error("UNIQUE constraint failed: mutators.writer"),
    dup: true,
    exists: false,
    column: false,
    down: false,
  },
  {
    error: withCode("Table 'f___t' already exists", { code: "ER_TABLE_EXISTS_ERROR", errno: 1050 }),
    dup: false,
    exists: true,
    column: false,
    down: false,
  },
  {
    error: new Error('table "f___t" already exists'),
    dup: false,
    exists: true,
    column: false,
    down: false,
  },
  {
    error: withCode("Duplicate column name 'x'", { code: "ER_DUP_FIELDNAME", errno: 1060 }),
    dup: false,
    exists: false,
    column: true,
    down: false,
  },
  {
    error: new Error("duplicate column name: x"),
    dup: false,
    exists: false,
    column: true,
    down: false,
  },
  {
    error: withCode("connect ECONNREFUSED 127.0.0.1:1", { code: "ECONNREFUSED" }),
    dup: false,
    exists: false,
    column: false,
    down: true,
  },
  {
    error: withCode("Connection lost: The server closed the connection.", {
      code: "PROTOCOL_CONNECTION_LOST",
    }),
    dup: false,
    exists: false,
    column: false,
    down: true,
  },
  {
    error: withCode("Too many connections", { code: "ER_CON_COUNT_ERROR", errno: 1040 }),
    dup: false,
    exists: false,
    column: false,
    down: true,
  },
  {
    error: new Error("MySQL server has gone away"),
    dup: false,
    exists: false,
    column: false,
    down: true,
  },
  {
    error: withCode("database is locked", { code: "ERR_SQLITE_ERROR", errcode: 5 }),
    dup: false,
    exists: false,
    column: false,
    down: true,
  },
  {
    error: new Error("syntax error near 'x'"),
    dup: false,
    exists: false,
    column: false,
    down: false,
  },
  { error: "plain string", dup: false, exists: false, column: false, down: false },
];

Deno.test("errors are classified as duplicate key, table exists, duplicate column or down", () => {
  for (const { error, dup, exists, column, down } of CASES) {
    const name = String(error);
    assert.equal(isDuplicateKeyError(error), dup, `duplicate key: ${name}`);
    assert.equal(isTableExistsError(error), exists, `table exists: ${name}`);
    assert.equal(isDuplicateColumnError(error), column, `duplicate column: ${name}`);
    assert.equal(isUnavailableError(error), down, `unavailable: ${name}`);
  }
});

Deno.test("toCtldbError wraps connection failures and passes others through", () => {
  const refused = withCode("connect ECONNREFUSED 127.0.0.1:1", { code: "ECONNREFUSED" });
  const wrapped = toCtldbError(refused);
  assert.ok(wrapped instanceof CtldbUnavailableError);
  assert.equal(wrapped.message, "ctldb unavailable: connect ECONNREFUSED 127.0.0.1:1");
  assert.equal(wrapped.cause, refused);
  const lost = toCtldbError(withCode("Connection lost", { code: "PROTOCOL_CONNECTION_LOST" }));
  assert.equal(
    (lost as Error).message,
    "ctldb unavailable: PROTOCOL_CONNECTION_LOST: Connection lost",
  );
  const syntax = new Error("syntax error");
  assert.equal(toCtldbError(syntax), syntax);
  assert.equal(toCtldbError(wrapped), wrapped);
});
