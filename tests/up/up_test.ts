import assert from "node:assert/strict";
// The package name, as in the README: deno.json's name and exports resolve it to lib/mod.ts.
import { Reader } from "@ctlstore/ctlstore";
import { spawnCli } from "../_helpers/process.ts";
import { tempDir } from "../_helpers/temp.ts";

const URLS = /executive\s+(http:\S+).*\n\s+sidecar\s+(http:\S+)/;

async function startUp(dataDir: string) {
  const cli = await spawnCli([
    "up",
    "-data-dir",
    dataDir,
    "-executive-bind",
    "127.0.0.1:0",
    "-sidecar-bind",
    "127.0.0.1:0",
    "-console-bind",
    "127.0.0.1:0",
    "-heartbeat-interval",
    "1h",
    "-poll-interval",
    "20ms",
  ], { waitFor: "Ctrl-C stops everything" });
  const [, executive, sidecar] = URLS.exec(cli.stdout())!;
  return { cli, executive: executive!, sidecar: sidecar! };
}

async function post(url: string, body: string, headers: Record<string, string> = {}) {
  const response = await fetch(url, { method: "POST", body, headers });
  return { status: response.status, text: await response.text() };
}

async function readRow(sidecar: string): Promise<{ status: number; text: string }> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const result = await post(`${sidecar}/get-row-by-key/demo/users`, '{"key":[{"value":1}]}');
    if (result.status !== 404) return result;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  return await post(`${sidecar}/get-row-by-key/demo/users`, '{"key":[{"value":1}]}');
}

Deno.test("ctlstore up runs the README walkthrough, stops on SIGTERM and keeps its data", async () => {
  await using dir = await tempDir();
  const dataDir = `${dir.path}/data`;
  {
    const { cli, executive, sidecar } = await startUp(dataDir);
    await using _ = cli;
    assert.equal((await post(`${executive}/families/demo`, "")).status, 200);
    const table = await post(
      `${executive}/families/demo/tables/users`,
      '{"fields":[["id","integer"],["name","string"],["avatar","bytestring"]],"keyFields":["id"]}',
    );
    assert.equal(table.status, 200, table.text);
    assert.equal((await post(`${executive}/writers/demo-writer`, "demo-secret")).status, 200);
    const write = await post(
      `${executive}/families/demo/mutations`,
      '{"mutations":[{"table":"users","values":{"id":1,"name":"ada","avatar":"3q2+7w=="}}]}',
      { "ctlstore-writer": "demo-writer", "ctlstore-secret": "demo-secret" },
    );
    assert.equal(write.status, 200, write.text);
    assert.match(write.text, /^\{"seq":\d+\}$/);
    const row = await readRow(sidecar);
    assert.equal(row.text, '{"avatar":"3q2+7w==","id":1,"name":"ada"}\n');
    const banner = /(http:\S+)\s+\((?:reads|writes);\s+([^)]+)\)/g;
    const advertised = [...cli.stdout().matchAll(banner)].flatMap(([, url, paths]) =>
      paths!.split(", ").map((path) => url + path)
    );
    assert.equal(advertised.length, 4, cli.stdout());
    for (const url of advertised) {
      const response = await fetch(url);
      await response.body?.cancel();
      assert.equal(response.status, 200, `the banner's ${url}`);
    }
    const operatorConsole = /console\s+(http:\S+)/.exec(cli.stdout())?.[1];
    assert.ok(operatorConsole, cli.stdout());
    const consolePage = await fetch(`${operatorConsole}/families/demo/tables/users`);
    assert.equal(consolePage.status, 200);
    assert.match(await consolePage.text(), /<h1>demo\.users<\/h1>/);

    const reader = Reader.open(`${dataDir}/ldb.db`);
    try {
      const user = reader.getRowByKey("demo", "users", 1);
      assert.deepEqual(user, {
        id: 1,
        name: "ada",
        avatar: new Uint8Array([0xde, 0xad, 0xbe, 0xef]),
      });
    } finally {
      reader.close();
    }

    cli.kill("SIGTERM");
    assert.equal((await cli.status).code, 0, cli.stderr());
  }
  {
    const { cli, sidecar } = await startUp(dataDir);
    await using _ = cli;
    const row = await readRow(sidecar);
    assert.equal(row.text, '{"avatar":"3q2+7w==","id":1,"name":"ada"}\n');
    cli.kill("SIGTERM");
    assert.equal((await cli.status).code, 0, cli.stderr());
  }
});

Deno.test("ctlstore up with a heartbeat interval that is not positive exits 1 naming the flag, creating nothing", async () => {
  await using dir = await tempDir();
  await using cli = await spawnCli([
    "up",
    "-data-dir",
    `${dir.path}/data`,
    "-heartbeat-interval",
    "-1s",
  ]);
  const status = await cli.status;
  assert.equal(status.code, 1);
  assert.equal(
    cli.stderr(),
    "ctlstore up: invalid value passed to -heartbeat-interval: '-1s' (must be positive) " +
      "(see ctlstore up --help)\n",
  );
  assert.deepEqual(await Array.fromAsync(Deno.readDir(dir.path)), []);
});
