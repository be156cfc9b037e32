import assert from "node:assert/strict";
import { createLogger } from "../../lib/log/mod.ts";
import { deleteRowSql } from "../../lib/schema/mod.ts";
import { startSidecar } from "../../lib/sidecar/mod.ts";
import { freePort } from "../_helpers/process.ts";
import { openEventStream, type SseEvent } from "./_sse.ts";
import { testSidecar, usersHistoryLdb } from "./_fixture.ts";

interface ChangeJson {
  seq: number;
  table: string;
  op: string;
  key: { id?: number };
}

const isHeartbeatAt = (seq: number) => (event: SseEvent) =>
  event.event === "heartbeat" && event.data === `{"lastSeq":${seq}}`;

function changes(events: SseEvent[]): ChangeJson[] {
  return events.filter((e) => e.event === "change").map((e) => JSON.parse(e.data) as ChangeJson);
}

Deno.test("/watch streams the retained changes, a heartbeat, then changes as they are applied", async () => {
  using ldb = usersHistoryLdb();
  const start = ldb.seq;
  const a = ldb.put(1, "ada");
  await using sidecar = await testSidecar(ldb.path, { watchHeartbeatMs: 60_000 });
  await using stream = await openEventStream(`${sidecar.url}/watch?after=${start}`);
  assert.equal(stream.response.status, 200);
  assert.equal(stream.response.headers.get("content-type"), "text/event-stream");
  assert.equal(stream.response.headers.get("cache-control"), "no-cache");
  assert.equal(stream.response.headers.get("x-accel-buffering"), "no");
  assert.equal(stream.response.headers.get("x-ctlstore-seq"), String(a));
  const opening = await stream.until(isHeartbeatAt(a));
  assert.deepEqual(opening, [
    { id: String(a), event: "change", data: opening[0]!.data },
    { id: String(a), event: "heartbeat", data: `{"lastSeq":${a}}` },
  ]);
  assert.deepEqual(changes(opening).map((c) => [c.seq, c.op, c.key]), [[a, "upsert", { id: 1 }]]);
  const b = ldb.put(2, "bob");
  const c = ldb.apply(deleteRowSql("fam___users", ["id"], [1]));
  const later = await stream.until((e) => e.id === String(c));
  assert.deepEqual(changes(later).map((x) => [x.seq, x.op, x.key.id]), [
    [b, "upsert", 2],
    [c, "delete", 1],
  ]);
  assert.deepEqual(later.map((e) => e.id), [String(b), String(c)]);
});

Deno.test("/watch without after starts at the applied seq and honours the filters", async () => {
  using ldb = usersHistoryLdb();
  ldb.put(1, "old");
  await using sidecar = await testSidecar(ldb.path, { watchHeartbeatMs: 60_000 });
  await using stream = await openEventStream(`${sidecar.url}/watch?family=fam&table=teams`);
  const now = ldb.seq;
  assert.deepEqual(await stream.next(), {
    id: String(now),
    event: "heartbeat",
    data: `{"lastSeq":${now}}`,
  });
  ldb.put(2, "skipped");
  ldb.put(3, "skipped", "other", "users");
  const team = ldb.put(4, "team", "fam", "teams");
  const event = await stream.next();
  assert.equal(event?.event, "change");
  assert.deepEqual(changes([event!]).map((c) => [c.seq, c.table, c.key.id]), [[team, "teams", 4]]);
});

Deno.test("/watch sends heartbeats with the advancing position when nothing matches", async () => {
  using ldb = usersHistoryLdb();
  await using sidecar = await testSidecar(ldb.path, { watchHeartbeatMs: 50 });
  await using stream = await openEventStream(`${sidecar.url}/watch?table=teams`);
  await stream.until(isHeartbeatAt(ldb.seq));
  const skipped = ldb.put(1, "not a team");
  const events = await stream.until(isHeartbeatAt(skipped));
  assert.ok(events.every((e) => e.event === "heartbeat"), JSON.stringify(events));
  assert.equal(stream.lastEventId, String(skipped));
});

Deno.test("/watch resumes after Last-Event-ID across a sidecar restart with no loss and no repeat", async () => {
  using ldb = usersHistoryLdb();
  const start = ldb.seq;
  ldb.put(1, "a");
  ldb.put(2, "b");
  const port = freePort();
  const config = { bindAddr: `127.0.0.1:${port}`, ldbPath: ldb.path, watchHeartbeatMs: 50 };
  const url = `http://127.0.0.1:${port}/watch?after=${start}&family=fam`;
  const seen: ChangeJson[] = [];
  let lastEventId: string;
  {
    await using first = await startSidecar(config);
    await using stream = await openEventStream(url);
    seen.push(...changes(await stream.until(isHeartbeatAt(ldb.seq))));
    // More changes while connected; the client goes away after the first of them, in the
    // middle of what was sent, and the sidecar stops.
    ldb.apply(`REPLACE INTO fam___users ("id","name") VALUES(3,'c')`, [
      `REPLACE INTO fam___users ("id","name") VALUES(4,'d')`,
      `REPLACE INTO fam___teams ("id","name") VALUES(5,'e')`,
    ]);
    seen.push(...changes(await stream.until((e) => e.event === "change")));
    lastEventId = stream.lastEventId;
    await first.stop();
  }
  // Changes while no sidecar runs.
  ldb.put(6, "f");
  ldb.put(7, "g", "other", "users");
  ldb.put(8, "h", "fam", "teams");
  await using second = await startSidecar(config);
  await using resumed = await openEventStream(url, { "last-event-id": lastEventId });
  assert.equal(resumed.response.status, 200);
  seen.push(...changes(await resumed.until(isHeartbeatAt(ldb.seq))));
  await second.stop();
  assert.deepEqual(seen.map((c) => c.key.id), [1, 2, 3, 4, 5, 6, 8]);
  assert.deepEqual(
    seen.map((c) => c.seq),
    [...new Set(seen.map((c) => c.seq))].sort((x, y) => x - y),
  );
});

