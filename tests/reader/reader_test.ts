import assert from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import { LdbNotFoundError, Reader, ReaderError, type ReaderErrorCode } from "../../lib/mod.ts";
import { tempDir } from "../_helpers/temp.ts";
import { MYTABLE_STATEMENTS, writeLdb } from "./_fixture.ts";

function rejects(fn: () => unknown, code: ReaderErrorCode, message: string | RegExp): void {
  assert.throws(fn, (e) => {
    assert.ok(e instanceof ReaderError, String(e));
    assert.equal(e.code, code);
    if (typeof message === "string") assert.equal(e.message, message);
    else assert.match(e.message, message);
    return true;
  });
}

/** A reader over a fresh LDB holding `statements`; `path` lets a test write more. */
async function fixture(statements: string[], extra: { seq?: number; lastUpdate?: string } = {}) {
  const dir = await tempDir();
  const path = `${dir.path}/ldb.db`;
  writeLdb(path, { statements, ...extra });
  const reader = Reader.open(path);
  return {
    path,
    reader,
    write: (more: string[]) => writeLdb(path, { statements: more }),
    async [Symbol.asyncDispose]() {
      reader.close();
      await dir[Symbol.asyncDispose]();
    },
  };
}

Deno.test("getRowByKey returns a plain row with typed values, undefined when absent", async () => {
  await using ldb = await fixture(MYTABLE_STATEMENTS);
  assert.deepStrictEqual(ldb.reader.getRowByKey("myfamily", "mytable", 1), {
    id: 1,
    name: "one",
    data: new Uint8Array([0xde, 0xad, 0xbe, 0xef]),
  });
  assert.deepStrictEqual(ldb.reader.getRowByKey("myfamily", "mytable", [2]), {
    id: 2,
    name: "two <&>",
    data: null,
  });
  assert.equal(ldb.reader.getRowByKey("myfamily", "mytable", 3), undefined);
  assert.equal(ldb.reader.getRowByKey("myfamily", "mytable", 3), undefined);
});

Deno.test("family and table names are lower-cased and validated with the spec messages", async () => {
  await using ldb = await fixture(MYTABLE_STATEMENTS);
  assert.equal(ldb.reader.getRowByKey<{ name: string }>("MyFamily", "MYTABLE", 1)?.name, "one");
  const cases: [string, string, string][] = [
    ["ab", "mytable", "Family names must be at least 3 characters"],
    ["my__family", "mytable", "Family names must be only letters, numbers, and single underscore"],
    ["1family", "mytable", "Family names must be only letters, numbers, and single underscore"],
    ["f".repeat(31), "mytable", "Family names can only be up to 30 characters"],
    ["myfamily", "t", "Table names must be at least 3 characters"],
    ["myfamily", "my-table", "Table names must be only letters, numbers, and single underscore"],
    ["myfamily", "t".repeat(51), "Table names can only be up to 50 characters"],
  ];
  for (const [family, table, message] of cases) {
    rejects(() => ldb.reader.getRowByKey(family, table, 1), "bad-name", message);
    rejects(() => ldb.reader.getRowsByKeyPrefix(family, table), "bad-name", message);
  }
});

Deno.test("a missing table, a table without key and an unknown key type are reported", async () => {
  await using ldb = await fixture([
    `CREATE TABLE myfamily___nokey ("id" INTEGER, "name" VARCHAR(191));`,
    `CREATE TABLE myfamily___oddkey ("id" INT, PRIMARY KEY("id"));`,
  ]);
  rejects(
    () => ldb.reader.getRowByKey("myfamily", "absent", 1),
    "table-not-found",
    "Table not found",
  );
  rejects(() => ldb.reader.tableInfo("myfamily", "absent"), "table-not-found", "Table not found");
  rejects(
    () => ldb.reader.getRowByKey("myfamily", "nokey", 1),
    "no-primary-key",
    "Table provided has no primary key",
  );
  rejects(
    () => ldb.reader.getRowsByKeyPrefix("myfamily", "oddkey"),
    "bad-schema",
    "no field type found for 'INT'",
  );
  // A table created after the first miss is found.
  ldb.write([`CREATE TABLE myfamily___absent ("id" INTEGER, PRIMARY KEY("id"));`]);
  assert.equal(ldb.reader.getRowByKey("myfamily", "absent", 1), undefined);
});

