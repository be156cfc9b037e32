import assert from "node:assert/strict";
import { type ChangeFilter, Reader } from "../../lib/mod.ts";
import type { FieldDef } from "../../lib/schema/mod.ts";
import { encodeChange } from "../../lib/sidecar/mod.ts";
import { historyLdb } from "../_helpers/history_ldb.ts";
import { CLI_PERMISSIONS, REPO_ROOT, spawnCli } from "../_helpers/process.ts";
import { tempDir } from "../_helpers/temp.ts";
import { ctl } from "./_cli.ts";

const FIELDS: FieldDef[] = [{ name: "id", type: "integer" }, { name: "name", type: "string" }];

/** The lines `ctlstore watch` must print: the reader's entries, encoded. */
function expectedLines(path: string, after: number, filter: ChangeFilter = {}): string[] {
  using reader = Reader.open(path);
  return reader.getChanges({ after, ...filter }).changes.map((c) => encodeChange(c));
}

function lines(text: string): string[] {
  return text.split("\n").filter((line) => line !== "");
}

function seqs(text: string): number[] {
  return lines(text).map((line) => JSON.parse(line).seq);
}

Deno.test("watch prints the changes after -after, then each change applied while it runs", async () => {
  using ldb = historyLdb();
  ldb.createTable("fam", "users", FIELDS, ["id"]);
  ldb.upsert("fam", "users", FIELDS, [1, "ada"]);
  const after = ldb.upsert("fam", "users", FIELDS, [2, "bob"]);
  ldb.upsert("fam", "users", FIELDS, [3, "cy"]);
  await using cli = await spawnCli(["watch", "-ldb-path", ldb.path, "-after", String(after)], {
    waitFor: '"seq":4,',
  });
  const live = ldb.apply([
    `REPLACE INTO fam___users ("id","name") VALUES(4,'dee')`,
    `DELETE FROM fam___users WHERE "id" = 1`,
  ]);
  await cli.waitForOutput(`"seq":${live - 1},`);
  cli.kill("SIGTERM");
  const status = await cli.status;
  assert.equal(status.code, 0, cli.stderr());
  assert.equal(cli.stderr(), "");
  assert.deepEqual(lines(cli.stdout()), expectedLines(ldb.path, after));
  assert.ok(cli.stdout().endsWith("\n"));
  assert.deepEqual(seqs(cli.stdout()), [4, 6, 7]);
});

Deno.test("watch without -after prints only the changes applied after it started", async () => {
  using ldb = historyLdb();
  ldb.createTable("fam", "users", FIELDS, ["id"]);
  const before = ldb.upsert("fam", "users", FIELDS, [1, "ada"]);
  await using cli = await spawnCli(["watch", "-ldb-path", ldb.path]);
  // The process prints nothing until it has a change, so write until one shows up.
  let id = 100;
  const deadline = Date.now() + 60_000;
  while (cli.stdout() === "") {
    assert.ok(Date.now() < deadline, `no change printed\n${cli.stderr()}`);
    ldb.upsert("fam", "users", FIELDS, [id++, "x"]);
    await cli.waitForOutput('"seq"', 250).catch(() => {});
  }
  const last = ldb.seq;
  await cli.waitForOutput(`"seq":${last},`);
  cli.kill("SIGINT");
  assert.equal((await cli.status).code, 0, cli.stderr());
  const printed = seqs(cli.stdout());
  assert.ok(printed[0]! > before, `printed ${printed}`);
  assert.deepEqual(lines(cli.stdout()), expectedLines(ldb.path, printed[0]! - 1));
  assert.equal(printed.at(-1), last);
});

Deno.test("watch -family and -table print only the matching changes", async () => {
  using ldb = historyLdb();
  for (const [family, table] of [["fam1", "alpha"], ["fam1", "beta"], ["fam2", "alpha"]] as const) {
    ldb.createTable(family, table, FIELDS, ["id"]);
    ldb.upsert(family, table, FIELDS, [1, `${family}.${table}`]);
  }
  ldb.apply(`DELETE FROM fam1___alpha WHERE "id" = 1`);
  const cases: { name: string; args: string[]; filter: ChangeFilter }[] = [
    { name: "family", args: ["-family", "fam1"], filter: { family: "fam1" } },
    { name: "table", args: ["-table", "alpha"], filter: { table: "alpha" } },
    {
      name: "both, upper case",
      args: ["-family", "FAM2", "-table", "Alpha"],
      filter: { family: "fam2", table: "alpha" },
    },
  ];
  const everything = expectedLines(ldb.path, 0);
  for (const { name, args, filter } of cases) {
    const expected = expectedLines(ldb.path, 0, filter);
    assert.ok(expected.length > 0 && expected.length < everything.length, name);
    await using cli = await spawnCli(["watch", "-ldb-path", ldb.path, "-after", "0", ...args], {
      waitFor: expected.at(-1)!,
    });
    cli.kill("SIGTERM");
    assert.equal((await cli.status).code, 0, `${name}: ${cli.stderr()}`);
    assert.deepEqual(lines(cli.stdout()), expected, name);
    for (const line of lines(cli.stdout())) {
      const change = JSON.parse(line);
      if (filter.family) assert.equal(change.family, filter.family, name);
      if (filter.table) assert.equal(change.table, filter.table, name);
    }
  }
});

