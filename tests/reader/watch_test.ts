import assert from "node:assert/strict";
import { openLdbForWrite } from "../../lib/ldb/mod.ts";
import {
  type Change,
  ChangeHistoryGoneError,
  LdbTestUtil,
  Reader,
  ReaderError,
  SequenceTimeoutError,
} from "../../lib/mod.ts";
import { deleteRowSql, type FieldDef, upsertSql } from "../../lib/schema/mod.ts";
import { type HistoryLdb, historyLdb } from "../_helpers/history_ldb.ts";

const USERS: FieldDef[] = [{ name: "id", type: "integer" }, { name: "name", type: "string" }];
const upsertUser = (id: number) => upsertSql("fam___users", ["id", "name"], [id, `user ${id}`]);

/** A history LDB with `fam___users` (seq 1) and `fam___teams` (seq 2), and a reader. */
function usersLdb(size?: number): { ldb: HistoryLdb; reader: Reader } & Disposable {
  const ldb = historyLdb(size);
  ldb.createTable("fam", "users", USERS, ["id"]);
  ldb.createTable("fam", "teams", [{ name: "id", type: "integer" }], ["id"]);
  const reader = Reader.open(ldb.path);
  return {
    ldb,
    reader,
    [Symbol.dispose]() {
      reader.close();
      ldb[Symbol.dispose]();
    },
  };
}

const later = (ms: number, fn: () => void) =>
  new Promise<void>((resolve) =>
    setTimeout(() => {
      fn();
      resolve();
    }, ms)
  );

Deno.test("watch yields the existing changes, then new ones as they are applied", async () => {
  using f = usersLdb();
  const { ldb, reader } = f;
  ldb.apply(upsertUser(1), upsertUser(2));
  const controller = new AbortController();
  const seen: string[] = [];
  for await (const change of reader.watch({ after: 2, signal: controller.signal })) {
    seen.push(`${change.seq} ${change.op} ${change.key.id}`);
    // Applied while the watcher is iterating: after the first, and while it waits.
    if (change.seq === 3) ldb.apply(upsertUser(3));
    if (change.seq === 5) setTimeout(() => ldb.apply(deleteRowSql("fam___users", ["id"], [1])), 30);
    if (change.seq === 6) controller.abort();
  }
  assert.deepStrictEqual(seen, ["3 upsert 1", "4 upsert 2", "5 upsert 3", "6 delete 1"]);
});

Deno.test("watch without after yields only changes applied from now on", async () => {
  using f = usersLdb();
  const { ldb, reader } = f;
  ldb.apply(upsertUser(1));
  const controller = new AbortController();
  const iterator = reader.watch({ signal: controller.signal });
  const next = iterator.next();
  await later(20, () => ldb.apply(upsertUser(2)));
  const first = await next;
  assert.equal(first.done, false);
  assert.deepStrictEqual((first.value as Change).key, { id: 2 });
  controller.abort();
  assert.deepStrictEqual(await iterator.next(), { done: true, value: undefined });
});

Deno.test("watch resumes after a given seq with its filters, losing and repeating nothing", async () => {
  using f = usersLdb();
  const { ldb, reader } = f;
  ldb.apply(upsertUser(1), upsertSql("fam___teams", ["id"], [10]), upsertUser(2));
  ldb.apply([upsertUser(3), upsertSql("fam___teams", ["id"], [11]), upsertUser(4)]);
  const watchFrom = async (after: number, count: number) => {
    const controller = new AbortController();
    const seen: number[] = [];
    for await (const c of reader.watch({ after, table: "users", signal: controller.signal })) {
      seen.push(c.seq);
      if (seen.length === count) controller.abort();
    }
    return seen;
  };
  const all = await watchFrom(2, 4);
  assert.deepStrictEqual(all, [3, 5, 7, 9]);
  // Stop anywhere, resume from the last seq seen: the rest, exactly.
  for (const [i, seq] of all.entries()) {
    if (i === all.length - 1) break;
    assert.deepStrictEqual(await watchFrom(seq, all.length - i - 1), all.slice(i + 1));
  }
});

Deno.test("watch ends without an error when aborted while waiting or before it starts", async () => {
  using f = usersLdb();
  const { reader } = f;
  const controller = new AbortController();
  const seen: Change[] = [];
  const started = performance.now();
  setTimeout(() => controller.abort(new Error("stop")), 30);
  for await (const change of reader.watch({ signal: controller.signal })) seen.push(change);
  assert.equal(seen.length, 0);
  assert.ok(performance.now() - started >= 25, "it waited until the abort");
  for await (const change of reader.watch({ after: 0, signal: AbortSignal.abort() })) {
    seen.push(change);
  }
  assert.equal(seen.length, 0, "an aborted signal yields nothing");
});

Deno.test("watch from an after older than the history throws ChangeHistoryGoneError", async () => {
  using f = usersLdb(2);
  const { ldb, reader } = f;
  for (let id = 1; id <= 5; id++) ldb.apply(upsertUser(id));
  const oldest = ldb.seq - 2;
  await assert.rejects(
    async () => {
      for await (const _ of reader.watch({ after: 1, signal: AbortSignal.timeout(5000) })) {
        // nothing is yielded
      }
    },
    (e) => e instanceof ChangeHistoryGoneError && e.oldestSeq === oldest && e.after === 1,
  );
});

