import assert from "node:assert/strict";
import { Reader } from "../../lib/reader/mod.ts";
import { encodeChange } from "../../lib/sidecar/mod.ts";
import { deleteRowSql } from "../../lib/schema/mod.ts";
import { historyLdb } from "../_helpers/history_ldb.ts";
import { testSidecar, USER_FIELDS, usersHistoryLdb } from "./_fixture.ts";

interface ChangeJson {
  seq: number;
  family: string;
  table: string;
  op: string;
  key: Record<string, unknown>;
  tx: number;
  time: string;
}

interface PageJson {
  changes: ChangeJson[];
  lastSeq: number;
  more?: boolean;
}

async function page(response: Response): Promise<PageJson> {
  const text = await response.text();
  assert.equal(response.status, 200, text);
  assert.equal(response.headers.get("content-type"), "application/json");
  return JSON.parse(text) as PageJson;
}

Deno.test("/changes answers the entries after a seq in ledger order, as the reader reads them", async () => {
  using ldb = usersHistoryLdb();
  const first = ldb.put(1, "ada");
  ldb.put(2, "bob");
  ldb.apply(deleteRowSql("fam___users", ["id"], [1]));
  await using sidecar = await testSidecar(ldb.path);
  const response = await sidecar.get(`/changes?after=${first - 1}`);
  const text = await response.text();
  using reader = Reader.open(ldb.path);
  const expected = reader.getChanges({ after: first - 1 }).changes.map(encodeChange);
  assert.equal(text, `{"changes":[${expected.join(",")}],"lastSeq":${ldb.seq}}\n`);
  const body = JSON.parse(text) as PageJson;
  assert.deepEqual(
    body.changes.map((c) => [c.seq, c.family, c.table, c.op, c.key]),
    [
      [first, "fam", "users", "upsert", { id: 1 }],
      [first + 1, "fam", "users", "upsert", { id: 2 }],
      [first + 2, "fam", "users", "delete", { id: 1 }],
    ],
  );
  assert.equal(response.headers.get("x-ctlstore-seq"), String(ldb.seq));
});

Deno.test("/changes filters by family and table, and lastSeq advances when nothing matched", async () => {
  using ldb = usersHistoryLdb();
  const start = ldb.seq;
  const a = ldb.put(1, "ada");
  const b = ldb.put(2, "bob", "fam", "teams");
  const c = ldb.put(3, "cy", "other", "users");
  await using sidecar = await testSidecar(ldb.path);
  const seqs = async (query: string) =>
    (await page(await sidecar.get(`/changes?after=${start}&${query}`))).changes.map((x) => x.seq);
  assert.deepEqual(await seqs("family=fam"), [a, b]);
  assert.deepEqual(await seqs("table=users"), [a, c]);
  assert.deepEqual(await seqs("family=FAM&table=Teams"), [b]);
  assert.deepEqual(await seqs("family=other&table=teams"), []);
  const none = await page(await sidecar.get(`/changes?after=${start}&family=nothing`));
  assert.deepEqual(none, { changes: [], lastSeq: ldb.seq });
});

Deno.test("/changes cuts pages at limit without splitting a transaction, and says more", async () => {
  using ldb = usersHistoryLdb();
  const start = ldb.seq;
  const upsert = (id: number) => `REPLACE INTO fam___users ("id","name") VALUES(${id},'u${id}')`;
  ldb.apply(upsert(1), [upsert(2), upsert(3), upsert(4)], upsert(5));
  await using sidecar = await testSidecar(ldb.path);
  const one = await page(await sidecar.get(`/changes?after=${start}&limit=1`));
  assert.deepEqual(one.changes.map((c) => c.key.id), [1]);
  assert.equal(one.more, true);
  assert.equal(one.lastSeq, one.changes[0]!.seq);
  const two = await page(await sidecar.get(`/changes?after=${one.lastSeq}&limit=2`));
  assert.deepEqual(two.changes.map((c) => c.key.id), [2, 3, 4], "the transaction stays whole");
  assert.equal(new Set(two.changes.map((c) => c.tx)).size, 1);
  assert.equal(two.more, true);
  const rest = await page(await sidecar.get(`/changes?after=${two.lastSeq}&limit=2`));
  assert.deepEqual(rest.changes.map((c) => c.key.id), [5]);
  assert.equal(rest.lastSeq, ldb.seq);
  assert.equal("more" in rest, false);
});

Deno.test("/changes answers 410 with oldestSeq once the history has moved past after", async () => {
  using ldb = usersHistoryLdb(5);
  for (let i = 0; i < 30; i++) ldb.put(i, `u${i}`);
  await using sidecar = await testSidecar(ldb.path);
  const response = await sidecar.get("/changes?after=0");
  assert.equal(response.status, 410);
  assert.equal(response.headers.get("content-type"), "application/json");
  assert.equal(response.headers.get("x-ctlstore-seq"), String(ldb.seq));
  const body = await response.json() as { error: string; oldestSeq: number };
  assert.deepEqual(Object.keys(body), ["error", "oldestSeq"]);
  assert.match(body.error, /no longer retained/);
  assert.ok(body.oldestSeq > 0 && body.oldestSeq < ldb.seq, String(body.oldestSeq));
  const resumed = await page(await sidecar.get(`/changes?after=${body.oldestSeq}`));
  assert.equal(resumed.changes[0]!.seq, body.oldestSeq + 1);
  assert.equal(resumed.lastSeq, ldb.seq);
});

