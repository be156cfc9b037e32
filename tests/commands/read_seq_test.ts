import assert from "node:assert/strict";
import { tempDir } from "../_helpers/temp.ts";
import { writeLdb } from "../reader/_fixture.ts";
import { runCli } from "./_ldb.ts";

Deno.test("read-seq prints the last applied sequence, 0 for a fresh LDB", async () => {
  await using dir = await tempDir();
  const path = `${dir.path}/ldb.db`;
  writeLdb(path, {});
  assert.deepEqual(await runCli(["read-seq", "-l", path]), { code: 0, stdout: "0\n", stderr: "" });
  writeLdb(path, { seq: 12345 });
  assert.deepEqual(await runCli(["read-seq", "--ldb", path]), {
    code: 0,
    stdout: "12345\n",
    stderr: "",
  });
});

Deno.test("read-seq reports a missing LDB in one line", async () => {
  await using dir = await tempDir();
  const path = `${dir.path}/ldb.db`;
  assert.deepEqual(await runCli(["read-seq", "-l", path]), {
    code: 1,
    stdout: "",
    stderr: `error: no LDB found at ${path}\n`,
  });
});
