import assert from "node:assert/strict";
import { tempDir } from "../_helpers/temp.ts";
import { MYTABLE_STATEMENTS, writeLdb } from "../reader/_fixture.ts";
import { runCli } from "./_ldb.ts";

Deno.test("ldb-read-key prints a row as Go JSON with sorted keys, base64 and exact int64", async () => {
  await using dir = await tempDir();
  const path = `${dir.path}/ldb.db`;
  writeLdb(path, {
    statements: [
      ...MYTABLE_STATEMENTS,
      `CREATE TABLE myfamily___blobkey ("k" BLOB(255), "score" REAL, PRIMARY KEY("k"));`,
      `REPLACE INTO myfamily___blobkey ("k","score") VALUES(x'0102',0.5)`,
    ],
  });
  const cases: [string, string, string][] = [
    ["mytable", "[1]", `{"data":"3q2+7w==","id":1,"name":"one"}\n`],
    ["MyTable", "[2]", `{"data":null,"id":2,"name":"two \\u003c\\u0026\\u003e"}\n`],
    ["mytable", "[9007199254740993]", `{"data":"AA==","id":9007199254740993,"name":"big"}\n`],
    ["blobkey", `[{"Binary":"AQI="}]`, `{"k":"AQI=","score":0.5}\n`],
    ["blobkey", `[{"binary":"AQI="}]`, `{"k":"AQI=","score":0.5}\n`],
  ];
  for (const [table, key, expected] of cases) {
    const out = await runCli([
      "ldb-read-key",
      "-ldb-path",
      path,
      "-family",
      "myfamily",
      "-table",
      table,
      "-key-json",
      key,
    ]);
    assert.equal(out.stdout, expected, `${table} ${key}: ${out.stderr}`);
    assert.equal(out.code, 0);
  }
});

Deno.test("ldb-read-key fails with one line for absent rows, bad keys and unreadable LDBs", async () => {
  await using dir = await tempDir();
  const path = `${dir.path}/ldb.db`;
  writeLdb(path, { statements: MYTABLE_STATEMENTS });
  const cases: [string[], string][] = [
    [["-ldb-path", path, "-table", "mytable", "-key-json", "[3]"], "error: Not found\n"],
    [["-ldb-path", path, "-table", "nosuch", "-key-json", "[3]"], "error: Table not found\n"],
    [
      ["-ldb-path", path, "-table", "mytable", "-key-json", "[1, 2]"],
      "error: too many key parts: myfamily.mytable has a primary key of 1 column (id), got 2\n",
    ],
    [
      ["-ldb-path", path, "-table", "mytable", "-key-json", "[]"],
      "error: too few key parts: myfamily.mytable has a primary key of 1 column (id), got 0\n",
    ],
    [
      ["-ldb-path", path, "-table", "mytable", "-key-json", "{"],
      /^error: invalid -key-json: .+\n$/,
    ],
    [
      ["-ldb-path", path, "-table", "mytable", "-key-json", "42"],
      "error: invalid -key-json: expected a JSON array\n",
    ],
    [
      ["-ldb-path", path, "-table", "mytable", "-key-json", "[[1]]"],
      "error: invalid -key-json: key #0 is not a scalar\n",
    ],
    [
      ["-ldb-path", path, "-table", "mytable", "-key-json", '[{"Vaule": 1}]'],
      "error: invalid -key-json: key #0 has an unknown field 'Vaule'\n",
    ],
    [
      ["-ldb-path", path, "-table", "mytable", "-key-json", '[{"Value": {"a": 1}}]'],
      "error: invalid -key-json: key #0 is not a scalar\n",
    ],
    [
      ["-ldb-path", path, "-table", "mytable", "-key-json", '[{"Binary": "!!"}]'],
      "error: invalid -key-json: field 'key #0': maybeDecodeBase64: illegal base64 data at input byte 0\n",
    ],
    [
      ["-ldb-path", dir.path, "-table", "mytable", "-key-json", "[1]"],
      `error: Error opening reader: cannot read LDB at ${dir.path}: is a directory\n`,
    ],
    [
      ["-ldb-path", `${dir.path}/missing.db`, "-table", "mytable", "-key-json", "[1]"],
      `error: Error opening reader: no LDB found at ${dir.path}/missing.db\n`,
    ],
  ].map(([args, expected]) => [["-family", "myfamily", ...args as string[]], expected as string]);
  for (const [args, expected] of cases) {
    const out = await runCli(["ldb-read-key", ...args]);
    assert.equal(out.code, 1, args.join(" "));
    assert.equal(out.stdout, "");
    if (typeof expected === "string") assert.equal(out.stderr, expected);
    else assert.match(out.stderr, expected);
  }
});
