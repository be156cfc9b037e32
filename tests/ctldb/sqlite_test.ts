import assert from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import { CtldbUnavailableError, openCtldb, SQLITE_CTLDB_SCHEMA } from "../../lib/ctldb/mod.ts";
import { tempDir } from "../_helpers/temp.ts";
import { type OpenedCtldb, registerSharedCases } from "./_shared_cases.ts";

async function openTemp(): Promise<OpenedCtldb> {
  const dir = await tempDir();
  const ctldb = await openCtldb(`sqlite:${dir.path}/ctldb.db`);
  return {
    ctldb,
    async [Symbol.asyncDispose]() {
      await ctldb.close();
      await dir[Symbol.asyncDispose]();
    },
  };
}

registerSharedCases("sqlite", Deno.test, openTemp);

Deno.test("sqlite: opening creates the file in an existing directory, in WAL mode", async () => {
  await using dir = await tempDir();
  const path = `${dir.path}/ctldb.db`;
  const ctldb = await openCtldb(`sqlite:${path}`);
  try {
    await ctldb.ensureSchema();
    assert.deepEqual(await ctldb.query("PRAGMA journal_mode"), [{ journal_mode: "wal" }]);
    assert.deepEqual(await ctldb.query("PRAGMA busy_timeout"), [{ timeout: 5000 }]);
  } finally {
    await ctldb.close();
  }
  assert.ok((await Deno.stat(path)).isFile);
});

Deno.test("sqlite: a ctldb whose directory does not exist is refused and nothing is created", async () => {
  await using dir = await tempDir();
  await assert.rejects(
    openCtldb(`sqlite:${dir.path}/a/b/ctldb.db`),
    Deno.errors.NotFound,
    `create ${dir.path}/a/b first`,
  );
  assert.deepEqual(await Array.fromAsync(Deno.readDir(dir.path)), []);
});

Deno.test("sqlite: ensureSchema creates the spec §4.2 tables with an autoincrement seq", async () => {
  await using opened = await openTemp();
  await opened.ctldb.ensureSchema();
  const tables = await opened.ctldb.query<{ name: string }>(
    "SELECT name FROM sqlite_master WHERE type = 'table' AND name <> 'sqlite_sequence' ORDER BY name",
  );
  const created = [...SQLITE_CTLDB_SCHEMA.matchAll(/CREATE TABLE (\w+)/g)].map((m) => m[1]).sort();
  assert.deepEqual(tables.map((t) => t.name), created);
  const [ledger] = await opened.ctldb.query<{ sql: string }>(
    "SELECT sql FROM sqlite_master WHERE name = 'ctlstore_dml_ledger'",
  );
  assert.match(ledger!.sql, /seq INTEGER PRIMARY KEY AUTOINCREMENT/);
});

Deno.test("sqlite: DDL from inside a transaction joins it and rolls back with it", async () => {
  await using opened = await openTemp();
  const { ctldb } = opened;
  await ctldb.ensureSchema();
  await assert.rejects(
    ctldb.transaction(async (tx) => {
      await tx.exec("INSERT INTO ctlstore_dml_ledger (statement) VALUES(?)", ["CREATE TABLE x;"]);
      await ctldb.execDdl('CREATE TABLE "f___t" ("k" INTEGER, PRIMARY KEY("k"))');
      assert.equal((await ctldb.listFamilyTables()).length, 1);
      throw new Error("abort");
    }),
    /abort/,
  );
  assert.deepEqual(await ctldb.listFamilyTables(), []);
  assert.equal(await ctldb.maxLedgerSeq(), 0);
});

Deno.test("sqlite: statements outside a transaction wait until it finishes", async () => {
  await using opened = await openTemp();
  const { ctldb } = opened;
  await ctldb.ensureSchema();
  let release!: () => void;
  const gate = new Promise<void>((resolve) => release = resolve);
  const order: string[] = [];
  const transaction = ctldb.transaction(async (tx) => {
    await tx.exec("INSERT INTO families (name) VALUES ('inside')");
    await gate;
    order.push("commit");
  });
  const outside = ctldb.query("SELECT name FROM families").then((rows) => {
    order.push("read");
    return rows;
  });
  await Promise.resolve();
  release();
  await transaction;
  assert.deepEqual(await outside, [{ name: "inside" }]);
  assert.deepEqual(order, ["commit", "read"]);
});

Deno.test("sqlite: a transaction inside a transaction is refused", async () => {
  await using opened = await openTemp();
  const { ctldb } = opened;
  await assert.rejects(
    ctldb.transaction(() => ctldb.transaction(() => Promise.resolve())),
    /nested/,
  );
  await ctldb.ping();
});

Deno.test("sqlite: a database locked by another process gives CtldbUnavailableError", async () => {
  await using opened = await openTemp();
  const { ctldb } = opened;
  await ctldb.ensureSchema();
  const [file] = await ctldb.query<{ file: string }>("SELECT file FROM pragma_database_list");
  const other = new DatabaseSync(file!.file);
  try {
    other.exec("PRAGMA busy_timeout = 0");
    other.exec("BEGIN EXCLUSIVE");
    await ctldb.exec("PRAGMA busy_timeout = 1");
    await assert.rejects(
      ctldb.exec("INSERT INTO families (name) VALUES ('x')"),
      CtldbUnavailableError,
    );
    other.exec("ROLLBACK");
  } finally {
    other.close();
  }
});

Deno.test("sqlite: a file that cannot be created gives CtldbUnavailableError", async () => {
  await using dir = await tempDir();
  await Deno.mkdir(`${dir.path}/ctldb.db`);
  await assert.rejects(openCtldb(`sqlite:${dir.path}/ctldb.db`), CtldbUnavailableError);
});
