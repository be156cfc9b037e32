import assert from "node:assert/strict";
import { spawnCli } from "../_helpers/process.ts";
import { tempDir } from "../_helpers/temp.ts";

async function startExecutive(dir: string) {
  return await spawnCli(
    ["executive", "-bind", "127.0.0.1:0", "-ctldb", `sqlite:${dir}/ctldb.db`],
    { waitFor: "executive listening" },
  );
}

Deno.test("one SIGTERM drains the service and exits 0", async () => {
  await using dir = await tempDir();
  await using cli = await startExecutive(dir.path);
  cli.kill("SIGTERM");
  const status = await cli.status;
  assert.equal(status.code, 0, cli.stderr());
  assert.match(cli.stderr(), /executive stopped/);
});

Deno.test("a Ctrl-C delivered twice at once (deno task and its child) still stops cleanly", async () => {
  await using dir = await tempDir();
  await using cli = await startExecutive(dir.path);
  cli.kill("SIGINT");
  cli.kill("SIGINT");
  const status = await cli.status;
  assert.equal(status.code, 0, cli.stderr());
  assert.match(cli.stderr(), /executive stopped/);
});
