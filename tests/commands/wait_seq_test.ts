import assert from "node:assert/strict";
import { dirname } from "node:path";
import type { FieldDef } from "../../lib/schema/mod.ts";
import { historyLdb } from "../_helpers/history_ldb.ts";
import { spawnCli } from "../_helpers/process.ts";
import { tempDir } from "../_helpers/temp.ts";
import { ctl } from "./_cli.ts";

const FIELDS: FieldDef[] = [{ name: "id", type: "integer" }, { name: "name", type: "string" }];

/** Resolves `true` when the process has exited within `ms`, `false` when it still runs. */
async function exitsWithin(status: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const stillRunning = new Promise<false>((resolve) => timer = setTimeout(resolve, ms, false));
  try {
    return await Promise.race([status.then(() => true), stillRunning]);
  } finally {
    clearTimeout(timer);
  }
}

Deno.test("wait-seq exits 0 at once and prints the applied seq when the seq is applied", async () => {
  using ldb = historyLdb();
  ldb.createTable("fam", "users", FIELDS, ["id"]);
  const seq = ldb.upsert("fam", "users", FIELDS, [1, "ada"]);
  for (const wanted of [seq, 1]) {
    assert.deepEqual(
      await ctl(["wait-seq", "-ldb-path", ldb.path, "-seq", String(wanted)]),
      { code: 0, stdout: `${seq}\n`, stderr: "" },
      `-seq ${wanted}`,
    );
  }
  assert.deepEqual(
    await ctl(["wait-seq", "-ldb-path", ldb.path, "-seq", String(seq), "-timeout", "0"]),
    { code: 0, stdout: `${seq}\n`, stderr: "" },
    "-timeout 0",
  );
});

Deno.test("wait-seq waits while the seq is not applied and exits 0 once it is", async () => {
  using ldb = historyLdb();
  const first = ldb.createTable("fam", "users", FIELDS, ["id"]);
  const target = first + 2;
  await using cli = await spawnCli([
    "wait-seq",
    "-ldb-path",
    ldb.path,
    "-seq",
    String(target),
    "-timeout",
    "5m",
  ]);
  ldb.upsert("fam", "users", FIELDS, [1, "ada"]);
  assert.equal(await exitsWithin(cli.status, 1000), false, `exited early: ${cli.stderr()}`);
  ldb.upsert("fam", "users", FIELDS, [2, "bob"]);
  const status = await cli.status;
  assert.equal(status.code, 0, cli.stderr());
  assert.equal(cli.stdout(), `${target}\n`);
  assert.equal(cli.stderr(), "");
});

Deno.test("wait-seq times out with exit 1 and one line naming the LDB's seq", async () => {
  using ldb = historyLdb();
  ldb.createTable("fam", "users", FIELDS, ["id"]);
  const seq = ldb.upsert("fam", "users", FIELDS, [1, "ada"]);
  const cases: [string, string][] = [["300ms", "300ms"], ["0", "0s"], ["1.5s", "1.5s"]];
  for (const [timeout, shown] of cases) {
    assert.deepEqual(
      await ctl(["wait-seq", "-ldb-path", ldb.path, "-seq", "50", "-timeout", timeout]),
      {
        code: 1,
        stdout: "",
        stderr: `error: seq 50 not applied after ${shown}: the LDB is at seq ${seq}\n`,
      },
      `-timeout ${timeout}`,
    );
  }
});

Deno.test("wait-seq reads $CTLSTORE_PATH/ldb.db without -ldb-path", async () => {
  using ldb = historyLdb();
  const seq = ldb.createTable("fam", "users", FIELDS, ["id"]);
  assert.deepEqual(
    await ctl(["wait-seq", "-seq", String(seq)], { CTLSTORE_PATH: dirname(ldb.path) }),
    { code: 0, stdout: `${seq}\n`, stderr: "" },
  );
});

Deno.test("wait-seq works on an LDB without change history", async () => {
  using ldb = historyLdb(0);
  const seq = ldb.createTable("fam", "users", FIELDS, ["id"]);
  assert.deepEqual(
    await ctl(["wait-seq", "-ldb-path", ldb.path, "-seq", String(seq)]),
    { code: 0, stdout: `${seq}\n`, stderr: "" },
  );
});

Deno.test("wait-seq refuses a missing or negative -seq, a negative -timeout and a missing LDB", async (t) => {
  await using dir = await tempDir();
  using ldb = historyLdb();
  ldb.createTable("fam", "users", FIELDS, ["id"]);
  const path = ldb.path;
  const cases: { name: string; args: string[]; stderr: RegExp }[] = [
    {
      name: "missing -seq",
      args: ["-ldb-path", path],
      stderr: /^ctlstore wait-seq: missing required flag -seq \(see ctlstore wait-seq --help\)\n$/,
    },
    {
      name: "non-integer -seq",
      args: ["-ldb-path", path, "-seq", "abc"],
      stderr:
        /^ctlstore wait-seq: invalid integer value "abc" for flag -seq \(see ctlstore wait-seq --help\)\n$/,
    },
    {
      name: "negative -seq",
      args: ["-ldb-path", path, "-seq", "-5"],
      stderr: /^error: invalid seq -5: must be a non-negative integer\n$/,
    },
    {
      name: "negative -timeout",
      args: ["-ldb-path", path, "-seq", "1", "-timeout", "-1s"],
      stderr:
        /^ctlstore wait-seq: invalid value passed to -timeout: '-1s' \(must not be negative\) \(see ctlstore wait-seq --help\)\n$/,
    },
    {
      name: "no LDB",
      args: ["-ldb-path", `${dir.path}/missing.db`, "-seq", "1"],
      stderr: new RegExp(`^error: no LDB found at ${dir.path}/missing\\.db\\n$`),
    },
  ];
  for (const { name, args, stderr } of cases) {
    await t.step(name, async () => {
      const result = await ctl(["wait-seq", ...args]);
      assert.equal(result.code, 1, `${name}: ${result.stderr}`);
      assert.equal(result.stdout, "", name);
      assert.match(result.stderr, stderr, name);
    });
  }
});
