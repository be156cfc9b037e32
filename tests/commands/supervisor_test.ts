import assert from "node:assert/strict";
import { openCtldb } from "../../lib/ctldb/mod.ts";
import { freePort, spawnCli } from "../_helpers/process.ts";
import { tempDir } from "../_helpers/temp.ts";
import { ctl } from "./_cli.ts";

async function ctldbWithTable(path: string): Promise<void> {
  const ctldb = await openCtldb(`sqlite:${path}`);
  try {
    await ctldb.ensureSchema();
    for (
      const statement of [
        "CREATE TABLE fam___rows (id INTEGER PRIMARY KEY, value INTEGER)",
        "REPLACE INTO fam___rows (id, value) VALUES (2, 2)",
      ]
    ) {
      await ctldb.exec("INSERT INTO ctlstore_dml_ledger (statement) VALUES (?)", [statement]);
    }
  } finally {
    await ctldb.close();
  }
}

Deno.test("supervisor publishes snapshots and exits 0 on SIGTERM without leftovers", async () => {
  await using dir = await tempDir();
  await ctldbWithTable(`${dir.path}/ctldb.db`);
  const port = freePort();
  const target = `${dir.path}/snapshots/snapshot.db.gz`;
  await using cli = await spawnCli([
    "supervisor",
    "-snapshot-interval",
    "100ms",
    "-snapshot-url",
    `file://${target}`,
    "-reflector.ldb-path",
    `${dir.path}/supervisor/ldb.db`,
    "-reflector.upstream-driver=sqlite3",
    "-reflector.poll-interval",
    "50ms",
    "-metrics-bind",
    `127.0.0.1:${port}`,
  ], {
    env: { CTLSTORE_REFLECTOR_UPSTREAM_DSN: `${dir.path}/ctldb.db` },
    waitFor: /published snapshot seq=2/,
  });
  const health = await fetch(`http://127.0.0.1:${port}/healthz`);
  assert.equal(await health.text(), "ok\n");
  cli.kill("SIGTERM");
  const status = await cli.status;

  assert.equal(status.code, 0, cli.stderr());
  assert.match(cli.stderr(), /supervisor stopped/);
  assert.doesNotMatch(cli.stderr(), /deprecated/);
  assert.ok((await Deno.stat(target)).size > 0);
  assert.ok((await Deno.stat(`${target}.checksum`)).size > 0);
  const left = await Array.fromAsync(Deno.readDir(`${dir.path}/supervisor`), (e) => e.name);
  assert.deepEqual(left.filter((name) => name.includes("snapshot")), []);
});

Deno.test("supervisor startup errors exit 1 with one line", async (t) => {
  await using dir = await tempDir();
  const reflector = [
    "-reflector.ldb-path",
    `${dir.path}/ldb.db`,
    "-reflector.upstream-driver",
    "sqlite3",
    "-reflector.upstream-dsn",
    `${dir.path}/ctldb.db`,
  ];
  const cases = [
    {
      name: "unknown scheme",
      args: ["-snapshot-url", "ftp://host/snapshot.db", ...reflector],
      message: "error: configure snapshot for 'ftp://host/snapshot.db': Unknown scheme ftp\n",
    },
    {
      name: "missing snapshot URL",
      args: reflector,
      message: "ctlstore supervisor: missing required flag -snapshot-url " +
        "(see ctlstore supervisor --help)\n",
    },
    {
      name: "missing reflector DSN",
      args: ["-snapshot-url", "file:///tmp/x.db", ...reflector.slice(0, 4)],
      message: "ctlstore supervisor: missing required flag -reflector.upstream-dsn " +
        "(see ctlstore supervisor --help)\n",
    },
    {
      name: "negative lag",
      args: ["-snapshot-url", "file:///tmp/x.db", "-max-snapshot-lag", "-1", ...reflector],
      message: "ctlstore supervisor: invalid value passed to -max-snapshot-lag: '-1' " +
        "(must not be negative) (see ctlstore supervisor --help)\n",
    },
    {
      name: "bad setting of the embedded reflector, named with its prefix",
      args: ["-snapshot-url", "file:///tmp/x.db", "-reflector.poll-timeout", "-1s", ...reflector],
      message: "ctlstore supervisor: invalid value passed to -reflector.poll-timeout: '-1s' " +
        "(must not be negative) (see ctlstore supervisor --help)\n",
    },
  ];
  for (const { name, args, message } of cases) {
    await t.step(name, async () => {
      const result = await ctl(["supervisor", ...args]);
      assert.equal(result.code, 1);
      assert.ok(result.stderr.startsWith(message), result.stderr);
    });
  }
  assert.deepEqual(await Array.fromAsync(Deno.readDir(dir.path)), [], "nothing was created");
});