Deno.test("key part counts are checked for lookups and prefixes", async () => {
  await using ldb = await fixture([
    `CREATE TABLE myfamily___pairs ("a" VARCHAR(191), "b" INTEGER, "v" TEXT, PRIMARY KEY("a","b"));`,
    `REPLACE INTO myfamily___pairs ("a","b","v") VALUES('x',1,'x1')`,
  ]);
  const full = "All primary key fields are required";
  rejects(() => ldb.reader.getRowByKey("myfamily", "pairs"), "bad-key", full);
  rejects(() => ldb.reader.getRowByKey("myfamily", "pairs", "x"), "bad-key", full);
  rejects(
    () => ldb.reader.getRowByKey("myfamily", "pairs", "x", 1, 2),
    "bad-key",
    "too many keys supplied for table's primary key",
  );
  rejects(
    () => ldb.reader.getRowsByKeyPrefix("myfamily", "pairs", "x", 1, 2),
    "bad-key",
    "too many keys supplied for table's primary key",
  );
  rejects(
    () => ldb.reader.getRowByKey("myfamily", "pairs", "x", {} as unknown as number),
    "bad-key",
    /unsupported key part type/,
  );
  assert.equal(ldb.reader.getRowByKey<{ v: string }>("myfamily", "pairs", "x", 1)?.v, "x1");
});

Deno.test("composite keys follow primary-key order, not column order", async () => {
  await using ldb = await fixture([
    `CREATE TABLE myfamily___members ("role" VARCHAR(191), "id" INTEGER, "team" VARCHAR(191), PRIMARY KEY("team","id"));`,
    `REPLACE INTO myfamily___members ("role","id","team") VALUES('admin',1,'t1')`,
    `REPLACE INTO myfamily___members ("role","id","team") VALUES('user',2,'t1')`,
    `REPLACE INTO myfamily___members ("role","id","team") VALUES('user',1,'t2')`,
  ]);
  const info = ldb.reader.tableInfo("myfamily", "members");
  assert.deepEqual(info.keyColumns.map((c) => [c.name, c.fieldType]), [
    ["team", "string"],
    ["id", "integer"],
  ]);
  assert.deepEqual(info.columns.map((c) => [c.name, c.declaredType, c.isBlob]), [
    ["role", "VARCHAR(191)", false],
    ["id", "INTEGER", false],
    ["team", "VARCHAR(191)", false],
  ]);
  assert.deepStrictEqual(ldb.reader.getRowByKey("myfamily", "members", "t1", 2), {
    role: "user",
    id: 2,
    team: "t1",
  });
  assert.deepEqual([...ldb.reader.getRowsByKeyPrefix("myfamily", "members", "t1")], [
    { role: "admin", id: 1, team: "t1" },
    { role: "user", id: 2, team: "t1" },
  ]);
  assert.deepEqual([...ldb.reader.getRowsByKeyPrefix("myfamily", "members", ["t1", 1])], [
    { role: "admin", id: 1, team: "t1" },
  ]);
  assert.equal([...ldb.reader.getRowsByKeyPrefix("myfamily", "members")].length, 3);
  assert.deepEqual([...ldb.reader.getRowsByKeyPrefix("myfamily", "members", "t3")], []);
});

