import assert from "node:assert/strict";
import { eachCtldb, mutate, row, setupMyTable } from "./_fixture.ts";

eachCtldb("a mutation answers its seq in the body and in X-Ctlstore-Seq", {}, async (fx) => {
  await setupMyTable(fx);
  const single = await mutate(fx, { mutations: [row(1, "one")] });
  assert.equal(single.status, 200, single.text);
  assert.equal(single.text, '{"seq":2}');
  assert.equal(single.headers.get("x-ctlstore-seq"), "2");

  const batch = await mutate(fx, { mutations: [row(2, "two"), row(3, "three")] });
  assert.equal(batch.status, 200, batch.text);
  const { seq } = JSON.parse(batch.text);
  assert.deepEqual(Object.keys(JSON.parse(batch.text)), ["seq"]);
  assert.equal(batch.headers.get("X-Ctlstore-Seq"), String(seq));
  assert.equal(seq, (await fx.ledgerRows()).at(-1)!.seq);
});

eachCtldb("a refused mutation carries no X-Ctlstore-Seq", {}, async (fx) => {
  await setupMyTable(fx);
  const reply = await mutate(fx, { mutations: [{ table: "nope", values: { id: 1 } }] });
  assert.notEqual(reply.status, 200, reply.text);
  assert.equal(reply.headers.get("x-ctlstore-seq"), null);
});
