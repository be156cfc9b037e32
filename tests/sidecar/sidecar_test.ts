import assert from "node:assert/strict";
import { LdbTestUtil } from "../../lib/reader/mod.ts";
import { createLogger } from "../../lib/log/mod.ts";
import { startSidecar } from "../../lib/sidecar/mod.ts";
import { freePort, spawnCli } from "../_helpers/process.ts";
import { populatedLdb, testSidecar } from "./_fixture.ts";

Deno.test("a client that stops reading a large response does not hold the sidecar's stop", async () => {
  using ldb = LdbTestUtil.create();
  const note = "n".repeat(10_000);
  ldb.createTable({
    family: "fam",
    name: "notes",
    fields: [["id", "integer"], ["note", "text"]],
    keyFields: ["id"],
    rows: Array.from({ length: 1000 }, (_, i) => [i, note]),
  });
  const lines: string[] = [];
  const sidecar = await startSidecar({
    bindAddr: "127.0.0.1:0",
    ldbPath: ldb.path,
    shutdownTimeoutMs: 100,
    logger: createLogger("sidecar", { write: (line) => lines.push(line) }),
  });
  const connection = await Deno.connect({ hostname: "127.0.0.1", port: sidecar.address.port });
  try {
    const request = "POST /get-rows-by-key-prefix/fam/notes HTTP/1.1\r\nHost: x\r\n" +
      "Content-Length: 2\r\n\r\n{}";
    await connection.write(new TextEncoder().encode(request));
    const buffer = new Uint8Array(64 * 1024);
    const first = await connection.read(buffer);
    assert.match(new TextDecoder().decode(buffer.subarray(0, first ?? 0)), /^HTTP\/1\.1 200 /);
    // The client reads nothing more, so most of the 10 MB response cannot be written.
    await sidecar.stop();
    await sidecar.finished;
    assert.ok(lines.some((line) => line.includes("stopped waiting for clients")), lines.join("\n"));
    assert.ok(lines.some((line) => line.includes("sidecar stopped")), lines.join("\n"));
  } finally {
    connection.close();
  }
});

Deno.test("/metrics counts requests by route and status, and rows returned, never by user agent", async () => {
  using ldb = populatedLdb();
  await using sidecar = await testSidecar(ldb.path, { application: "billing" });
  await (await fetch(`${sidecar.url}/get-row-by-key/fam/users`, {
    method: "POST",
    body: '{"Key":[{"Value":1}]}',
    headers: { "user-agent": "test-agent/1" },
  })).text();
  await (await sidecar.post("/get-rows-by-key-prefix/fam/members", {})).text();
  await (await sidecar.get("/nope")).text();
  const metrics = await (await sidecar.get("/metrics")).text();
  const expected = [
    /^ctlstore_sidecar_requests_total\{route="\/get-row-by-key\/:family\/:table",status="200",[^}]*application="billing"[^}]*\} 1$/m,
    /^ctlstore_sidecar_requests_total\{route="unmatched",status="404"[^}]*\} 1$/m,
    /^ctlstore_sidecar_rows_returned_total\{route="\/get-rows-by-key-prefix\/:family\/:table"[^}]*\} 4$/m,
    /^ctlstore_sidecar_get_rows_by_key_prefix_rows_count\{[^}]*family="fam",table="members"[^}]*\} 1$/m,
    /^ctlstore_sidecar_request_duration_seconds_count\{[^}]*route="\/get-row-by-key\/:family\/:table"[^}]*\} 1$/m,
  ];
  for (const pattern of expected) assert.match(metrics, pattern);
  assert.doesNotMatch(metrics, /test-agent/);
});

Deno.test("ctlstore sidecar serves reads and exits 0 promptly on SIGTERM", async () => {
  using ldb = populatedLdb();
  const port = freePort();
  await using cli = await spawnCli(
    ["sidecar", "-bind-addr", `127.0.0.1:${port}`, "-max-rows", "10", "-dogstatsd.address", "x:1"],
    { env: { CTLSTORE_LDB_PATH: ldb.path }, port },
  );
  const response = await fetch(`http://127.0.0.1:${port}/get-row-by-key/fam/users`, {
    method: "POST",
    body: '{"Key":[{"Value":9007199254740993}]}',
  });
  assert.equal(
    await response.text(),
    '{"data":null,"id":9007199254740993,"name":"big","score":null}\n',
  );
  cli.kill("SIGTERM");
  const status = await cli.status;
  assert.equal(status.code, 0, cli.stderr());
});

Deno.test("ctlstore sidecar reads $CTLSTORE_PATH/ldb.db when -ldb-path is empty", async () => {
  using ldb = populatedLdb();
  const port = freePort();
  await using cli = await spawnCli(["sidecar", "-bind-addr", `127.0.0.1:${port}`], {
    env: { CTLSTORE_PATH: ldb.dir, CTLSTORE_LDB_PATH: "" },
    port,
  });
  const response = await fetch(`http://127.0.0.1:${port}/ping`);
  assert.equal(response.status, 200);
  await response.body?.cancel();
  cli.kill("SIGTERM");
  assert.equal((await cli.status).code, 0);
});
