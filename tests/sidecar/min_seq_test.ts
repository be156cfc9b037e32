import assert from "node:assert/strict";
import { startSidecar } from "../../lib/sidecar/mod.ts";
import { freePort, spawnCli } from "../_helpers/process.ts";
import { openEventStream } from "./_sse.ts";
import { testSidecar, usersHistoryLdb } from "./_fixture.ts";

const KEY_1 = { Key: [{ Value: 1 }] };

Deno.test("X-Ctlstore-Min-Seq holds a read until the write arrives, then answers it", async () => {
  using ldb = usersHistoryLdb();
  await using sidecar = await testSidecar(ldb.path, { minSeqTimeoutMs: 30_000 });
  const next = ldb.seq + 1;
  const response = fetch(`${sidecar.url}/get-row-by-key/fam/users`, {
    method: "POST",
    body: JSON.stringify(KEY_1),
    headers: { "x-ctlstore-min-seq": String(next) },
  });
  const timer = setTimeout(() => ldb.put(1, "ada"), 200);
  try {
    const answer = await response;
    assert.equal(await answer.text(), '{"id":1,"name":"ada"}\n');
    assert.equal(answer.status, 200);
    assert.equal(answer.headers.get("x-ctlstore-seq"), String(next));
  } finally {
    clearTimeout(timer);
  }
});

Deno.test("X-Ctlstore-Min-Seq answers at once when the seq is already applied", async () => {
  using ldb = usersHistoryLdb();
  ldb.put(1, "ada");
  await using sidecar = await testSidecar(ldb.path, { minSeqTimeoutMs: 0 });
  const response = await fetch(`${sidecar.url}/get-row-by-key/fam/users`, {
    method: "POST",
    body: JSON.stringify(KEY_1),
    headers: { "x-ctlstore-min-seq": String(ldb.seq) },
  });
  assert.equal(await response.text(), '{"id":1,"name":"ada"}\n');
  assert.equal(response.headers.get("x-ctlstore-seq"), String(ldb.seq));
});

Deno.test("X-Ctlstore-Min-Seq answers 504 with the applied seq when the write does not arrive", async () => {
  using ldb = usersHistoryLdb();
  await using sidecar = await testSidecar(ldb.path, { minSeqTimeoutMs: 100 });
  const want = ldb.seq + 5;
  const requests: [string, RequestInit][] = [
    ["/get-row-by-key/fam/users", { method: "POST", body: JSON.stringify(KEY_1) }],
    ["/get-rows-by-key-prefix/fam/users", { method: "POST", body: "{}" }],
    ["/get-ledger-latency", {}],
    ["/changes?after=0", {}],
    ["/watch", {}],
  ];
  for (const [path, init] of requests) {
    const response = await fetch(sidecar.url + path, {
      ...init,
      headers: { "x-ctlstore-min-seq": String(want) },
    });
    assert.equal(response.status, 504, path);
    assert.equal(
      await response.text(),
      `X-Ctlstore-Min-Seq ${want} was not applied within 100ms: the LDB is at seq ${ldb.seq}\n`,
      path,
    );
    assert.equal(response.headers.get("x-ctlstore-seq"), String(ldb.seq), path);
  }
});

Deno.test("an invalid X-Ctlstore-Min-Seq answers 400 with the reason on every read route", async () => {
  using ldb = usersHistoryLdb();
  await using sidecar = await testSidecar(ldb.path);
  for (const value of ["abc", "-1", "1.5", "1e3", "99999999999999999999"]) {
    for (const path of ["/get-ledger-latency", "/changes?after=0", "/watch"]) {
      const response = await sidecar.get(path, { "x-ctlstore-min-seq": value });
      assert.equal(response.status, 400, `${path} ${value}`);
      assert.equal(
        await response.text(),
        `invalid X-Ctlstore-Min-Seq header "${value}": must be a non-negative integer\n`,
      );
    }
  }
});

Deno.test("/changes and /watch wait for X-Ctlstore-Min-Seq before reading", async () => {
  using ldb = usersHistoryLdb();
  const start = ldb.seq;
  await using sidecar = await testSidecar(ldb.path, {
    minSeqTimeoutMs: 30_000,
    watchHeartbeatMs: 60_000,
  });
  const headers = { "x-ctlstore-min-seq": String(start + 1) };
  const page = sidecar.get(`/changes?after=${start}`, headers);
  const stream = openEventStream(`${sidecar.url}/watch`, headers);
  const timer = setTimeout(() => ldb.put(1, "ada"), 200);
  try {
    const body = await (await page).json() as { changes: unknown[]; lastSeq: number };
    assert.equal(body.changes.length, 1);
    assert.equal(body.lastSeq, start + 1);
    await using events = await stream;
    assert.equal(events.response.headers.get("x-ctlstore-seq"), String(start + 1));
    assert.deepEqual(await events.next(), {
      id: String(start + 1),
      event: "heartbeat",
      data: `{"lastSeq":${start + 1}}`,
    }, "the stream starts at the seq waited for");
  } finally {
    clearTimeout(timer);
  }
});

