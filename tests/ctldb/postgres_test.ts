import assert from "node:assert/strict";
import {
  adapterForDsn,
  CtldbUnavailableError,
  DsnError,
  isCtldbError,
  isUnknownDatabaseError,
  openCtldb,
  POSTGRES_CTLDB_SCHEMA,
} from "../../lib/ctldb/mod.ts";
import {
  numberedPlaceholders,
  parsePostgresDsn,
  type PostgresDsn,
  postgresLiteral,
  postgresUpsertRowsSql,
} from "../../lib/ctldb/postgres_sql.ts";
import { createTableSql, type FieldDef } from "../../lib/schema/mod.ts";
import { freshPostgresDatabase, postgresTest } from "../_helpers/postgres.ts";
import { type OpenedCtldb, registerSharedCases } from "./_shared_cases.ts";

async function openFresh(): Promise<OpenedCtldb> {
  const database = await freshPostgresDatabase();
  try {
    const ctldb = await openCtldb(database.dsn);
    return {
      ctldb,
      async [Symbol.asyncDispose]() {
        await ctldb.close();
        await database[Symbol.asyncDispose]();
      },
    };
  } catch (e) {
    await database[Symbol.asyncDispose]();
    throw e;
  }
}

registerSharedCases("postgres", postgresTest, () => openFresh());

const DSNS: [string, PostgresDsn][] = [
  [
    "postgres://ctl:s%40cret%3A@db.example:5433/ctldb?sslmode=require",
    {
      host: "db.example",
      port: 5433,
      user: "ctl",
      password: "s@cret:",
      database: "ctldb",
      sslmode: "require",
    },
  ],
  ["postgresql://ctl@[::1]/ctldb", { host: "::1", port: 5432, user: "ctl", database: "ctldb" }],
  [
    "postgres://ctl@localhost/ctldb?host=/var/run/postgresql&application_name=exec1",
    {
      socketDir: "/var/run/postgresql",
      port: 5432,
      user: "ctl",
      database: "ctldb",
      applicationName: "exec1",
    },
  ],
  ["postgres://127.0.0.1", { host: "127.0.0.1", port: 5432 }],
];

Deno.test("postgres: postgres:// and postgresql:// URLs parse into connection settings", () => {
  for (const [dsn, want] of DSNS) {
    assert.deepEqual(parsePostgresDsn(dsn), want, dsn);
    assert.equal(adapterForDsn(dsn).dialect, "postgres", dsn);
  }
});

Deno.test("postgres: malformed DSNs are refused without echoing the password", () => {
  for (
    const dsn of [
      "postgres://u:secretpw@h/db?sslmode=sometimes",
      "postgres://u:secretpw@h/db?search_path=x",
      "postgres://u:secretpw@h/db/extra",
      "postgres://u:secretpw@h/db#frag",
      "postgres://u:secretpw@h:99999/db",
    ]
  ) {
    assert.throws(() => adapterForDsn(dsn), (e: unknown) => {
      assert.ok(e instanceof DsnError, dsn);
      assert.doesNotMatch(e.message, /secretpw/);
      assert.match(e.message, /postgres:\/\/user:password@host:port\/dbname/);
      return true;
    });
  }
});

Deno.test("postgres: ? placeholders become $n outside quoted text", () => {
  assert.equal(
    numberedPlaceholders(`SELECT '?', "a?" FROM t WHERE a = ? AND b = 'x''?' AND c = ?`),
    `SELECT '?', "a?" FROM t WHERE a = $1 AND b = 'x''?' AND c = $2`,
  );
  assert.equal(numberedPlaceholders("SELECT 1"), "SELECT 1");
});

Deno.test("postgres: literals are standard SQL strings, ledger numbers and bytea", () => {
  const cases: [Parameters<typeof postgresLiteral>[0], string][] = [
    [null, "NULL"],
    [9223372036854775807n, "9223372036854775807"],
    [1e21, "1000000000000000000000"],
    [-0.5, "-0.5"],
    ["it's \\ ok", "'it''s \\ ok'"],
    [new Uint8Array([0xde, 0xad, 0x00]), "'\\xdead00'::bytea"],
    [new Uint8Array(), "'\\x'::bytea"],
  ];
  for (const [value, want] of cases) assert.equal(postgresLiteral(value), want, String(value));
  assert.throws(() => postgresLiteral("a\0b"), (e) => isCtldbError(e, "bad-value"));
});

Deno.test("postgres: an upsert of rows with equal keys keeps the last and updates non-keys", () => {
  assert.equal(
    postgresUpsertRowsSql("f___t", ["id", "v"], ["id"], [[1, "a"], [2, "b"], [1, "c"]]),
    `INSERT INTO f___t ("id","v") VALUES (2,'b'),(1,'c') ON CONFLICT ("id") DO UPDATE SET "v" = EXCLUDED."v"`,
  );
  assert.equal(
    postgresUpsertRowsSql("f___t", ["id"], ["id"], [[1]]),
    `INSERT INTO f___t ("id") VALUES (1) ON CONFLICT ("id") DO NOTHING`,
  );
});

postgresTest(
  "postgres: ensureSchema creates the ctldb-schema tables, the domain and an identity seq",
  async () => {
    await using opened = await openFresh();
    const { ctldb } = opened;
    await ctldb.ensureSchema();
    const created = [...POSTGRES_CTLDB_SCHEMA.matchAll(/CREATE TABLE (\w+)/g)].map((m) => m[1])
      .sort();
    const tables = await ctldb.query<{ name: string }>(
      "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = current_schema() " +
        "ORDER BY table_name",
    );
    assert.deepEqual(tables.map((t) => t.name), created);
    const [seq] = await ctldb.query<{ type: string; identity: string }>(
      "SELECT data_type AS type, is_identity AS identity FROM information_schema.columns " +
        "WHERE table_name = 'ctlstore_dml_ledger' AND column_name = 'seq'",
    );
    assert.deepEqual(seq, { type: "bigint", identity: "YES" });
    const [domain] = await ctldb.query<{ n: number }>(
      "SELECT COUNT(*) AS n FROM pg_type WHERE typname = 'ctlstore_bytestring'",
    );
    assert.equal(domain?.n, 1);
  },
);