Deno.test("string key parts become bytes for binary key columns", async () => {
  await using ldb = await fixture([
    `CREATE TABLE myfamily___blobs ("k" BLOB(255), "n" INTEGER, "v" VARCHAR(191), PRIMARY KEY("k","n"));`,
    `REPLACE INTO myfamily___blobs ("k","n","v") VALUES(x'6b31',1,'by string')`,
    `REPLACE INTO myfamily___blobs ("k","n","v") VALUES(x'00ff',2,'by bytes')`,
  ]);
  assert.equal(ldb.reader.getRowByKey<{ v: string }>("myfamily", "blobs", "k1", 1)?.v, "by string");
  const bytes = new Uint8Array([0x00, 0xff]);
  assert.deepStrictEqual(ldb.reader.getRowByKey("myfamily", "blobs", bytes, 2), {
    k: bytes,
    n: 2,
    v: "by bytes",
  });
  assert.deepEqual([...ldb.reader.getRowsByKeyPrefix("myfamily", "blobs", "k1")].length, 1);
  // Numbers and booleans are bound as given (true is 1); digits find integer keys by affinity.
  assert.equal(
    ldb.reader.getRowByKey<{ v: string }>("myfamily", "blobs", "k1", true)?.v,
    "by string",
  );
  assert.equal(
    ldb.reader.getRowByKey<{ v: string }>("myfamily", "blobs", "k1", "1")?.v,
    "by string",
  );
});

Deno.test("key columns named like SQL keywords are quoted", async () => {
  await using ldb = await fixture([
    `CREATE TABLE myfamily___keywords ("order" VARCHAR(191), "select" INTEGER, "group" TEXT, PRIMARY KEY("order","select"));`,
    `REPLACE INTO myfamily___keywords ("order","select","group") VALUES('o',1,'g')`,
  ]);
  assert.deepStrictEqual(ldb.reader.getRowByKey("myfamily", "keywords", "o", 1), {
    order: "o",
    select: 1,
    group: "g",
  });
  assert.equal([...ldb.reader.getRowsByKeyPrefix("myfamily", "keywords", "o")].length, 1);
});

Deno.test("a table dropped and recreated with another key is noticed", async () => {
  await using ldb = await fixture([
    `CREATE TABLE myfamily___users ("id" INTEGER, "email" VARCHAR(191), PRIMARY KEY("id"));`,
    `REPLACE INTO myfamily___users ("id","email") VALUES(1,'a@x')`,
  ]);
  assert.equal(ldb.reader.getRowByKey<{ email: string }>("myfamily", "users", 1)?.email, "a@x");
  ldb.write([
    `DROP TABLE IF EXISTS myfamily___users`,
    `CREATE TABLE myfamily___users ("id" INTEGER, "email" VARCHAR(191), PRIMARY KEY("email"));`,
    `REPLACE INTO myfamily___users ("id","email") VALUES(1,'b@x')`,
  ]);
  // The old key would still compile (`"id" = 1`) but must not be used.
  assert.equal(ldb.reader.getRowByKey("myfamily", "users", 1), undefined);
  assert.deepStrictEqual(ldb.reader.getRowByKey("myfamily", "users", "b@x"), {
    id: 1,
    email: "b@x",
  });
  assert.deepEqual(ldb.reader.tableInfo("myfamily", "users").keyColumns.map((c) => c.name), [
    "email",
  ]);
  ldb.write([
    `DROP TABLE IF EXISTS myfamily___users`,
    `CREATE TABLE myfamily___users ("id" INTEGER, "email" VARCHAR(191), PRIMARY KEY("id","email"));`,
    `REPLACE INTO myfamily___users ("id","email") VALUES(2,'c@x')`,
  ]);
  rejects(
    () => ldb.reader.getRowByKey("myfamily", "users", "c@x"),
    "bad-key",
    "All primary key fields are required",
  );
  assert.deepEqual([...ldb.reader.getRowsByKeyPrefix("myfamily", "users", 2)], [
    { id: 2, email: "c@x" },
  ]);
});

Deno.test("a column added to a table appears in rows read after the change", async () => {
  await using ldb = await fixture(MYTABLE_STATEMENTS);
  assert.equal(Object.keys(ldb.reader.getRowByKey("myfamily", "mytable", 1)!).length, 3);
  ldb.write([
    `ALTER TABLE myfamily___mytable ADD COLUMN "extra" TEXT`,
    `REPLACE INTO myfamily___mytable ("id","name","data","extra") VALUES(1,'one',NULL,'more')`,
  ]);
  assert.deepStrictEqual(ldb.reader.getRowByKey("myfamily", "mytable", 1), {
    id: 1,
    name: "one",
    data: null,
    extra: "more",
  });
  assert.equal(
    [...ldb.reader.getRowsByKeyPrefix<{ extra: string }>("myfamily", "mytable")][0]?.extra,
    "more",
  );
});

