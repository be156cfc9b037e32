import assert from "node:assert/strict";
import {
  CtldbUnavailableError,
  MYSQL_CTLDB_SCHEMA,
  openCtldb,
  parseDsn,
} from "../../lib/ctldb/mod.ts";
import { freshMysqlDatabase, mysqlTest } from "../_helpers/mysql.ts";
import { type OpenedCtldb, registerSharedCases } from "./_shared_cases.ts";

async function openFresh(useUrl = false): Promise<OpenedCtldb> {
  const database = await freshMysqlDatabase();
  try {
    const ctldb = await openCtldb(useUrl ? database.url : database.dsn);
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

registerSharedCases("mysql", mysqlTest, () => openFresh());

mysqlTest("mysql: a mysql:// URL opens the same database", async () => {
  await using opened = await openFresh(true);
  await opened.ctldb.ensureSchema();
  assert.equal(await opened.ctldb.maxLedgerSeq(), 0);
});

mysqlTest(
  "mysql: ensureSchema creates exactly the ctldb-schema tables with a BIGINT seq",
  async () => {
    await using opened = await openFresh();
    const { ctldb } = opened;
    await ctldb.ensureSchema();
    const created = [...MYSQL_CTLDB_SCHEMA.matchAll(/CREATE TABLE (\w+)/g)].map((m) => m[1]).sort();
    const tables = await ctldb.query<{ name: string }>(
      "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = DATABASE() " +
        "ORDER BY table_name",
    );
    assert.deepEqual(tables.map((t) => t.name), created);
    const [seq] = await ctldb.query<{ type: string; extra: string }>(
      "SELECT column_type AS type, extra FROM information_schema.columns WHERE table_schema = " +
        "DATABASE() AND table_name = 'ctlstore_dml_ledger' AND column_name = 'seq'",
    );
    assert.match(seq!.type, /^bigint/);
    assert.match(seq!.extra, /auto_increment/);
    const [charset] = await ctldb.query<{ c: string }>(
      "SELECT default_collation_name AS c FROM information_schema.schemata WHERE schema_name = DATABASE()",
    );
    assert.equal(charset!.c, "utf8mb4_unicode_ci");
  },
);

mysqlTest(
  "mysql: ensureSchema on an existing ctldb keeps its charset and ledger, adds what is missing",
  async () => {
    await using database = await freshMysqlDatabase();
    const admin = await openCtldb(database.dsn);
    try {
      // An original ctldb: latin1, INTEGER seq, a ledger row, no limiter tables, no lock row.
      await admin.execDdl("ALTER DATABASE CHARACTER SET = latin1 COLLATE = latin1_swedish_ci");
      await admin.execDdl(
        "CREATE TABLE ctlstore_dml_ledger (seq INTEGER AUTO_INCREMENT PRIMARY KEY, " +
          "leader_ts DATETIME DEFAULT CURRENT_TIMESTAMP, statement MEDIUMTEXT NOT NULL)",
      );
      await admin.execDdl(
        "CREATE TABLE locks (id VARCHAR(191) NOT NULL PRIMARY KEY, " +
          "clock BIGINT NOT NULL DEFAULT 0)",
      );
      await admin.exec("INSERT INTO ctlstore_dml_ledger (statement) VALUES ('--- BEGIN')");
      // A user that may read and write but not create anything.
      const user = `ctl_${crypto.randomUUID().replaceAll("-", "").slice(0, 12)}`;
      await admin.execDdl(`CREATE USER '${user}'@'%' IDENTIFIED BY 'pw'`);
      try {
        await admin.execDdl(
          `GRANT SELECT, INSERT, UPDATE, DELETE ON \`${database.name}\`.* TO '${user}'@'%'`,
        );
        const limited = await openCtldb(database.dsn.replace(/^[^@]*@/, `${user}:pw@`));
        try {
          await assert.rejects(limited.ensureSchema(), /command denied/);
          await admin.ensureSchema();
          await limited.ensureSchema();
        } finally {
          await limited.close();
        }
      } finally {
        await admin.execDdl(`DROP USER '${user}'@'%'`);
      }
      const [charset] = await admin.query<{ c: string }>(
        "SELECT default_collation_name AS c FROM information_schema.schemata " +
          "WHERE schema_name = DATABASE()",
      );
      assert.equal(charset!.c, "latin1_swedish_ci");
      const [seq] = await admin.query<{ type: string }>(
        "SELECT column_type AS type FROM information_schema.columns WHERE table_schema = " +
          "DATABASE() AND table_name = 'ctlstore_dml_ledger' AND column_name = 'seq'",
      );
      assert.match(seq!.type, /^int/);
      assert.deepEqual(
        (await admin.readLedger(0, 10)).map((e) => e.statement),
        ["--- BEGIN"],
      );
      assert.deepEqual(await admin.query("SELECT id FROM locks"), [{ id: "ledger" }]);
      assert.deepEqual(await admin.query("SELECT * FROM writer_usage"), []);
    } finally {
      await admin.close();
    }
  },
);

mysqlTest("mysql: sessions run in strict ANSI mode, UTC and utf8mb4", async () => {
  await using opened = await openFresh();
  const { ctldb } = opened;
  const [session] = await ctldb.query<{ mode: string; tz: string; coll: string }>(
    "SELECT @@SESSION.sql_mode AS mode, @@SESSION.time_zone AS tz, @@collation_connection AS coll",
  );
  for (const mode of ["ANSI_QUOTES", "NO_BACKSLASH_ESCAPES", "STRICT_ALL_TABLES"]) {
    assert.ok(session!.mode.split(",").includes(mode), session!.mode);
  }
  assert.equal(session!.tz, "+00:00");
  assert.equal(session!.coll, "utf8mb4_unicode_ci");
  await ctldb.execDdl('CREATE TABLE "f___t" ("k" VARCHAR(191), PRIMARY KEY("k"))');
  await assert.rejects(ctldb.exec(`INSERT INTO "f___t" VALUES ('${"x".repeat(300)}')`), /too long/);
  await assert.rejects(
    ctldb.transaction((tx) => tx.exec("INSERT INTO f___t VALUES (?)", ["y".repeat(192)])),
    /too long/,
  );
  await ctldb.exec("INSERT INTO f___t VALUES (?)", ["😀".repeat(191)]);
  assert.deepEqual(await ctldb.query("SELECT k FROM f___t"), [{ k: "😀".repeat(191) }]);
});

mysqlTest("mysql: DDL runs on another connection while a transaction is open", async () => {
  await using opened = await openFresh();
  const { ctldb } = opened;
  await ctldb.ensureSchema();
  await ctldb.transaction(async (tx) => {
    await tx.exec("UPDATE locks SET clock = clock + 1 WHERE id = 'ledger'");
    await tx.exec("INSERT INTO ctlstore_dml_ledger (statement) VALUES(?)", ["CREATE TABLE x;"]);
    const [own] = await tx.query<{ id: number }>("SELECT CONNECTION_ID() AS id");
    await ctldb.execDdl('CREATE TABLE "f___t" ("k" BIGINT, PRIMARY KEY("k"))');
    const [again] = await tx.query<{ id: number }>("SELECT CONNECTION_ID() AS id");
    assert.equal(own!.id, again!.id);
  });
  assert.equal(await ctldb.maxLedgerSeq(), 1);
  assert.ok((await ctldb.tableColumns(["f___t"])).has("f___t"));
});

mysqlTest("mysql: tableColumns ignores tables of other databases", async () => {
  await using one = await openFresh();
  await using two = await openFresh();
  await two.ctldb.execDdl('CREATE TABLE "f___t" ("k" BIGINT, PRIMARY KEY("k"))');
  assert.equal((await one.ctldb.tableColumns(["f___t"])).size, 0);
  assert.deepEqual(await one.ctldb.listFamilyTables(), []);
  assert.deepEqual(await two.ctldb.listFamilyTables(), ["f___t"]);
});

const DEAD_DSNS = [
  "ctl:secretpw@tcp(127.0.0.1:1)/ctldb",
  "mysql://ctl:secretpw@127.0.0.1:1/ctldb",
];

Deno.test("mysql: an unreachable server gives CtldbUnavailableError without the password", async () => {
  for (const dsn of DEAD_DSNS) {
    const ctldb = await openCtldb(dsn, { connectTimeoutMs: 1000 });
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
  }
});

mysqlTest("mysql: wrong credentials give CtldbUnavailableError", async () => {
  await using database = await freshMysqlDatabase();
  const server = parseDsn(database.dsn);
  assert.equal(server.kind, "mysql");
  const host = server.kind === "mysql" ? `${server.host}:${server.port}` : "";
  const ctldb = await openCtldb(`no_such_user_x:secretpw@tcp(${host})/${database.name}`);
  try {
    await assert.rejects(ctldb.ping(), CtldbUnavailableError);
  } finally {
    await ctldb.close();
  }
});
