import assert from "node:assert/strict";
import { freePort, spawnCli } from "../_helpers/process.ts";
import { demoLdb } from "./_fixture.ts";

Deno.test("ctlstore console --help lists its flags with their defaults", async () => {
  await using cli = await spawnCli(["console", "--help"]);
  assert.equal((await cli.status).code, 0);
  const help = cli.stdout();
  assert.match(help, /^Usage: ctlstore console \[flags\]/);
  for (const flag of ["bind", "executive-url", "ldb-path", "targets", "admin-token"]) {
    assert.match(help, new RegExp(`\\n  -${flag} `), flag);
  }
  assert.match(help, /listen address \(default 127\.0\.0\.1:1332\)/);
});

Deno.test("ctlstore console with a poll interval that is not positive exits 1 naming the flag", async () => {
  await using cli = await spawnCli(["console", "-bind", "127.0.0.1:0", "-poll-interval", "0s"]);
  assert.equal((await cli.status).code, 1);
  assert.equal(
    cli.stderr(),
    "ctlstore console: invalid value passed to -poll-interval: '0s' (must be positive) " +
      "(see ctlstore console --help)\n",
  );
});

Deno.test("ctlstore console serves pages and stops on SIGTERM with exit code 0", async () => {
  using ldb = demoLdb();
  const port = freePort();
  await using cli = await spawnCli(
    ["console", "-bind", `127.0.0.1:${port}`, "-ldb-path", ldb.path],
    { port },
  );
  const response = await fetch(`http://127.0.0.1:${port}/families/demo`);
  assert.equal(response.status, 200);
  assert.match(await response.text(), /<h1>demo<\/h1>/);
  cli.kill("SIGTERM");
  assert.equal((await cli.status).code, 0, cli.stderr());
  assert.match(cli.stderr(), /console stopped/);
});
