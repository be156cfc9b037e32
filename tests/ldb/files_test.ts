import assert from "node:assert/strict";
import {
  ldbFilePaths,
  pathExists,
  removeIfExists,
  removeLdbFiles,
  removeLdbSideFiles,
} from "../../lib/ldb/mod.ts";
import { tempDir } from "../_helpers/temp.ts";

async function touch(paths: string[]): Promise<void> {
  for (const path of paths) await Deno.writeTextFile(path, "x");
}

async function present(dir: string): Promise<string[]> {
  return (await Array.fromAsync(Deno.readDir(dir), (entry) => entry.name)).sort();
}

Deno.test("an LDB's files are the database, then its -wal and -shm", () => {
  assert.deepEqual(ldbFilePaths("/a/ldb.db"), ["/a/ldb.db", "/a/ldb.db-wal", "/a/ldb.db-shm"]);
});

Deno.test("removing an LDB's side files keeps the database and other files", async () => {
  await using dir = await tempDir();
  const db = `${dir.path}/ldb.db`;
  await touch([...ldbFilePaths(db), `${db}-journal`, `${db}.tmp`]);
  await removeLdbSideFiles(db);
  assert.deepEqual(await present(dir.path), ["ldb.db", "ldb.db.tmp"]);
  await removeLdbSideFiles(db); // none left: nothing to do
});

Deno.test("removing an LDB's files removes the database and every side file, present or not", async () => {
  await using dir = await tempDir();
  const copy = `${dir.path}/ldb.db.snapshot`;
  await touch([copy, `${copy}-journal`, `${dir.path}/ldb.db`]);
  await removeLdbFiles(copy);
  assert.deepEqual(await present(dir.path), ["ldb.db"]);
  await removeIfExists(`${dir.path}/missing`);
  assert.equal(await pathExists(`${dir.path}/ldb.db`), true);
});

Deno.test("removing a file that cannot be removed fails", async () => {
  await using dir = await tempDir();
  await Deno.mkdir(`${dir.path}/full/child`, { recursive: true });
  await assert.rejects(removeIfExists(`${dir.path}/full`));
});
