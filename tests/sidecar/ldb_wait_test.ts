import assert from "node:assert/strict";
import { createLogger } from "../../lib/log/mod.ts";
import { startSidecar } from "../../lib/sidecar/mod.ts";
import { damageLdbPage, writeBigLdb } from "../_helpers/damaged_ldb.ts";
import { freePort, spawnCli } from "../_helpers/process.ts";
import { tempDir } from "../_helpers/temp.ts";
import { MYTABLE_STATEMENTS, writeLdb } from "../reader/_fixture.ts";

const ROW_OF_ID_1 = '{"data":"3q2+7w==","id":1,"name":"one"}\n';

/** Writes a whole LDB beside `path`, then renames it into place, as a bootstrap does. */
async function placeLdb(path: string, write: (path: string) => void): Promise<void> {
  const building = `${path}.building`;
  write(building);
  await Deno.rename(building, path);
}

/** GET and POST of one sidecar, each answering `[status, body]`. */
function client(base: string) {
  const answer = async (response: Promise<Response>) => {
    const done = await response;
    return [done.status, await done.text()] as const;
  };
  return {
    get: (path: string) => answer(fetch(base + path)),
    readRow: () =>
      answer(fetch(`${base}/get-row-by-key/myfamily/mytable`, {
        method: "POST",
        body: '{"Key":[{"Value":1}]}',
      })),
  };
}

/** Asks `/healthz` until it answers 200 (the sidecar noticed the LDB), at most 20 s. */
async function untilServing(get: (path: string) => Promise<readonly [number, string]>) {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const [status, body] = await get("/healthz");
    if (status === 200) return body;
    if (Date.now() > deadline) assert.fail(`still ${status} ${body}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

Deno.test("a sidecar started before its LDB exists answers 503 until the LDB appears, then serves it", async () => {
  await using dir = await tempDir();
  const path = `${dir.path}/ldb.db`;
  const lines: string[] = [];
  await using sidecar = await startSidecar({
    bindAddr: "127.0.0.1:0",
    ldbPath: path,
    ldbPollIntervalMs: 10,
    logger: createLogger("sidecar", { write: (line) => lines.push(line) }),
  });
  const { get, readRow } = client(`http://127.0.0.1:${sidecar.address.port}`);
  const waiting = `waiting for LDB ${path}\n`;
  assert.deepEqual(await get("/healthz"), [503, waiting]);
  assert.deepEqual(await get("/ping"), [503, waiting]);
  assert.deepEqual(await readRow(), [503, waiting]);
  assert.equal((await get("/metrics"))[0], 200);

  await placeLdb(
    path,
    (building) => writeLdb(building, { statements: MYTABLE_STATEMENTS, seq: 4 }),
  );
  assert.equal(await untilServing(get), "ok: LDB at seq 4\n");
  assert.deepEqual(await readRow(), [200, ROW_OF_ID_1]);
  assert.ok(lines.some((line) => line.includes("waiting for the LDB")), lines.join("\n"));
  assert.ok(lines.some((line) => line.includes("LDB found; serving it")), lines.join("\n"));
});

Deno.test("an LDB that appears damaged is never served: the waiting sidecar stops with the error", async () => {
  await using dir = await tempDir();
  const path = `${dir.path}/ldb.db`;
  const sidecar = await startSidecar({
    bindAddr: "127.0.0.1:0",
    ldbPath: path,
    ldbPollIntervalMs: 10,
  });
  try {
    await placeLdb(path, (building) => {
      writeBigLdb(building);
      damageLdbPage(building);
    });
    await assert.rejects(sidecar.finished, /is damaged.*not serving it/);
  } finally {
    await sidecar.stop();
  }
});

Deno.test("a sidecar stopped while waiting for its LDB stops and creates nothing", async () => {
  await using dir = await tempDir();
  const sidecar = await startSidecar({ bindAddr: "127.0.0.1:0", ldbPath: `${dir.path}/ldb.db` });
  await sidecar.stop();
  await sidecar.finished;
  assert.deepEqual(await Array.fromAsync(Deno.readDir(dir.path)), []);
});

Deno.test("a sidecar's settings are checked before it waits for its LDB", async () => {
  await using dir = await tempDir();
  await assert.rejects(
    startSidecar({ bindAddr: "127.0.0.1:0", ldbPath: `${dir.path}/ldb.db`, maxRows: -1 }),
    /max rows must be a non-negative integer/,
  );
});

Deno.test("ctlstore sidecar waits for a missing LDB, answering 503, then serves it", async () => {
  await using dir = await tempDir();
  const path = `${dir.path}/ldb.db`;
  const port = freePort();
  await using cli = await spawnCli(
    ["sidecar", "-bind-addr", `127.0.0.1:${port}`, "-ldb-path", path],
    { port },
  );
  const { get, readRow } = client(`http://127.0.0.1:${port}`);
  assert.deepEqual(await get("/healthz"), [503, `waiting for LDB ${path}\n`]);
  assert.deepEqual(await readRow(), [503, `waiting for LDB ${path}\n`]);

  await placeLdb(
    path,
    (building) => writeLdb(building, { statements: MYTABLE_STATEMENTS, seq: 4 }),
  );
  assert.equal(await untilServing(get), "ok: LDB at seq 4\n");
  assert.deepEqual(await readRow(), [200, ROW_OF_ID_1]);
  cli.kill("SIGTERM");
  assert.equal((await cli.status).code, 0, cli.stderr());
  assert.match(cli.stderr(), /waiting for the LDB; answering 503 until it exists/);
  assert.match(cli.stderr(), /LDB found; serving it/);
});

Deno.test("ctlstore sidecar exits 0 on SIGTERM while it waits for its LDB", async () => {
  await using dir = await tempDir();
  const path = `${dir.path}/ldb.db`;
  await using cli = await spawnCli(
    ["sidecar", "-bind-addr", "127.0.0.1:0", "-ldb-path", path],
    { waitFor: "waiting for the LDB" },
  );
  cli.kill("SIGTERM");
  assert.equal((await cli.status).code, 0, cli.stderr());
  assert.doesNotMatch(cli.stderr(), /error/);
  assert.deepEqual(await Array.fromAsync(Deno.readDir(dir.path)), []);
});