Deno.test("Last-Event-ID wins over after", async () => {
  using ldb = usersHistoryLdb();
  const start = ldb.seq;
  ldb.put(1, "a");
  const b = ldb.put(2, "b");
  await using sidecar = await testSidecar(ldb.path, { watchHeartbeatMs: 60_000 });
  await using stream = await openEventStream(`${sidecar.url}/watch?after=${start}`, {
    "last-event-id": String(b - 1),
  });
  const events = await stream.until(isHeartbeatAt(b));
  assert.deepEqual(changes(events).map((c) => c.key.id), [2]);
});

Deno.test("/watch answers 410 before the stream, and a gone event when the history outruns it", async () => {
  using ldb = usersHistoryLdb(5);
  for (let i = 0; i < 30; i++) ldb.put(i, `u${i}`);
  await using sidecar = await testSidecar(ldb.path, { watchHeartbeatMs: 60_000 });
  const refused = await sidecar.get("/watch?after=0");
  assert.equal(refused.status, 410);
  const body = await refused.json() as { error: string; oldestSeq: number };
  assert.ok(body.oldestSeq > 0, JSON.stringify(body));

  await using stream = await openEventStream(`${sidecar.url}/watch`);
  await stream.until(isHeartbeatAt(ldb.seq));
  // One commit of many changes: pruning moves past the stream's position before it reads.
  const statements = Array.from(
    { length: 40 },
    (_, i) => `REPLACE INTO fam___users ("id","name") VALUES(${100 + i},'x')`,
  );
  ldb.apply(...statements);
  const rest = await stream.rest();
  assert.equal(rest.length, 1, JSON.stringify(rest));
  assert.equal(rest[0]!.event, "gone");
  const gone = JSON.parse(rest[0]!.data) as { error: string; oldestSeq: number };
  assert.deepEqual(Object.keys(gone), ["error", "oldestSeq"]);
  assert.match(gone.error, /no longer retained/);
});

Deno.test("Deno's EventSource reads the stream's change and heartbeat events", async () => {
  using ldb = usersHistoryLdb();
  const start = ldb.seq;
  const a = ldb.put(1, "ada");
  await using sidecar = await testSidecar(ldb.path, { watchHeartbeatMs: 60_000 });
  const source = new EventSource(`${sidecar.url}/watch?after=${start}`);
  try {
    const received = await new Promise<string[]>((resolve, reject) => {
      const got: string[] = [];
      source.addEventListener("change", (e) => got.push(`change ${e.lastEventId}`));
      source.addEventListener("heartbeat", (e) => resolve([...got, `heartbeat ${e.data}`]));
      source.onerror = () => reject(new Error("EventSource failed"));
    });
    assert.deepEqual(received, [`change ${a}`, `heartbeat {"lastSeq":${a}}`]);
  } finally {
    source.close();
  }
});

Deno.test("stop ends open /watch streams, held long-polls and min-seq waits at once", async () => {
  using ldb = usersHistoryLdb();
  ldb.put(1, "ada");
  const lines: string[] = [];
  const sidecar = await startSidecar({
    bindAddr: "127.0.0.1:0",
    ldbPath: ldb.path,
    minSeqTimeoutMs: 60_000,
    changesMaxWaitMs: 60_000,
    shutdownTimeoutMs: 30_000,
    logger: createLogger("sidecar", { write: (line) => lines.push(line) }),
  });
  try {
    const url = `http://127.0.0.1:${sidecar.address.port}`;
    await using stream = await openEventStream(`${url}/watch`);
    await stream.next();
    const longPoll = fetch(`${url}/changes?after=${ldb.seq}&wait=60s`);
    const minSeq = fetch(`${url}/get-ledger-latency`, {
      headers: { "x-ctlstore-min-seq": String(ldb.seq + 100) },
    });
    // Both requests are held once the stream's own wait has started; give them a moment.
    await new Promise((resolve) => setTimeout(resolve, 200));
    await sidecar.stop();
    assert.deepEqual(await stream.rest(), [], "the stream ended");
    const polled = await longPoll;
    assert.equal(polled.status, 200);
    assert.deepEqual(await polled.json(), { changes: [], lastSeq: ldb.seq });
    const waited = await minSeq;
    assert.equal(waited.status, 503);
    assert.equal(await waited.text(), "the sidecar is shutting down\n");
    assert.ok(!lines.some((line) => line.includes("stopped waiting")), lines.join("\n"));
  } finally {
    await sidecar.stop();
  }
});