Deno.test("integers beyond 2^53 are exact bigints, safe ones stay numbers", async () => {
  await using ldb = await fixture([
    ...MYTABLE_STATEMENTS,
    `CREATE TABLE myfamily___counts ("id" INTEGER, "n" INTEGER, "r" REAL, PRIMARY KEY("id"));`,
    `REPLACE INTO myfamily___counts ("id","n","r") VALUES(1,-9223372036854775808,1.5)`,
    `REPLACE INTO myfamily___counts ("id","n","r") VALUES(2,9223372036854775807,2)`,
    `REPLACE INTO myfamily___counts ("id","n","r") VALUES(3,9007199254740991,-0.25)`,
  ]);
  assert.deepStrictEqual(ldb.reader.getRowByKey("myfamily", "mytable", 9007199254740993n), {
    id: 9007199254740993n,
    name: "big",
    data: new Uint8Array([0]),
  });
  assert.equal(
    ldb.reader.getRowByKey<{ name: string }>("myfamily", "mytable", "9007199254740993")?.name,
    "big",
  );
  assert.deepStrictEqual([...ldb.reader.getRowsByKeyPrefix("myfamily", "counts")], [
    { id: 1, n: -9223372036854775808n, r: 1.5 },
    { id: 2, n: 9223372036854775807n, r: 2 },
    { id: 3, n: 9007199254740991, r: -0.25 },
  ]);
  assert.deepStrictEqual(ldb.reader.getRowByKey("myfamily", "counts", 1), {
    id: 1,
    n: -9223372036854775808n,
    r: 1.5,
  });
  assert.deepStrictEqual(ldb.reader.getRowByKey("myfamily", "counts", 2), {
    id: 2,
    n: 9223372036854775807n,
    r: 2,
  });
  assert.deepStrictEqual(ldb.reader.getRowByKey("myfamily", "counts", 3), {
    id: 3,
    n: 9007199254740991,
    r: -0.25,
  });
});

Deno.test("BLOB values are bytes only in columns declared BLOB or VARBINARY", async () => {
  await using ldb = await fixture([
    `CREATE TABLE myfamily___mixed ("id" INTEGER, "s" VARCHAR(191), "t" TEXT, "b" BLOB, "vb" VARBINARY(16), PRIMARY KEY("id"));`,
    `REPLACE INTO myfamily___mixed ("id","s","t","b","vb") VALUES(1,x'6869',x'c3a9',x'6869','text')`,
  ]);
  assert.deepStrictEqual(ldb.reader.getRowByKey("myfamily", "mixed", 1), {
    id: 1,
    s: "hi",
    t: "é",
    b: new Uint8Array([0x68, 0x69]),
    vb: "text",
  });
});

Deno.test("prefix iterations can nest lookups, be abandoned, wait unstarted or interleave", async () => {
  await using ldb = await fixture(MYTABLE_STATEMENTS);
  const seen: unknown[] = [];
  for (const row of ldb.reader.getRowsByKeyPrefix<{ id: number }>("myfamily", "mytable")) {
    const inner = [...ldb.reader.getRowsByKeyPrefix("myfamily", "mytable")];
    assert.equal(inner.length, 3);
    seen.push(ldb.reader.getRowByKey<{ id: number }>("myfamily", "mytable", row.id)?.id);
  }
  assert.deepEqual(seen, [1, 2, 9007199254740993n]);
  for (const _ of ldb.reader.getRowsByKeyPrefix("myfamily", "mytable")) break;
  const pending = ldb.reader.getRowsByKeyPrefix("myfamily", "mytable");
  assert.equal([...ldb.reader.getRowsByKeyPrefix("myfamily", "mytable")].length, 3);
  assert.equal([...pending].length, 3);
  const first = ldb.reader.getRowsByKeyPrefix<{ id: number }>("myfamily", "mytable");
  const second = ldb.reader.getRowsByKeyPrefix<{ id: number }>("myfamily", "mytable");
  const interleaved: unknown[] = [];
  for (
    let a = first.next(), b = second.next();
    !a.done || !b.done;
    a = first.next(), b = second.next()
  ) {
    interleaved.push(a.value?.id, b.value?.id);
  }
  assert.deepEqual(interleaved, [1, 1, 2, 2, 9007199254740993n, 9007199254740993n]);
});

