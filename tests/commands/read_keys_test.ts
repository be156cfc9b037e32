import assert from "node:assert/strict";
import { tempDir } from "../_helpers/temp.ts";
import { MYTABLE_STATEMENTS, writeLdb } from "../reader/_fixture.ts";
import { runCli } from "./_ldb.ts";

async function ldb() {
  const dir = await tempDir();
  const path = `${dir.path}/ldb.db`;
  writeLdb(path, {
    statements: [
      ...MYTABLE_STATEMENTS,
      `CREATE TABLE myfamily___pairs ("k" BLOB(255), "n" INTEGER, "score" REAL, "note" TEXT, PRIMARY KEY("k","n"));`,
      `REPLACE INTO myfamily___pairs ("k","n","score","note") VALUES(x'00ff',7,100000000,NULL)`,
      `REPLACE INTO myfamily___pairs ("k","n","score","note") VALUES(x'6162',8,0.25,'ab')`,
    ],
  });
  return { path, [Symbol.asyncDispose]: () => dir[Symbol.asyncDispose]() };
}

Deno.test("read-keys prints a sorted COLUMN VALUE table", async () => {
  await using db = await ldb();
  const out = await runCli(["read-keys", "-l", db.path, "-f", "myfamily", "-t", "mytable", "1"]);
  assert.equal(out.stderr, "");
  assert.equal(
    out.stdout,
    "COLUMN VALUE\n------ -----\ndata   0xdeadbeef\nid     1\nname   one\n",
  );
  assert.equal(out.code, 0);
});

Deno.test("read-keys decodes hex keys, coerces digits and formats values like Go", async () => {
  await using db = await ldb();
  const cases: [string[], string][] = [
    [["0x00ff", "7"], "k     0x00ff\nn     7\nnote  <nil>\nscore 1e+08\n"],
    [["ab", "8"], "k     0x6162\nn     8\nnote  ab\nscore 0.25\n"],
    [["0x6162", "8"], "k     0x6162\nn     8\nnote  ab\nscore 0.25\n"],
  ];
  for (const [keys, expected] of cases) {
    const out = await runCli([
      "read-keys",
      "--ldb",
      db.path,
      "--family=myfamily",
      "-t",
      "pairs",
      "-q",
      ...keys,
    ]);
    assert.equal(out.stdout, expected, `${keys}: ${out.stderr}`);
  }
  const big = await runCli([
    "read-keys",
    "-l",
    db.path,
    "-f",
    "myfamily",
    "-t",
    "mytable",
    "-q",
    "9007199254740993",
  ]);
  assert.equal(big.stdout, "data 0x00\nid   9007199254740993\nname big\n");
});

Deno.test("read-keys fails with one line for absent rows, bad tables, keys and LDBs", async () => {
  await using db = await ldb();
  const cases: [string[], string][] = [
    [["-l", db.path, "-f", "myfamily", "-t", "mytable", "5"], "error: Not found\n"],
    [["-l", db.path, "-f", "myfamily", "-t", "nosuch", "5"], "error: Table not found\n"],
    [
      ["-l", db.path, "-f", "myfamily", "-t", "mytable", "1", "2"],
      "error: too many key parts: myfamily.mytable has a primary key of 1 column (id), got 2\n",
    ],
    [
      ["-l", db.path, "-f", "myfamily", "-t", "pairs", "0x00ff"],
      "error: too few key parts: myfamily.pairs has a primary key of 2 columns (k, n), got 1\n",
    ],
    [
      ["-l", db.path, "-f", "myfamily", "-t", "pairs", "0x0", "1"],
      "error: invalid key '0x0': odd length hex string\n",
    ],
    [
      ["-l", db.path, "-f", "x", "-t", "mytable", "1"],
      "error: Family names must be at least 3 characters\n",
    ],
    [
      ["-l", db.path, "-t", "mytable", "1"],
      "ctlstore read-keys: missing required flag -family (see ctlstore read-keys --help)\n",
    ],
    [
      ["-l", `${db.path}.missing`, "-f", "myfamily", "-t", "mytable", "1"],
      `error: no LDB found at ${db.path}.missing\n`,
    ],
  ];
  for (const [args, expected] of cases) {
    const out = await runCli(["read-keys", ...args]);
    assert.equal(out.stderr, expected, args.join(" "));
    assert.equal(out.stdout, "");
    assert.equal(out.code, 1);
  }
});
