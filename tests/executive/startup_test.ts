import assert from "node:assert/strict";
import { openCtldb } from "../../lib/ctldb/mod.ts";
import { startExecutive } from "../../lib/executive/mod.ts";
import { freePort, spawnCli } from "../_helpers/process.ts";
import { tempDir } from "../_helpers/temp.ts";

/** Runs the executive to its exit; returns the exit code and its stderr lines. */
async function runExecutive(bind: string, ctldb: string) {
  await using cli = await spawnCli(["executive", "-bind", bind, "-ctldb", ctldb]);
  const status = await cli.status;
  return { code: status.code, lines: cli.stderr().trim().split("\n") };
}

async function entries(path: string): Promise<string[]> {
  return (await Array.fromAsync(Deno.readDir(path))).map((entry) => entry.name);
}

Deno.test("an executive on a SQLite ctldb in a missing directory exits 1 with one line and creates nothing", async () => {
  await using dir = await tempDir();
  const { code, lines } = await runExecutive(
    `127.0.0.1:${freePort()}`,
    `sqlite:${dir.path}/nonexistent/dir/ctldb.db`,
  );
  assert.equal(code, 1);
  assert.deepEqual(lines, [
    `error: the directory of SQLite ctldb ${dir.path}/nonexistent/dir/ctldb.db does not exist ` +
    `(create ${dir.path}/nonexistent/dir first)`,
  ]);
  assert.deepEqual(await entries(dir.path), []);
});

Deno.test("a malformed -bind is rejected before the SQLite ctldb is created", async () => {
  await using dir = await tempDir();
  const { code, lines } = await runExecutive("localhost", `sqlite:${dir.path}/ctldb.db`);
  assert.equal(code, 1);
  assert.deepEqual(lines, ["error: invalid listen address 'localhost': expected host:port"]);
  assert.deepEqual(await entries(dir.path), []);
});

Deno.test("a -bind whose port is taken creates no SQLite ctldb", async () => {
  await using dir = await tempDir();
  using listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { code, lines } = await runExecutive(
    `127.0.0.1:${listener.addr.port}`,
    `sqlite:${dir.path}/ctldb.db`,
  );
  assert.equal(code, 1);
  assert.equal(lines.length, 1, lines.join("\n"));
  assert.match(lines[0]!, /^error: listen on 127\.0\.0\.1:\d+: /);
  assert.deepEqual(await entries(dir.path), []);
});

Deno.test("an executive creates a new SQLite ctldb as a file in an existing directory", async () => {
  await using dir = await tempDir();
  const port = freePort();
  await using cli = await spawnCli(
    ["executive", "-bind", `127.0.0.1:${port}`, "-ctldb", `sqlite:${dir.path}/ctldb.db`],
    { waitFor: "executive listening", port },
  );
  const health = await fetch(`http://127.0.0.1:${port}/healthz`);
  assert.equal(health.status, 200);
  await health.body?.cancel();
  assert.ok((await Deno.stat(`${dir.path}/ctldb.db`)).isFile);
  cli.kill("SIGTERM");
  assert.equal((await cli.status).code, 0, cli.stderr());
});

Deno.test("an executive creates the schema in an existing empty SQLite file", async () => {
  await using dir = await tempDir();
  const path = `${dir.path}/ctldb.db`;
  await Deno.writeFile(path, new Uint8Array());
  const executive = await startExecutive({ bind: "127.0.0.1:0", ctldb: `sqlite:${path}` });
  try {
    const reply = await fetch(`http://127.0.0.1:${executive.address!.port}/families/fresh`, {
      method: "POST",
    });
    assert.equal(reply.status, 200, await reply.text());
  } finally {
    await executive.stop();
  }
  const ctldb = await openCtldb(`sqlite:${path}`);
  try {
    assert.deepEqual(await ctldb.query("SELECT name FROM families"), [{ name: "fresh" }]);
  } finally {
    await ctldb.close();
  }
});
