import assert from "node:assert/strict";
import { openChangeHistory } from "../../lib/reflector/change_history.ts";
import { openLdbForWrite } from "../../lib/ldb/mod.ts";
import { silentLogger } from "../../lib/log/mod.ts";
import {
  type Change,
  ChangeHistoryGoneError,
  LdbTestUtil,
  Reader,
  ReaderError,
  type ReaderErrorCode,
} from "../../lib/mod.ts";
import {
  addColumnSql,
  clearTableSql,
  deleteRowSql,
  dropTableSql,
  type FieldDef,
  LEDGER_COLUMN_TYPES,
  upsertSql,
} from "../../lib/schema/mod.ts";
import { type HistoryLdb, historyLdb } from "../_helpers/history_ldb.ts";

const USERS: FieldDef[] = [{ name: "id", type: "integer" }, { name: "name", type: "string" }];

/** The comparable part of an entry (`time` is checked separately). */
function brief(change: Change) {
  return { seq: change.seq, tx: change.tx, table: change.table, op: change.op, key: change.key };
}

function throwsCode(fn: () => unknown, code: ReaderErrorCode, message?: RegExp): void {
  assert.throws(fn, (e) => {
    assert.ok(e instanceof ReaderError, String(e));
    assert.equal(e.code, code, e.message);
    if (message) assert.match(e.message, message);
    return true;
  });
}

