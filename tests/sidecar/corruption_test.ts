import assert from "node:assert/strict";
import { isCorruptionError } from "../../lib/ldb/mod.ts";
import { startSidecar } from "../../lib/sidecar/mod.ts";
import { bigRow, damageLdbPage, writeBigLdb } from "../_helpers/damaged_ldb.ts";
import { freePort, spawnCli } from "../_helpers/process.ts";
import { tempDir } from "../_helpers/temp.ts";
import { testSidecar } from "./_fixture.ts";

const PREFIX_PATH = "/get-rows-by-key-prefix/fam/big";

Deno.test("a sidecar refuses to start on an LDB with a page overwritten in the middle", async () => {
  await using dir = await tempDir();
  const path = `${dir.path}/ldb.db`;
  writeBigLdb(path);
  damageLdbPage(path);
  for (const integrityCheck of ["quick", "full"]) {
    await assert.rejects(
      startSidecar({ bindAddr: "127.0.0.1:0", ldbPath: path, integrityCheck }),
      (error: Error) => {
        assert.ok(isCorruptionError(error), error.message);
        assert.match(error.message, new RegExp(`^LDB at ${path} is damaged: .+; not serving it$`));
        return true;
      },
    );
  }
});

Deno.test("ctlstore sidecar exits 1 with one line when the LDB is damaged", async () => {
  await using dir = await tempDir();
  const path = `${dir.path}/ldb.db`;
  writeBigLdb(path);
  damageLdbPage(path);
  const port = freePort();
  await using cli = await spawnCli([
    "sidecar",
    "-ldb-path",
    path,
    "-bind-addr",
    `127.0.0.1:${port}`,
  ]);
  const status = await cli.status;
  assert.equal(status.code, 1);
  const lines = cli.stderr().trimEnd().split("\n");
  assert.equal(lines.length, 1, cli.stderr());
  assert.match(lines[0]!, new RegExp(`^error: LDB at ${path} is damaged: .+; not serving it$`));
});

Deno.test("damage that appears while the sidecar runs answers 503 and turns /healthcheck to 503", async () => {
  await using dir = await tempDir();
  const path = `${dir.path}/ldb.db`;
  writeBigLdb(path, { rows: 20_000 });
  await using sidecar = await testSidecar(path);
  assert.equal((await sidecar.get("/healthcheck")).status, 200);
  await (await sidecar.get("/healthcheck")).body?.cancel();

  const damaged = damageLdbPage(path);
  const [group, id] = bigRow(damaged.rowids[0]!);

  // A scan small enough for one answer, over the damaged page: 503, never a short 200.
  const narrow = await sidecar.post(PREFIX_PATH, { Key: [{ Value: group }] });
  assert.equal(narrow.status, 503);
  assert.equal(
    await narrow.text(),
    "LDB damaged or unreadable: query target row error: database disk image is malformed\n",
  );
  const point = await sidecar.post("/get-row-by-key/fam/big", {
    Key: [{ Value: group }, { Value: id }],
  });
  assert.equal(point.status, 503);
  await point.body?.cancel();

  // From now on the health routes say so, with the reason.
  for (const route of ["/healthcheck", "/ping"]) {
    const health = await sidecar.get(route);
    assert.equal(health.status, 503, route);
    assert.match(
      await health.text(),
      /^healthcheck: LDB damaged or unreadable since \S+: .*database disk image is malformed.*; restart to check it again\n$/,
    );
  }
  const healthz = await sidecar.get("/healthz");
  assert.equal(healthz.status, 503);
  assert.match(await healthz.text(), /^LDB damaged or unreadable since \S+: .*malformed/);
  // Reads elsewhere still answer.
  const intact = await sidecar.post(PREFIX_PATH, { Key: [{ Value: 0 }] });
  assert.equal(intact.status, 200);
  assert.equal((JSON.parse(await intact.text()) as unknown[]).length, 100);
});

Deno.test("a streamed scan that reaches a damaged page is aborted, never a complete short 200", async () => {
  await using dir = await tempDir();
  const path = `${dir.path}/ldb.db`;
  writeBigLdb(path, { rows: 20_000 });
  await using sidecar = await testSidecar(path);
  damageLdbPage(path);
  // The damage lies past the first chunk, so the status is sent before it is reached.
  const response = await sidecar.post(PREFIX_PATH, {});
  assert.equal(response.status, 200);
  await assert.rejects(response.text());
  const health = await sidecar.get("/healthcheck");
  assert.equal(health.status, 503);
  await health.body?.cancel();
});

Deno.test("-integrity-check off serves a damaged LDB, whose damaged reads still answer 503", async () => {
  await using dir = await tempDir();
  const path = `${dir.path}/ldb.db`;
  writeBigLdb(path);
  const damaged = damageLdbPage(path);
  await using sidecar = await testSidecar(path, { integrityCheck: "off" });
  const [group] = bigRow(damaged.rowids[0]!);
  const response = await sidecar.post(PREFIX_PATH, { Key: [{ Value: group }] });
  assert.equal(response.status, 503);
  await response.body?.cancel();
});

Deno.test("a request quoting SQLite's corruption messages does not turn /healthcheck to 503", async () => {
  await using dir = await tempDir();
  const path = `${dir.path}/ldb.db`;
  writeBigLdb(path, { rows: 10 });
  await using sidecar = await testSidecar(path);
  for (
    const body of ["database disk image is malformed", "disk I/O error", '{"key":"disk I/O error"}']
  ) {
    const response = await sidecar.post(PREFIX_PATH, body);
    assert.equal(response.status, 400, body);
    await response.body?.cancel();
  }
  const health = await sidecar.get("/healthcheck");
  assert.equal(health.status, 200);
  await health.body?.cancel();
});
