import assert from "node:assert/strict";
import { eachCtldb, type ExecutiveFixture, mutate } from "./_fixture.ts";

const WRITERS = 8;
const STREAMS = 4;
const REQUESTS = 10;
const BATCH = 5;

async function setup(fx: ExecutiveFixture): Promise<void> {
  assert.equal((await fx.call("POST", "/families/load")).status, 200);
  const table = { fields: [["id", "integer"], ["writer", "string"]], keyFields: ["id"] };
  assert.equal(
    (await fx.call("POST", "/families/load/tables/rows", { body: JSON.stringify(table) })).status,
    200,
  );
  for (let w = 0; w < WRITERS; w++) {
    assert.equal(
      (await fx.call("POST", `/writers/writer${w}`, { body: `secret${w}` })).status,
      200,
    );
  }
}

interface Sent {
  seq: number;
  ids: number[];
  writer: string;
}

/** Every writer runs STREAMS parallel loops of REQUESTS requests of BATCH upserts. */
async function load(fx: ExecutiveFixture): Promise<{ ok: Sent[]; limited: number }> {
  const ok: Sent[] = [];
  let limited = 0;
  const loops = [];
  for (let w = 0; w < WRITERS; w++) {
    const headers = { "ctlstore-writer": `writer${w}`, "ctlstore-secret": `secret${w}` };
    for (let s = 0; s < STREAMS; s++) {
      loops.push((async () => {
        for (let r = 0; r < REQUESTS; r++) {
          const first = ((w * STREAMS + s) * REQUESTS + r) * BATCH;
          const ids = Array.from({ length: BATCH }, (_, i) => first + i);
          const mutations = ids.map((id) => ({
            table: "rows",
            values: { id, writer: `writer${w}` },
          }));
          const reply = await mutate(fx, { mutations }, headers, "load");
          if (reply.status === 429) {
            limited++;
            continue;
          }
          assert.equal(reply.status, 200, reply.text);
          ok.push({ seq: JSON.parse(reply.text).seq, ids, writer: `writer${w}` });
        }
      })());
    }
  }
  await Promise.all(loops);
  return { ok, limited };
}

async function checkLedger(fx: ExecutiveFixture, sent: Sent[]): Promise<void> {
  const bySeq = new Map((await fx.ledgerRows()).map((r) => [r.seq, r.statement]));
  for (const { seq, ids, writer } of sent) {
    const expected = [
      "--- BEGIN",
      ...ids.map((id) => `REPLACE INTO load___rows ("id","writer") VALUES(${id},'${writer}')`),
      "--- COMMIT",
    ];
    const actual = expected.map((_, i) => bySeq.get(seq - expected.length + 1 + i));
    assert.deepEqual(actual, expected, `request ending at seq ${seq}`);
  }
  const markers = [...bySeq.values()].filter((s) => s === "--- BEGIN").length;
  assert.equal(markers, sent.length, "one transaction per accepted request, none for refused ones");
}

async function usageByWriter(fx: ExecutiveFixture): Promise<Map<string, number>> {
  const rows = await fx.db.query<{ writer: string; amount: number }>(
    "SELECT writer_name AS writer, SUM(amount) AS amount FROM writer_usage GROUP BY writer_name",
  );
  return new Map(rows.map((r) => [r.writer, Number(r.amount)]));
}

const FIXED = { now: () => 1_800_000_000_000, writerLimitPeriodMs: 3_600_000 };

eachCtldb("8 writers x 200 concurrent mutations: contiguous ledger, exact rows and usage", {
  ...FIXED,
  writerLimit: 1000,
}, async (fx) => {
  await setup(fx);
  const { ok, limited } = await load(fx);
  assert.equal(limited, 0);
  assert.equal(ok.length, WRITERS * STREAMS * REQUESTS);
  await checkLedger(fx, ok);
  const [count] = await fx.db.query<{ n: number }>("SELECT COUNT(*) AS n FROM load___rows");
  assert.equal(Number(count!.n), WRITERS * STREAMS * REQUESTS * BATCH);
  const usage = await usageByWriter(fx);
  for (let w = 0; w < WRITERS; w++) {
    assert.equal(usage.get(`writer${w}`), STREAMS * REQUESTS * BATCH, `writer${w}`);
  }
});

eachCtldb("concurrent writers hit the rate limit exactly, never over it", {
  ...FIXED,
  writerLimit: 100,
}, async (fx) => {
  await setup(fx);
  const { ok, limited } = await load(fx);
  assert.equal(ok.length, WRITERS * (100 / BATCH));
  assert.equal(limited, WRITERS * STREAMS * REQUESTS - ok.length);
  await checkLedger(fx, ok);
  const usage = await usageByWriter(fx);
  for (let w = 0; w < WRITERS; w++) assert.equal(usage.get(`writer${w}`), 100, `writer${w}`);
  const [count] = await fx.db.query<{ n: number }>("SELECT COUNT(*) AS n FROM load___rows");
  assert.equal(Number(count!.n), WRITERS * 100);
});