Deno.test("rows written after the reader opened are visible", async () => {
  await using ldb = await fixture(MYTABLE_STATEMENTS);
  assert.equal(ldb.reader.getRowByKey("myfamily", "mytable", 5), undefined);
  ldb.write([`REPLACE INTO myfamily___mytable ("id","name","data") VALUES(5,'five',NULL)`]);
  assert.equal(ldb.reader.getRowByKey<{ name: string }>("myfamily", "mytable", 5)?.name, "five");
  ldb.write([`DELETE FROM myfamily___mytable WHERE "id" = 5`]);
  assert.equal(ldb.reader.getRowByKey("myfamily", "mytable", 5), undefined);
});

Deno.test("sequence, ping and ledger latency come from the metadata tables", async () => {
  await using empty = await fixture([]);
  assert.equal(empty.reader.getLastSequence(), 0);
  assert.equal(empty.reader.ping(), false);
  rejects(
    () => empty.reader.getLedgerLatency(),
    "no-ledger-updates",
    "no ledger updates have been received yet",
  );
  const lastUpdate = new Date(Date.now() - 60_000).toISOString().replace("T", " ").replace(
    "Z",
    "+00:00",
  );
  await using ldb = await fixture(MYTABLE_STATEMENTS, { seq: 42, lastUpdate });
  assert.equal(ldb.reader.getLastSequence(), 42);
  assert.equal(ldb.reader.ping(), true);
  const latency = ldb.reader.getLedgerLatency();
  assert.ok(latency >= 60_000 && latency < 3_600_000, String(latency));
});

Deno.test("a missing LDB file is reported with its path", async () => {
  await using dir = await tempDir();
  const path = `${dir.path}/ldb.db`;
  assert.throws(() => Reader.open(path), (e) => {
    assert.ok(e instanceof LdbNotFoundError);
    assert.equal(e.message, `no LDB found at ${path}`);
    return true;
  });
});

Deno.test("Reader.open defaults to ldb.db under CTLSTORE_PATH", async () => {
  await using dir = await tempDir();
  writeLdb(`${dir.path}/ldb.db`, { statements: MYTABLE_STATEMENTS, seq: 9 });
  const script = `import { Reader } from ${
    JSON.stringify(new URL("../../lib/mod.ts", import.meta.url).href)
  };
    const reader = Reader.open(); console.log(reader.path, reader.getLastSequence()); reader.close();`;
  const run = async (env: Record<string, string>) => {
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["eval", "--quiet", script],
      env,
      stdout: "piped",
      stderr: "piped",
    }).output();
    return new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr);
  };
  assert.equal(
    await run({ CTLSTORE_PATH: dir.path }),
    `${dir.path}/ldb.db 9\n`,
  );
  const fallback = await run({ CTLSTORE_PATH: "" });
  assert.match(fallback, /no LDB found at \/var\/spool\/ctlstore\/ldb\.db/);
});

Deno.test("a closed reader refuses calls", async () => {
  await using ldb = await fixture(MYTABLE_STATEMENTS);
  ldb.reader.close();
  ldb.reader.close();
  rejects(() => ldb.reader.getRowByKey("myfamily", "mytable", 1), "closed", "reader is closed");
  rejects(() => ldb.reader.getLastSequence(), "closed", "reader is closed");
  assert.equal(ldb.reader.ping(), false);
});

Deno.test("Reader.fromDatabase wraps an open connection", () => {
  const db = new DatabaseSync(":memory:");
  db.exec(
    `CREATE TABLE myfamily___mytable ("id" INTEGER, PRIMARY KEY("id")); INSERT INTO myfamily___mytable VALUES (7);`,
  );
  using reader = Reader.fromDatabase(db);
  assert.deepStrictEqual(reader.getRowByKey("myfamily", "mytable", 7), { id: 7 });
});
