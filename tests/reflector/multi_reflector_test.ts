import { deepStrictEqual as assertEquals, match, ok } from "node:assert/strict";
import { freePort, spawnCli } from "../_helpers/process.ts";
import { tempDir } from "../_helpers/temp.ts";
import { eventually, ldbRows, ldbTables, testExecutive, WRITER } from "./_fixtures.ts";

Deno.test("multi-reflector fills every LDB from an sqlite3 upstream, changelog for the first only", async () => {
  await using dir = await tempDir();
  const ctldbPath = `${dir.path}/ctldb.db`;
  await using executive = await testExecutive(`sqlite:${ctldbPath}`);
  await executive.client.createFamily("fam");
  await executive.client.createTable("fam", "tbl", {
    fields: [["id", "integer"], ["v", "string"]],
    keyFields: ["id"],
  });
  const port = freePort();
  const [first, second] = [`${dir.path}/ldb.db`, `${dir.path}/ldb-2.db`];
  await using cli = await spawnCli([
    "multi-reflector",
    ...["-multi-reflector.ldb-paths", `[${first},${second}]`],
    ...["-upstream-driver", "sqlite3", "-upstream-dsn", ctldbPath, "-poll-interval", "50ms"],
    ...["-changelog-path", `${dir.path}/changelog`, "-metrics-bind", `127.0.0.1:${port}`],
  ], { port });
  await executive.client.mutate("fam", WRITER, {
    mutations: [{ table: "tbl", values: { id: 1, v: "one" } }],
  });
  const max = await executive.ctldb.maxLedgerSeq();
  await eventually("both LDBs to catch up", async () => {
    const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    return ["ldb.db-0", "ldb-2.db-1"].every((id) =>
      new RegExp(`applied_seq\\{id="${id}"[^}]*\\} ${max}\\n`).test(metrics)
    );
  });
  for (const path of [first, second]) {
    assertEquals(ldbRows(path, "fam___tbl"), [{ id: 1n, v: "one" }]);
  }
  const health = await fetch(`http://127.0.0.1:${port}/healthz`);
  assertEquals(health.status, 200);
  match(
    await health.text(),
    /^ok: ldb\.db-0: caught up at seq \d+, latency \S+; ldb-2\.db-1: caught up/,
  );
  const changelog = (await Deno.readTextFile(`${dir.path}/changelog`)).trim().split("\n");
  assertEquals(changelog.length, 1, "one entry: only the first reflector writes the changelog");
  cli.kill("SIGTERM");
  assertEquals((await cli.status).code, 0);
});

Deno.test("multi-reflector needs at least two LDB paths", async () => {
  await using cli = await spawnCli([
    "multi-reflector",
    ...["-multi-reflector.ldb-paths", "[/tmp/only.db]"],
    ...["-upstream-driver", "sqlite3", "-upstream-dsn", "/tmp/none.db"],
  ]);
  const status = await cli.status;
  assertEquals(status.code, 1);
  ok(cli.stderr().includes("multi-reflector mode requires at least 2 ldb paths"));
});

Deno.test("multi-reflector with -families makes every LDB partial, each reporting its set", async () => {
  await using dir = await tempDir();
  const ctldbPath = `${dir.path}/ctldb.db`;
  await using executive = await testExecutive(`sqlite:${ctldbPath}`);
  for (const family of ["fam", "other"]) {
    await executive.client.createFamily(family);
    await executive.client.createTable(family, "tbl", {
      fields: [["id", "integer"], ["v", "string"]],
      keyFields: ["id"],
    });
    await executive.client.mutate(family, WRITER, {
      mutations: [{ table: "tbl", values: { id: 1, v: family } }],
    });
  }
  const port = freePort();
  const [first, second] = [`${dir.path}/ldb.db`, `${dir.path}/ldb-2.db`];
  await using cli = await spawnCli([
    "multi-reflector",
    ...["-multi-reflector.ldb-paths", `[${first},${second}]`, "-families", "fam"],
    ...["-upstream-driver", "sqlite3", "-upstream-dsn", ctldbPath, "-poll-interval", "50ms"],
    ...["-metrics-bind", `127.0.0.1:${port}`],
  ], { port });
  const max = await executive.ctldb.maxLedgerSeq();
  let metrics = "";
  await eventually("both LDBs to catch up", async () => {
    metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    return ["ldb.db-0", "ldb-2.db-1"].every((id) =>
      new RegExp(`applied_seq\\{id="${id}"[^}]*\\} ${max}\\n`).test(metrics)
    );
  });
  for (const [path, id] of [[first, "ldb.db-0"], [second, "ldb-2.db-1"]] as const) {
    assertEquals(ldbRows(path, "fam___tbl"), [{ id: 1n, v: "fam" }]);
    ok(!ldbTables(path).includes("other___tbl"), path);
    match(metrics, new RegExp(`ldb_families_info\\{id="${id}",families="ctlstore,fam"[^}]*\\} 1`));
  }
  cli.kill("SIGTERM");
  assertEquals((await cli.status).code, 0);
});