postgresTest(
  "postgres: sessions run in UTC with standard strings; leader_ts is whole UTC seconds",
  async () => {
    await using opened = await openFresh();
    const { ctldb } = opened;
    await ctldb.ensureSchema();
    const [settings] = await ctldb.query<{ tz: string; scs: string }>(
      "SELECT current_setting('TimeZone') AS tz, current_setting('standard_conforming_strings') AS scs",
    );
    assert.deepEqual(settings, { tz: "UTC", scs: "on" });
    const before = Math.floor(Date.now() / 1000) * 1000;
    await ctldb.appendLedger(ctldb, ["x"]);
    const [entry] = await ctldb.readLedger(0, 1);
    assert.ok(entry!.leaderTs.getTime() >= before && entry!.leaderTs.getTime() <= Date.now());
    assert.equal(entry!.leaderTs.getMilliseconds(), 0);
  },
);

postgresTest("postgres: values the columns refuse are bad-value errors", async () => {
  await using opened = await openFresh();
  const { ctldb } = opened;
  await ctldb.ensureSchema();
  const fields: FieldDef[] = [
    { name: "id", type: "integer" },
    { name: "s", type: "string" },
    { name: "y", type: "bytestring" },
  ];
  await ctldb.execDdl(createTableSql(ctldb.columnTypes, "f___t", fields, ["id"]));
  // Building the SQL may refuse a value already (NUL): both failures reject the same way.
  const upsert = async (row: (string | number | null | Uint8Array)[]) =>
    await ctldb.exec(ctldb.upsertRowsSql("f___t", ["id", "s", "y"], ["id"], [row]));
  for (
    const [name, attempt] of [
      ["a string over 191 characters", () => upsert([1, "x".repeat(192), null])],
      ["a bytestring over 255 bytes", () => upsert([1, "x", new Uint8Array(256)])],
      ["a null key", () => upsert([null, "x", null])],
      ["a string holding NUL", () => upsert([1, "a\0b", null])],
    ] as const
  ) {
    await assert.rejects(attempt(), (e) => {
      assert.ok(isCtldbError(e, "bad-value"), `${name}: ${String(e)}`);
      return true;
    });
  }
  await upsert([1, "😀".repeat(191), new Uint8Array(255)]);
  assert.equal((await ctldb.query("SELECT id FROM f___t")).length, 1);
});

postgresTest("postgres: a rolled-back ledger append leaves a gap in the seqs", async () => {
  await using opened = await openFresh();
  const { ctldb } = opened;
  await ctldb.ensureSchema();
  await ctldb.appendLedger(ctldb, ["a"]);
  await assert.rejects(
    ctldb.transaction(async (tx) => {
      await ctldb.appendLedger(tx, ["rolled back 1", "rolled back 2"]);
      throw new Error("undo");
    }),
    /undo/,
  );
  assert.deepEqual(await ctldb.appendLedger(ctldb, ["b"]), [4]);
  assert.deepEqual((await ctldb.readLedger(0, 10)).map((e) => e.seq), [1, 4]);
});

postgresTest("postgres: tableColumns ignores tables of other databases", async () => {
  await using one = await openFresh();
  await using two = await openFresh();
  await two.ctldb.execDdl('CREATE TABLE "f___t" ("k" BIGINT, PRIMARY KEY("k"))');
  assert.equal((await one.ctldb.tableColumns(["f___t"])).size, 0);
  assert.deepEqual(await one.ctldb.listFamilyTables(), []);
  assert.deepEqual(await two.ctldb.listFamilyTables(), ["f___t"]);
});

Deno.test("postgres: an unreachable server gives CtldbUnavailableError without the password", async () => {
  const ctldb = await openCtldb("postgres://ctl:secretpw@127.0.0.1:1/ctldb", {
    connectTimeoutMs: 1000,
  });
  try {
    for (const attempt of [() => ctldb.ping(), () => ctldb.query("SELECT 1")]) {
      await assert.rejects(attempt(), (e: unknown) => {
        assert.ok(e instanceof CtldbUnavailableError, String(e));
        assert.match(e.message, /^ctldb unavailable: /);
        assert.doesNotMatch(e.message, /secretpw/);
        return true;
      });
    }
    await assert.rejects(ctldb.transaction(() => Promise.resolve()), CtldbUnavailableError);
    await assert.rejects(ctldb.execDdl("CREATE TABLE x (a INT)"), CtldbUnavailableError);
  } finally {
    await ctldb.close();
  }
});

postgresTest(
  "postgres: a database or user that does not exist gives CtldbUnavailableError",
  async () => {
    await using database = await freshPostgresDatabase();
    const url = new URL(database.dsn);
    url.pathname = "/no_such_database_x";
    const missing = await openCtldb(url.href);
    try {
      await assert.rejects(missing.ping(), (e) => isUnknownDatabaseError(e));
    } finally {
      await missing.close();
    }
    const user = new URL(database.dsn);
    user.username = "no_such_user_x";
    const stranger = await openCtldb(user.href);
    try {
      await assert.rejects(stranger.ping(), CtldbUnavailableError);
    } finally {
      await stranger.close();
    }
  },
);