Deno.test("a watcher that falls behind the retention gets ChangeHistoryGoneError", async () => {
  using f = usersLdb(3);
  const { ldb, reader } = f;
  ldb.apply(upsertUser(1), upsertUser(2));
  const seen: number[] = [];
  await assert.rejects(
    async () => {
      const signal = AbortSignal.timeout(5000);
      for await (const change of reader.watch({ after: 2, signal })) {
        seen.push(change.seq);
        // While the consumer holds its first page, the history moves past it.
        if (seen.length === 1) { for (let id = 10; id < 20; id++) ldb.apply(upsertUser(id)); }
      }
    },
    ChangeHistoryGoneError,
  );
  assert.deepStrictEqual(seen, [3, 4], "the page already read is delivered first");
});

Deno.test("watch of an LDB without change history throws no-change-history", async () => {
  using plain = LdbTestUtil.create();
  const reader = plain.openReader();
  await assert.rejects(
    async () => {
      for await (const _ of reader.watch({ after: 0 })) {
        // nothing is yielded
      }
    },
    (e) => e instanceof ReaderError && e.code === "no-change-history",
  );
});

Deno.test("watch with an invalid family or table name throws bad-name", async () => {
  using f = usersLdb();
  for (const filter of [{ family: "no way" }, { table: "x" }]) {
    await assert.rejects(
      f.reader.watch({ ...filter, after: 0 }).next(),
      (e) => e instanceof ReaderError && e.code === "bad-name",
    );
  }
});

Deno.test("waitForSequence resolves at once for an applied seq, later for a coming one", async () => {
  using f = usersLdb();
  const { ldb, reader } = f;
  assert.equal(await reader.waitForSequence(0), 2);
  assert.equal(await reader.waitForSequence(2, { timeoutMs: 0 }), 2);
  const waits = [reader.waitForSequence(3), reader.waitForSequence(4, { timeoutMs: 5000 })];
  await later(20, () => ldb.apply(upsertUser(1)));
  assert.equal(await waits[0], 3);
  await later(20, () => ldb.apply(upsertUser(2), upsertUser(3)));
  assert.equal(await waits[1], 5, "it answers the applied seq, which can be beyond the one asked");
  // A timeout too long for a timer is no timeout, not an immediate one.
  const long = reader.waitForSequence(6, { timeoutMs: 2 ** 31 });
  await later(20, () => ldb.apply(upsertUser(4)));
  assert.equal(await long, 6);
});

Deno.test("waitForSequence works on an LDB without change history", async () => {
  using plain = LdbTestUtil.create();
  const reader = plain.openReader();
  const wait = reader.waitForSequence(7, { timeoutMs: 5000 });
  await later(20, () => plain.db.exec("REPLACE INTO _ldb_seq (id, seq) VALUES (1, 7)"));
  assert.equal(await wait, 7);
});

Deno.test("waitForSequence rejects with SequenceTimeoutError when the seq does not arrive", async () => {
  using f = usersLdb();
  const { reader } = f;
  await assert.rejects(reader.waitForSequence(10, { timeoutMs: 30 }), (e) => {
    assert.ok(e instanceof SequenceTimeoutError, String(e));
    assert.equal(e.code, "wait-timeout");
    assert.deepStrictEqual([e.seq, e.lastSeq, e.timeoutMs], [10, 2, 30]);
    assert.equal(e.message, "seq 10 not applied after 30 ms: the LDB is at seq 2");
    return true;
  });
  await assert.rejects(reader.waitForSequence(10, { timeoutMs: 0 }), SequenceTimeoutError);
});

Deno.test("waitForSequence rejects with the abort reason, and with closed when the reader closes", async () => {
  using f = usersLdb();
  const { reader } = f;
  const reason = new Error("caller gave up");
  const controller = new AbortController();
  const aborted = reader.waitForSequence(10, { signal: controller.signal });
  setTimeout(() => controller.abort(reason), 20);
  await assert.rejects(aborted, (e) => e === reason);
  await assert.rejects(
    reader.waitForSequence(10, { signal: AbortSignal.abort(reason) }),
    (e) => e === reason,
  );

  const waiting = reader.waitForSequence(10);
  const watching = (async () => {
    for await (const _ of reader.watch({ after: 2 })) {
      // nothing arrives before the close
    }
  })();
  setTimeout(() => reader.close(), 20);
  for (const pending of [waiting, watching]) {
    await assert.rejects(pending, (e) => e instanceof ReaderError && e.code === "closed");
  }
  await assert.rejects(
    reader.waitForSequence(1),
    (e) => e instanceof ReaderError && e.code === "closed",
  );
});

Deno.test("waitForSequence rejects bad seqs and timeouts with RangeError", async () => {
  using f = usersLdb();
  const { reader } = f;
  for (const seq of [-1, 0.5, NaN, Infinity]) {
    await assert.rejects(reader.waitForSequence(seq), RangeError, `seq ${seq}`);
  }
  for (const timeoutMs of [-1, NaN]) {
    await assert.rejects(reader.waitForSequence(1, { timeoutMs }), RangeError, `${timeoutMs}`);
  }
});

Deno.test("a stale history stops a watch with no-change-history", async () => {
  using f = usersLdb();
  const { ldb, reader } = f;
  const seen: number[] = [];
  await assert.rejects(
    async () => {
      for await (const change of reader.watch({ after: 0, signal: AbortSignal.timeout(5000) })) {
        seen.push(change.seq);
        if (seen.length !== 2) continue;
        const go = openLdbForWrite(ldb.path);
        go.exec("UPDATE _ldb_seq SET seq = seq + 1 WHERE id = 1");
        go.close();
      }
    },
    (e) => e instanceof ReaderError && e.code === "no-change-history",
  );
  assert.deepStrictEqual(seen, [1, 2]);
});