Deno.test("/changes and /watch answer 501 when the LDB has no change history", async () => {
  using ldb = historyLdb(0);
  ldb.createTable("fam", "users", USER_FIELDS, ["id"]);
  await using sidecar = await testSidecar(ldb.path);
  for (const path of ["/changes?after=0", "/watch"]) {
    const response = await sidecar.get(path);
    assert.equal(response.status, 501, path);
    assert.match(await response.text(), /this LDB has no change history/, path);
  }
});

Deno.test("/changes with wait is held until a matching change arrives", async () => {
  using ldb = usersHistoryLdb();
  const start = ldb.seq;
  await using sidecar = await testSidecar(ldb.path);
  const held = sidecar.get(`/changes?after=${start}&table=teams&wait=30s`);
  // A change the filter does not match first: the request stays held.
  const other = setTimeout(() => ldb.put(1, "ada"), 100);
  const matching = setTimeout(() => ldb.put(2, "team", "fam", "teams"), 300);
  try {
    const body = await page(await held);
    assert.deepEqual(body.changes.map((c) => [c.table, c.key.id]), [["teams", 2]]);
    assert.equal(body.lastSeq, ldb.seq);
  } finally {
    clearTimeout(other);
    clearTimeout(matching);
  }
});

Deno.test("/changes with wait and after above the applied seq waits for a newer seq", async () => {
  using ldb = usersHistoryLdb();
  ldb.put(1, "ada");
  const ahead = ldb.seq + 1;
  await using sidecar = await testSidecar(ldb.path);
  const held = sidecar.get(`/changes?after=${ahead}&wait=30s`);
  const timer = setTimeout(() => {
    ldb.put(2, "bob"); // seq = ahead: not newer than after
    ldb.put(3, "cy");
  }, 100);
  try {
    const body = await page(await held);
    assert.deepEqual(body.changes.map((c) => [c.seq, c.key.id]), [[ahead + 1, 3]]);
  } finally {
    clearTimeout(timer);
  }
});

Deno.test("/changes with wait answers an empty page when the wait ends without a change", async () => {
  using ldb = usersHistoryLdb();
  ldb.put(1, "ada");
  await using sidecar = await testSidecar(ldb.path);
  assert.deepEqual(await page(await sidecar.get(`/changes?after=${ldb.seq}&wait=200ms`)), {
    changes: [],
    lastSeq: ldb.seq,
  });
  const ahead = ldb.seq + 10;
  assert.deepEqual(await page(await sidecar.get(`/changes?after=${ahead}&wait=100ms`)), {
    changes: [],
    lastSeq: ahead,
  }, "lastSeq never goes below after");
});

Deno.test("/changes clamps a wait longer than -changes-max-wait instead of refusing it", async () => {
  using ldb = usersHistoryLdb();
  await using sidecar = await testSidecar(ldb.path, { changesMaxWaitMs: 100 });
  const body = await page(await sidecar.get(`/changes?after=${ldb.seq}&wait=1h`));
  assert.deepEqual(body, { changes: [], lastSeq: ldb.seq });
});

Deno.test("/changes and /watch answer bad input with 400 and the reason", async () => {
  using ldb = usersHistoryLdb();
  ldb.put(1, "ada");
  await using sidecar = await testSidecar(ldb.path);
  const cases: [string, Record<string, string>, RegExp][] = [
    ["/changes", {}, /^missing after/],
    ["/changes?after=", {}, /^invalid after "": must be a non-negative integer/],
    ["/changes?after=abc", {}, /^invalid after "abc": must be a non-negative integer/],
    ["/changes?after=-1", {}, /^invalid after "-1"/],
    ["/changes?after=1.5", {}, /^invalid after "1.5"/],
    ["/changes?after=99999999999999999999", {}, /^invalid after "99999999999999999999"/],
    ["/changes?after=0&limit=0", {}, /^invalid limit "0": must be a positive integer/],
    ["/changes?after=0&limit=-5", {}, /^invalid limit "-5"/],
    ["/changes?after=0&limit=ten", {}, /^invalid limit "ten"/],
    ["/changes?after=0&limit=10001", {}, /^invalid limit 10001: must be at most 10000/],
    ["/changes?after=0&wait=soon", {}, /^invalid wait "soon": must be a Go duration/],
    ["/changes?after=0&wait=30", {}, /^invalid wait "30"/],
    ["/changes?after=0&wait=-1s", {}, /^invalid wait "-1s": must not be negative/],
    ["/changes?after=0&family=a-b", {}, /^Family names must be only letters/],
    ["/changes?after=0&table=x", {}, /^Table names must be at least/],
    ["/watch?after=abc", {}, /^invalid after "abc"/],
    ["/watch?after=-1", {}, /^invalid after "-1"/],
    ["/watch?family=no", {}, /^Family names must be at least/],
    ["/watch?table=a--b", {}, /^Table names must be only letters/],
    ["/watch", { "last-event-id": "x1" }, /^invalid Last-Event-ID header "x1"/],
  ];
  for (const [path, headers, reason] of cases) {
    const name = `${path} ${JSON.stringify(headers)}`;
    const response = await sidecar.get(path, headers);
    const text = await response.text();
    assert.equal(response.status, 400, `${name}: ${text}`);
    assert.match(text, reason, name);
    assert.equal(response.headers.get("x-ctlstore-seq"), String(ldb.seq), name);
  }
});
