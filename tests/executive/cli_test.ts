import assert from "node:assert/strict";
import { openCtldb } from "../../lib/ctldb/mod.ts";
import { freshMysqlDatabase, mysqlTest, TEST_MYSQL_DSN } from "../_helpers/mysql.ts";
import { freshPostgresDatabase, postgresTest, TEST_POSTGRES_DSN } from "../_helpers/postgres.ts";
import { freePort, spawnCli } from "../_helpers/process.ts";
import { tempDir } from "../_helpers/temp.ts";

Deno.test("ctlstore executive serves on -bind and exits 0 on SIGTERM", async () => {
  await using dir = await tempDir();
  const port = freePort();
  await using cli = await spawnCli(
    ["executive", "-bind", `127.0.0.1:${port}`, "-ctldb", `sqlite:${dir.path}/ctldb.db`],
    { waitFor: "executive listening", port },
  );
  assert.match(cli.stderr(), new RegExp(`address=127\\.0\\.0\\.1:${port} dialect=sqlite`));
  assert.match(cli.stderr(), /running with max\/warn: 104857600 52428800/);
  const reply = await fetch(`http://127.0.0.1:${port}/families/clifamily`, { method: "POST" });
  assert.equal(reply.status, 200);
  await reply.body?.cancel();
  cli.kill("SIGTERM");
  const status = await cli.status;
  assert.equal(status.code, 0, cli.stderr());
  assert.match(cli.stderr(), /executive stopped/);
});

Deno.test("ctlstore executive without -bind fails with the required-flag message", async () => {
  await using cli = await spawnCli(["executive", "-ctldb", "sqlite:x.db"]);
  const status = await cli.status;
  assert.equal(status.code, 1);
  assert.equal(
    cli.stderr(),
    "ctlstore executive: missing required flag -bind (see ctlstore executive --help)\n",
  );
});

Deno.test("ctlstore executive exits non-zero when it cannot bind", async () => {
  await using dir = await tempDir();
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  try {
    const port = (listener.addr as Deno.NetAddr).port;
    await using cli = await spawnCli([
      "executive",
      "-bind",
      `127.0.0.1:${port}`,
      "-ctldb",
      `sqlite:${dir.path}/ctldb.db`,
    ]);
    const status = await cli.status;
    assert.equal(status.code, 1);
    assert.match(cli.stderr(), /error: listen on 127\.0\.0\.1:\d+/);
  } finally {
    listener.close();
  }
});

mysqlTest(
  "ctlstore executive never logs the DSN password and reads CTLSTORE_ADMIN_TOKEN",
  async () => {
    await using database = await freshMysqlDatabase();
    const user = `ctl_${database.name.slice(-8)}`;
    const password = "pw-Very_Secret-42";
    const admin = await openCtldb(TEST_MYSQL_DSN, { poolSize: 1 });
    try {
      await admin.exec(`CREATE USER '${user}'@'%' IDENTIFIED BY '${password}'`);
      await admin.exec(`GRANT ALL ON \`${database.name}\`.* TO '${user}'@'%'`);
      const port = freePort();
      const dsn = `${user}:${password}@tcp(127.0.0.1:3306)/${database.name}`;
      await using cli = await spawnCli(
        ["executive", "-bind", `127.0.0.1:${port}`, "-ctldb", dsn, "-debug"],
        { waitFor: "executive listening", port, env: { CTLSTORE_ADMIN_TOKEN: "cli-token" } },
      );
      const denied = await fetch(`http://127.0.0.1:${port}/families/clifamily`, { method: "POST" });
      assert.equal(denied.status, 401);
      await denied.body?.cancel();
      const allowed = await fetch(`http://127.0.0.1:${port}/families/clifamily`, {
        method: "POST",
        headers: { authorization: "Bearer cli-token" },
      });
      assert.equal(allowed.status, 200);
      await allowed.body?.cancel();
      cli.kill("SIGTERM");
      assert.equal((await cli.status).code, 0);
      const output = cli.stdout() + cli.stderr();
      assert.ok(!output.includes(password), output);
      assert.ok(!output.includes("cli-token"), output);
      assert.match(output, /dialect=mysql ctldb=.*REDACTED/);
    } finally {
      await admin.exec(`DROP USER IF EXISTS '${user}'@'%'`);
      await admin.close();
    }
  },
);

postgresTest(
  "ctlstore executive on a postgres:// ctldb creates the schema and never logs the password",
  async () => {
    const role = `ctl_${crypto.randomUUID().replaceAll("-", "").slice(0, 8)}`;
    const password = "pw-Very_Secret-42";
    const admin = await openCtldb(TEST_POSTGRES_DSN, { poolSize: 1 });
    try {
      await admin.exec(`CREATE ROLE "${role}" LOGIN PASSWORD '${password}'`);
      await using database = await freshPostgresDatabase();
      // The owner of a database may create tables in its public schema (PostgreSQL 15+).
      await admin.exec(`ALTER DATABASE "${database.name}" OWNER TO "${role}"`);
      const url = new URL(database.dsn);
      url.username = role;
      url.password = password;
      const port = freePort();
      await using cli = await spawnCli(
        ["executive", "-bind", `127.0.0.1:${port}`, "-ctldb", url.href],
        { waitFor: "executive listening", port },
      );
      const reply = await fetch(`http://127.0.0.1:${port}/families/clifamily`, { method: "POST" });
      assert.equal(reply.status, 200);
      await reply.body?.cancel();
      cli.kill("SIGTERM");
      assert.equal((await cli.status).code, 0);
      const output = cli.stdout() + cli.stderr();
      assert.ok(!output.includes(password), output);
      assert.match(output, /dialect=postgres ctldb="postgres:\/\/ctl_\w+:<REDACTED>@/);
      const direct = await openCtldb(database.dsn);
      try {
        assert.deepEqual(await direct.query("SELECT name FROM families"), [{ name: "clifamily" }]);
        assert.deepEqual(await direct.query("SELECT id, clock FROM locks"), [{
          id: "ledger",
          clock: 0,
        }]);
      } finally {
        await direct.close();
      }
    } finally {
      await admin.exec(`DROP ROLE IF EXISTS "${role}"`);
      await admin.close();
    }
  },
);
