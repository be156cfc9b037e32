import { deepStrictEqual as assertEquals, rejects } from "node:assert/strict";
import { startReflector } from "../../lib/reflector/mod.ts";
import { freePort } from "../_helpers/process.ts";
import { tempDir } from "../_helpers/temp.ts";
import { seedLedger } from "./_fixtures.ts";

Deno.test("a start that fails removes the LDB it created, so the next start bootstraps", async () => {
  await using dir = await tempDir();
  const ctldbPath = `${dir.path}/ctldb.db`;
  await seedLedger(`sqlite:${ctldbPath}`);
  using busy = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const config = {
    upstreamDriver: "sqlite3",
    upstreamDsn: ctldbPath,
    metricsBind: `127.0.0.1:${(busy.addr as Deno.NetAddr).port}`,
    initSnapshotMetricsPath: "",
  };
  const fresh = `${dir.path}/fresh.db`;
  await rejects(startReflector({ ...config, ldbPath: fresh }), /listen on 127\.0\.0\.1/);
  for (const path of [fresh, `${fresh}-wal`, `${fresh}-shm`]) {
    assertEquals(await Deno.stat(path).catch(() => "absent"), "absent", path);
  }

  const existing = `${dir.path}/existing.db`;
  await Deno.writeFile(existing, new Uint8Array());
  await rejects(startReflector({ ...config, ldbPath: existing }), /listen on 127\.0\.0\.1/);
  assertEquals((await Deno.stat(existing)).isFile, true, "an LDB that was there is kept");
});

Deno.test("a changelog that cannot be opened fails the start and leaves no LDB", async () => {
  await using dir = await tempDir();
  const ctldbPath = `${dir.path}/ctldb.db`;
  await seedLedger(`sqlite:${ctldbPath}`);
  const ldbPath = `${dir.path}/ldb.db`;
  await rejects(
    startReflector({
      ldbPath,
      upstreamDriver: "sqlite3",
      upstreamDsn: ctldbPath,
      changelogPath: `${dir.path}/no-such-dir/changelog`,
      initSnapshotMetricsPath: "",
    }),
    /^Error: cannot open changelog .*\/no-such-dir\/changelog: No such file or directory/,
  );
  assertEquals(await Deno.stat(ldbPath).catch(() => "absent"), "absent");
});

Deno.test("a start whose upstream does not exist releases the metrics address it bound", async () => {
  await using dir = await tempDir();
  const port = freePort();
  await rejects(
    startReflector({
      ldbPath: `${dir.path}/ldb.db`,
      upstreamDriver: "sqlite3",
      upstreamDsn: `${dir.path}/typo.db`,
      metricsBind: `127.0.0.1:${port}`,
      initSnapshotMetricsPath: "",
    }),
    /^Error: cannot open the upstream: SQLite ctldb .*\/typo\.db does not exist$/,
  );
  using again = Deno.listen({ hostname: "127.0.0.1", port });
  assertEquals((again.addr as Deno.NetAddr).port, port);
  assertEquals(await Deno.stat(`${dir.path}/typo.db`).catch(() => "absent"), "absent");
});