/** A history LDB with `fam___users` created (seq 1) and a reader on it; both disposed. */
function usersLdb(size?: number): { ldb: HistoryLdb; reader: Reader } & Disposable {
  const ldb = historyLdb(size);
  ldb.createTable("fam", "users", USERS, ["id"]);
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

const upsertUser = (id: number | bigint, name: string) =>
  upsertSql("fam___users", ["id", "name"], [id, name]);
const deleteUser = (id: number) => deleteRowSql("fam___users", ["id"], [id]);

Deno.test("an upsert, an overwrite and a delete are one entry each; deleting an absent key none", () => {
  using f = usersLdb();
  const { ldb, reader } = f;
  const before = Date.now();
  ldb.apply(upsertUser(1, "ada"), upsertUser(1, "ada again"), deleteUser(1), deleteUser(42));
  const page = reader.getChanges({ after: 1 });
  assert.deepStrictEqual(page.changes.map(brief), [
    { seq: 2, tx: 2, table: "users", op: "upsert", key: { id: 1 } },
    { seq: 3, tx: 3, table: "users", op: "upsert", key: { id: 1 } },
    { seq: 4, tx: 4, table: "users", op: "delete", key: { id: 1 } },
  ]);
  assert.equal(page.lastSeq, 5, "the no-op delete still advances lastSeq");
  assert.equal(page.more, false);
  for (const change of page.changes) {
    assert.equal(change.family, "fam");
    assert.ok(change.time.getTime() >= before - 1 && change.time.getTime() <= Date.now() + 1);
  }
});

Deno.test("a delete with any other condition lists every row it removed", () => {
  using f = usersLdb();
  const { ldb, reader } = f;
  ldb.apply(upsertUser(1, "a"), upsertUser(2, "b"), upsertUser(3, "c"));
  const seq = ldb.apply(`DELETE FROM fam___users WHERE "id" >= 2`);
  assert.deepStrictEqual(reader.getChanges({ after: seq - 1 }).changes.map(brief), [
    { seq, tx: seq, table: "users", op: "delete", key: { id: 2 } },
    { seq, tx: seq, table: "users", op: "delete", key: { id: 3 } },
  ]);
});

Deno.test("the entries of a bracketed transaction share tx, the seq of its BEGIN", () => {
  using f = usersLdb();
  const { ldb, reader } = f;
  ldb.apply(upsertUser(9, "x"));
  // seq 3 BEGIN, 4-6 statements, 7 COMMIT, 8 a lone statement
  ldb.apply([upsertUser(1, "a"), upsertUser(2, "b"), deleteUser(9)], upsertUser(3, "c"));
  assert.deepStrictEqual(reader.getChanges({ after: 2 }).changes.map(brief), [
    { seq: 4, tx: 3, table: "users", op: "upsert", key: { id: 1 } },
    { seq: 5, tx: 3, table: "users", op: "upsert", key: { id: 2 } },
    { seq: 6, tx: 3, table: "users", op: "delete", key: { id: 9 } },
    { seq: 8, tx: 8, table: "users", op: "upsert", key: { id: 3 } },
  ]);
});

Deno.test("clear, drop, create and alter are one table-wide entry each with an empty key", () => {
  using ldb = historyLdb();
  using reader = Reader.open(ldb.path);
  const created = ldb.createTable("fam", "users", USERS, ["id"]);
  ldb.apply(upsertUser(1, "a"), upsertUser(2, "b"));
  const altered = ldb.apply(
    addColumnSql(LEDGER_COLUMN_TYPES, "fam___users", { name: "email", type: "string" }),
  );
  const cleared = ldb.apply(clearTableSql("fam___users"));
  const dropped = ldb.apply(dropTableSql("fam___users"));
  assert.deepStrictEqual(
    reader.getChanges({ after: 0 }).changes.map(brief).filter((c) => c.op !== "upsert"),
    [
      { seq: created, tx: created, table: "users", op: "schema", key: {} },
      { seq: altered, tx: altered, table: "users", op: "schema", key: {} },
      { seq: cleared, tx: cleared, table: "users", op: "clear", key: {} },
      { seq: dropped, tx: dropped, table: "users", op: "drop", key: {} },
    ],
  );
});

Deno.test("keys come back exact: int64 limits as bigint, binary as bytes, composite in key order", () => {
  using ldb = historyLdb();
  using reader = Reader.open(ldb.path);
  ldb.createTable("fam", "users", USERS, ["id"]);
  const min = -(2n ** 63n), max = 2n ** 63n - 1n;
  // Columns in one order, the key in another: the entry's key follows the key.
  const fields: FieldDef[] = [
    { name: "note", type: "string" },
    { name: "blob", type: "bytestring" },
    { name: "tag", type: "string" },
    { name: "n", type: "integer" },
  ];
  ldb.createTable("fam", "parts", fields, ["n", "blob", "tag"]);
  const bytes = new Uint8Array([0, 0xde, 0xad, 0xff]);
  const after = ldb.seq;
  ldb.apply(
    upsertUser(min, "min"),
    upsertUser(max, "max"),
    upsertUser(9007199254740993n, "beyond 2^53"),
    upsertSql("fam___parts", fields.map((f) => f.name), ["x", bytes, "it's <&> ü", 7]),
    deleteRowSql("fam___parts", ["blob", "tag", "n"], [bytes, "it's <&> ü", 7]),
    deleteRowSql("fam___users", ["id"], [max]),
  );
  const changes = reader.getChanges({ after }).changes;
  assert.deepStrictEqual(changes.map((c) => [c.op, c.key]), [
    ["upsert", { id: min }],
    ["upsert", { id: max }],
    ["upsert", { id: 9007199254740993n }],
    ["upsert", { n: 7, blob: bytes, tag: "it's <&> ü" }],
    ["delete", { n: 7, blob: bytes, tag: "it's <&> ü" }],
    ["delete", { id: max }],
  ]);
  for (const change of changes.filter((c) => c.table === "parts")) {
    assert.deepStrictEqual(Object.keys(change.key), ["n", "blob", "tag"]);
    assert.ok(change.key.blob instanceof Uint8Array);
  }
});

Deno.test("changes are filtered by family, by table and by both; invalid names are bad-name", () => {
  using ldb = historyLdb();
  using reader = Reader.open(ldb.path);
  const keyed: FieldDef[] = [{ name: "id", type: "integer" }];
  for (const [family, table] of [["fam", "users"], ["fam", "teams"], ["other", "users"]]) {
    ldb.createTable(family!, table!, keyed, ["id"]);
  }
  const after = ldb.seq;
  ldb.apply(
    upsertSql("fam___users", ["id"], [1]),
    upsertSql("fam___teams", ["id"], [2]),
    upsertSql("other___users", ["id"], [3]),
  );
  const ids = (filter: { family?: string; table?: string }) =>
    reader.getChanges({ after, ...filter }).changes.map((c) =>
      `${c.family}.${c.table}.${c.key.id}`
    );
  assert.deepStrictEqual(ids({}), ["fam.users.1", "fam.teams.2", "other.users.3"]);
  assert.deepStrictEqual(ids({ family: "fam" }), ["fam.users.1", "fam.teams.2"]);
  assert.deepStrictEqual(ids({ table: "users" }), ["fam.users.1", "other.users.3"]);
  assert.deepStrictEqual(ids({ family: "FAM", table: "Users" }), ["fam.users.1"]);
  assert.deepStrictEqual(ids({ family: "nobody" }), []);
  for (
    const filter of [{ family: "bad-name" }, { table: "x y" }, { family: "" }, { table: "1a" }]
  ) {
    throwsCode(() => reader.getChanges({ after, ...filter }), "bad-name");
  }
});

Deno.test("after resumes exactly after a seq, and a filter that matches nothing still advances", () => {
  using f = usersLdb();
  const { ldb, reader } = f;
  ldb.apply(upsertUser(1, "a"), upsertUser(2, "b"), upsertUser(3, "c"));
  assert.deepStrictEqual(reader.getChanges({ after: 2 }).changes.map((c) => c.seq), [3, 4]);
  assert.deepStrictEqual(reader.getChanges({ after: 3 }).changes.map((c) => c.seq), [4]);
  assert.deepStrictEqual(reader.getChanges({ after: 4 }), { changes: [], lastSeq: 4, more: false });
  const none = reader.getChanges({ after: 0, family: "nobody" });
  assert.deepStrictEqual(none, { changes: [], lastSeq: 4, more: false });
  // A resume point beyond the applied seq answers nothing (yet), without an error.
  assert.deepStrictEqual(reader.getChanges({ after: 99 }).changes, []);
});

Deno.test("limit never splits a ledger transaction and says where to continue", () => {
  using f = usersLdb();
  const { ldb, reader } = f;
  // 2 lone upserts (seqs 2, 3), a transaction of 3 (BEGIN 4, 5-7, COMMIT 8), one more (9)
  ldb.apply(upsertUser(1, "a"), upsertUser(2, "b"));
  ldb.apply([upsertUser(3, "c"), upsertUser(4, "d"), upsertUser(5, "e")], upsertUser(6, "f"));
  const first = reader.getChanges({ after: 0, limit: 1 });
  assert.deepStrictEqual(first.changes.map((c) => c.seq), [1]);
  assert.deepStrictEqual([first.more, first.lastSeq], [true, 1]);
  const second = reader.getChanges({ after: 2, limit: 2 });
  assert.deepStrictEqual(second.changes.map((c) => c.seq), [3, 5, 6, 7], "the whole transaction");
  assert.deepStrictEqual([second.more, second.lastSeq], [true, 7]);
  const third = reader.getChanges({ after: second.lastSeq, limit: 2 });
  assert.deepStrictEqual(third.changes.map((c) => c.seq), [9]);
  assert.deepStrictEqual([third.more, third.lastSeq], [false, 9]);
  // Exactly `limit` entries left: the answer is complete.
  assert.deepStrictEqual(reader.getChanges({ after: 7, limit: 1 }).more, false);

  const seen: number[] = [];
  for (let after = 0, more = true; more;) {
    const page = reader.getChanges({ after, limit: 1 });
    seen.push(...page.changes.map((c) => c.seq));
    assert.ok(page.lastSeq > after || !page.more, "every page moves on");
    ({ lastSeq: after, more } = page);
  }
  assert.deepStrictEqual(seen, [1, 2, 3, 5, 6, 7, 9], "paging loses and repeats nothing");
});

Deno.test("a small history is pruned by whole seqs, and older resume points are gone", () => {
  using f = usersLdb(3);
  const { ldb, reader } = f;
  for (let id = 1; id <= 10; id++) ldb.apply(upsertUser(id, `user ${id}`));
  // seq 12 deletes 3 rows at once: its entries stay or go together
  const multi = ldb.apply(`DELETE FROM fam___users WHERE "id" >= 8`);
  const stored = () => {
    const db = openLdbForWrite(ldb.path);
    try {
      const state = db.prepare("SELECT retained_after, recorded_seq FROM _ldb_changes_state")
        .get()!;
      assert.equal(Number(state.recorded_seq), ldb.seq);
      const seqs = db.prepare("SELECT seq FROM _ldb_changes ORDER BY seq, idx").all()
        .map((row) => Number(row.seq));
      return { retainedAfter: Number(state.retained_after), seqs };
    } finally {
      db.close();
    }
  };
  assert.deepStrictEqual(stored(), { retainedAfter: multi - 1, seqs: [multi, multi, multi] });
  assert.deepStrictEqual(
    reader.getChanges({ after: multi - 1 }).changes.map((c) => [c.op, c.key.id]),
    [["delete", 8], ["delete", 9], ["delete", 10]],
  );
  // One more entry is one too many: the oldest seq goes as a whole.
  ldb.apply(upsertUser(20, "x"));
  assert.deepStrictEqual(stored(), { retainedAfter: multi, seqs: [multi + 1] });
  const retainedAfter = multi;
  assert.deepStrictEqual(reader.getChanges({ after: multi }).changes.map((c) => c.seq), [
    multi + 1,
  ]);
  for (const after of [0, 1, retainedAfter - 1]) {
    assert.throws(() => reader.getChanges({ after }), (e) => {
      assert.ok(e instanceof ChangeHistoryGoneError, String(e));
      assert.equal(e.code, "history-gone");
      assert.equal(e.oldestSeq, retainedAfter);
      assert.equal(e.after, after);
      assert.match(e.message, new RegExp(`after seq ${retainedAfter}`));
      return true;
    });
  }
});

Deno.test("an LDB without change history is reported as such, never as empty", () => {
  using plain = LdbTestUtil.create();
  plain.createTable({
    family: "fam",
    name: "users",
    fields: [["id", "integer"]],
    keyFields: ["id"],
  });
  plain.insertRows("fam", "users", [[1]]);
  const reader = plain.openReader();
  throwsCode(() => reader.getChanges({ after: 0 }), "no-change-history", /no change history/);

  using off = historyLdb(0);
  off.createTable("fam", "users", USERS, ["id"]);
  using offReader = Reader.open(off.path);
  throwsCode(
    () => offReader.getChanges({ after: 0 }),
    "no-change-history",
    /-change-history-size 0.*Go original/,
  );
});

Deno.test("a history the LDB moved past (a reflector without history wrote it) is not served", () => {
  using f = usersLdb();
  const { ldb, reader } = f;
  ldb.apply(upsertUser(1, "a"));
  assert.equal(reader.getChanges({ after: 0 }).changes.length, 2);
  // What the Go reflector does: apply statements and advance _ldb_seq, nothing else.
  const go = openLdbForWrite(ldb.path);
  go.exec("BEGIN");
  go.exec(upsertUser(2, "written by Go"));
  go.exec("UPDATE _ldb_seq SET seq = seq + 1 WHERE id = 1");
  go.exec("COMMIT");
  go.close();
  throwsCode(
    () => reader.getChanges({ after: 0 }),
    "no-change-history",
    /stopped at seq 2: a reflector without change history applied the ledger up to seq 3/,
  );
});

Deno.test("a history removed while a reader is open is reported as missing", () => {
  using f = usersLdb();
  const { ldb, reader } = f;
  ldb.apply(upsertUser(1, "a"));
  assert.equal(reader.getChanges({ after: 0 }).changes.length, 2);
  ldb.close();
  // A reflector restarted with -change-history-size 0.
  const restarted = openLdbForWrite(ldb.path);
  assert.equal(openChangeHistory(restarted, 0, silentLogger), undefined);
  restarted.close();
  throwsCode(() => reader.getChanges({ after: 0 }), "no-change-history");
});

Deno.test("bad after and limit values are RangeErrors; a closed reader is closed", () => {
  using f = usersLdb();
  const { reader } = f;
  for (const after of [-1, 1.5, NaN, Infinity, 2 ** 53]) {
    assert.throws(() => reader.getChanges({ after }), RangeError, `after ${after}`);
  }
  for (const limit of [0, -1, 2.5, NaN]) {
    assert.throws(() => reader.getChanges({ after: 0, limit }), RangeError, `limit ${limit}`);
  }
  reader.close();
  throwsCode(() => reader.getChanges({ after: 0 }), "closed");
});