Deno.test("watch stops on SIGINT, also when it arrives twice at once, and exits 0", async () => {
  using ldb = historyLdb();
  ldb.createTable("fam", "users", FIELDS, ["id"]);
  await using cli = await spawnCli(["watch", "-ldb-path", ldb.path, "-after", "0"], {
    waitFor: '"seq":1,',
  });
  cli.kill("SIGINT");
  cli.kill("SIGINT");
  assert.equal((await cli.status).code, 0, cli.stderr());
  assert.equal(cli.stderr(), "");
  assert.deepEqual(lines(cli.stdout()), expectedLines(ldb.path, 0));
});

Deno.test("watch exits 0 when its stdout is closed", async () => {
  using ldb = historyLdb();
  ldb.createTable("fam", "users", FIELDS, ["id"]);
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", ...CLI_PERMISSIONS, "main.ts", "watch", "-ldb-path", ldb.path, "-after", "0"],
    cwd: REPO_ROOT,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const stderr = new Response(child.stderr).text();
  try {
    const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
    const first = await reader.read();
    assert.match(first.value ?? "", /"seq":1,/);
    await reader.cancel(); // like `| head -1`
    // The next line hits the closed pipe.
    ldb.upsert("fam", "users", FIELDS, [1, "ada"]);
    const status = await child.status;
    assert.equal(status.code, 0, await stderr);
    assert.equal(await stderr, "");
  } finally {
    try {
      child.kill("SIGKILL");
    } catch {
      // Exited already.
    }
    await child.status;
    await stderr;
  }
});

Deno.test("watch fails with one line on stderr and exit 1", async (t) => {
  await using dir = await tempDir();
  using withHistory = historyLdb();
  withHistory.createTable("fam", "users", FIELDS, ["id"]);
  using noHistory = historyLdb(0);
  noHistory.createTable("fam", "users", FIELDS, ["id"]);
  using pruned = historyLdb(2);
  pruned.createTable("fam", "users", FIELDS, ["id"]);
  for (let id = 1; id <= 10; id++) pruned.upsert("fam", "users", FIELDS, [id, "x"]);
  const oldest = (() => {
    using reader = Reader.open(pruned.path);
    try {
      reader.getChanges({ after: 0 });
    } catch (error) {
      return (error as { oldestSeq: number }).oldestSeq;
    }
    throw new Error("the history was not pruned");
  })();
  const cases: { name: string; args: string[]; env?: Record<string, string>; line: RegExp }[] = [
    {
      name: "no LDB",
      args: ["-ldb-path", `${dir.path}/missing.db`],
      line: new RegExp(`^error: no LDB found at ${dir.path}/missing\\.db$`),
    },
    {
      name: "no LDB at the default path",
      args: [],
      env: { CTLSTORE_PATH: dir.path },
      line: new RegExp(`^error: no LDB found at ${dir.path}/ldb\\.db$`),
    },
    {
      name: "no change history",
      args: ["-ldb-path", noHistory.path, "-after", "0"],
      line: /^error: this LDB has no change history/,
    },
    {
      name: "no change history, default after",
      args: ["-ldb-path", noHistory.path],
      line: /^error: this LDB has no change history/,
    },
    {
      name: "history gone",
      args: ["-ldb-path", pruned.path, "-after", "1"],
      line: new RegExp(
        `^error: changes after seq 1 are no longer retained: the change history holds the ` +
          `changes after seq ${oldest}; re-read the state .* -after `,
      ),
    },
    {
      name: "bad family name",
      args: ["-ldb-path", withHistory.path, "-family", "no spaces"],
      line: /^error: .*family/i,
    },
    {
      name: "bad table name",
      args: ["-ldb-path", withHistory.path, "-table", "bad-name!"],
      line: /^error: .*table/i,
    },
    {
      name: "negative after",
      args: ["-ldb-path", withHistory.path, "-after", "-5"],
      line: /^error: invalid after -5: must be a non-negative integer$/,
    },
  ];
  for (const { name, args, env, line } of cases) {
    await t.step(name, async () => {
      const result = await ctl(["watch", ...args], env);
      assert.equal(result.code, 1, `${name}: ${result.stderr}`);
      assert.equal(result.stdout, "", name);
      assert.equal(lines(result.stderr).length, 1, `${name}: ${result.stderr}`);
      assert.match(result.stderr.trimEnd(), line, name);
    });
  }
});

Deno.test("watch refuses a non-integer -after like any integer flag", async () => {
  using ldb = historyLdb();
  const result = await ctl(["watch", "-ldb-path", ldb.path, "-after", "ten"]);
  assert.equal(result.code, 1);
  assert.equal(result.stdout, "");
  assert.equal(
    result.stderr,
    'ctlstore watch: invalid integer value "ten" for flag -after (see ctlstore watch --help)\n',
  );
});
