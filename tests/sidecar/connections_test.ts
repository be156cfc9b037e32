import assert from "node:assert/strict";
import { testSidecar, usersHistoryLdb } from "./_fixture.ts";
import { openEventStream } from "./_sse.ts";

Deno.test("a /watch stream quieter than the idle timeout is not cut by it", async () => {
  using ldb = usersHistoryLdb();
  const seq = ldb.put(1, "ada");
  await using sidecar = await testSidecar(ldb.path, {
    idleTimeoutMs: 200,
    watchHeartbeatMs: 700,
  });
  await using stream = await openEventStream(`${sidecar.url}/watch?after=${seq}`);
  assert.equal(stream.response.status, 200);
  // Two heartbeats, each after a silence longer than the idle timeout, then a change.
  const heartbeats = await stream.until((event) => event.event === "heartbeat", 5000);
  const second = await stream.until((event) => event.event === "heartbeat", 5000);
  assert.equal(heartbeats.at(-1)?.data, `{"lastSeq":${seq}}`);
  assert.equal(second.at(-1)?.data, `{"lastSeq":${seq}}`);
  const next = ldb.put(2, "grace");
  const change = await stream.until((event) => event.event === "change", 5000);
  assert.equal(change.at(-1)?.id, String(next));
});

Deno.test("the sidecar answers 503 past -max-connections and reports its connections in /metrics", async () => {
  using ldb = usersHistoryLdb();
  await using sidecar = await testSidecar(ldb.path, { maxConnections: 2, idleTimeoutMs: 60_000 });
  const port = sidecar.sidecar.address.port;
  const held = await Promise.all([1, 2].map(() => Deno.connect({ hostname: "127.0.0.1", port })));
  try {
    const extra = await Deno.connect({ hostname: "127.0.0.1", port });
    try {
      await extra.write(new TextEncoder().encode("GET /ping HTTP/1.1\r\nHost: x\r\n\r\n"));
      const buffer = new Uint8Array(1024);
      const n = await extra.read(buffer);
      assert.match(new TextDecoder().decode(buffer.subarray(0, n ?? 0)), /^HTTP\/1\.1 503 /);
    } finally {
      extra.close();
    }
  } finally {
    for (const conn of held) conn.close();
  }
  let metrics = "";
  for (
    let i = 0;
    i < 100 && !/http_connections_refused_total\{[^}]*\} [1-9]\d*\n/.test(metrics);
    i++
  ) {
    const response = await sidecar.get("/metrics").catch(() => undefined);
    metrics = response?.status === 200 ? await response.text() : "";
    if (response && response.status !== 200) await response.body?.cancel();
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  assert.match(metrics, /ctlstore_sidecar_http_connections_refused_total\{[^}]*\} [1-9]\d*\n/);
  assert.match(metrics, /ctlstore_sidecar_http_connections\{[^}]*\} \d+\n/);
});