Deno.test("every read answer carries X-Ctlstore-Seq, errors and misses included", async () => {
  using ldb = usersHistoryLdb();
  ldb.put(1, "ada");
  ldb.put(2, "bob");
  await using sidecar = await testSidecar(ldb.path, { maxRows: 1 });
  const cases: [string, RequestInit, number][] = [
    ["/get-row-by-key/fam/users", { method: "POST", body: JSON.stringify(KEY_1) }, 200],
    ["/get-row-by-key/fam/users", { method: "POST", body: '{"Key":[{"Value":9}]}' }, 404],
    ["/get-row-by-key/fam/users", { method: "POST", body: "{" }, 400],
    ["/get-row-by-key/fam/nothing", { method: "POST", body: JSON.stringify(KEY_1) }, 404],
    ["/get-rows-by-key-prefix/fam/users", { method: "POST", body: "{}" }, 416],
    ["/get-rows-by-key-prefix/fam/users", { method: "POST", body: JSON.stringify(KEY_1) }, 200],
    ["/get-ledger-latency", {}, 200],
    ["/changes?after=0", {}, 200],
    ["/changes?after=x", {}, 400],
  ];
  for (const [path, init, status] of cases) {
    const response = await fetch(sidecar.url + path, init);
    await response.body?.cancel();
    assert.equal(response.status, status, `${path} ${init.body}`);
    assert.equal(response.headers.get("x-ctlstore-seq"), String(ldb.seq), `${path} ${init.body}`);
  }
  await using stream = await openEventStream(`${sidecar.url}/watch`);
  assert.equal(stream.response.headers.get("x-ctlstore-seq"), String(ldb.seq));
});

Deno.test("a read whose client disconnects while it is held ends on the sidecar", async () => {
  using ldb = usersHistoryLdb();
  await using sidecar = await testSidecar(ldb.path, {
    minSeqTimeoutMs: 60_000,
    changesMaxWaitMs: 60_000,
  });
  const gone = new AbortController();
  const requests = [
    fetch(`${sidecar.url}/changes?after=${ldb.seq}&wait=60s`, { signal: gone.signal }),
    fetch(`${sidecar.url}/get-ledger-latency`, {
      headers: { "x-ctlstore-min-seq": String(ldb.seq + 1) },
      signal: gone.signal,
    }),
  ].map((request) => request.catch((error: Error) => error.name));
  await new Promise((resolve) => setTimeout(resolve, 300));
  gone.abort();
  assert.deepEqual(await Promise.all(requests), ["AbortError", "AbortError"]);
  // The sidecar counts both as ended by the client (499), long before their waits end.
  let ended: string[] = [];
  for (let attempt = 0; attempt < 100 && ended.length < 2; attempt++) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    const metrics = await (await sidecar.get("/metrics")).text();
    ended = ["/changes", "/get-ledger-latency"].filter((route) =>
      metrics.includes(`ctlstore_sidecar_requests_total{route="${route}",status="499"`)
    );
  }
  assert.deepEqual(ended, ["/changes", "/get-ledger-latency"]);
});

Deno.test("ctlstore sidecar takes -min-seq-timeout, -changes-max-wait and -watch-heartbeat", async () => {
  using ldb = usersHistoryLdb();
  const port = freePort();
  await using cli = await spawnCli([
    "sidecar",
    "-bind-addr",
    `127.0.0.1:${port}`,
    "-ldb-path",
    ldb.path,
    "-min-seq-timeout",
    "150ms",
    "-changes-max-wait",
    "100ms",
    "-watch-heartbeat=50ms",
  ], { port });
  const url = `http://127.0.0.1:${port}`;
  const late = await fetch(`${url}/get-ledger-latency`, {
    headers: { "x-ctlstore-min-seq": String(ldb.seq + 1) },
  });
  assert.equal(late.status, 504);
  assert.match(await late.text(), /not applied within 150ms/);
  const polled = await fetch(`${url}/changes?after=${ldb.seq}&wait=1h`);
  assert.deepEqual(await polled.json(), { changes: [], lastSeq: ldb.seq });
  await using stream = await openEventStream(`${url}/watch`);
  const beats = await stream.until((() => {
    let count = 0;
    return (event) => event.event === "heartbeat" && ++count === 3;
  })());
  assert.equal(beats.length, 3);
  cli.kill("SIGTERM");
  assert.equal((await cli.status).code, 0, cli.stderr());
});

Deno.test("invalid durations are refused at start", async () => {
  using ldb = usersHistoryLdb();
  const cases: [Record<string, number>, RegExp][] = [
    [{ watchHeartbeatMs: 0 }, /^watch heartbeat must be a positive duration, got 0 ms$/],
    [{ minSeqTimeoutMs: -1 }, /^min seq timeout must be a non-negative duration/],
    [{ changesMaxWaitMs: NaN }, /^changes max wait must be a non-negative duration/],
  ];
  for (const [config, message] of cases) {
    await assert.rejects(
      startSidecar({ bindAddr: "127.0.0.1:0", ldbPath: ldb.path, ...config }),
      (error: Error) => error instanceof RangeError && message.test(error.message),
    );
  }
  await using cli = await spawnCli([
    "sidecar",
    "-bind-addr",
    "127.0.0.1:0",
    "-ldb-path",
    ldb.path,
    "-watch-heartbeat",
    "0s",
  ]);
  assert.equal((await cli.status).code, 1);
  assert.equal(cli.stderr(), "error: watch heartbeat must be a positive duration, got 0 ms\n");
});
