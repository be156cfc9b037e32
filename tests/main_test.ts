import assert from "node:assert/strict";
import { COMMANDS } from "../commands/mod.ts";
import { VERSION } from "../lib/version.ts";
import { runCli } from "./commands/_ldb.ts";

Deno.test("the version constant matches deno.json", async () => {
  const config = JSON.parse(await Deno.readTextFile(new URL("../deno.json", import.meta.url)));
  assert.equal(VERSION, config.version);
});

Deno.test("ctlstore version prints the version", async () => {
  const { code, stdout } = await runCli(["version"]);
  assert.equal(code, 0);
  assert.equal(stdout, `${VERSION}\n`);
});

Deno.test("ctlstore --help lists every command with its summary on one line", async () => {
  for (const flag of ["--help", "-h", "-help", "help"]) {
    const { code, stdout, stderr } = await runCli([flag]);
    assert.equal(code, 0, flag);
    assert.equal(stderr, "");
    const listed = stdout.split("\n").filter((line) => /^ {2}\S/.test(line));
    assert.deepEqual(
      listed.map((line) => line.trim().split(/\s{2,}/)),
      COMMANDS.map((c) => [c.name, c.summary]),
      flag,
    );
  }
});

Deno.test("<command> --help prints its flags with defaults and exits 0", async () => {
  const { code, stdout } = await runCli(["read-keys", "--help"]);
  assert.equal(code, 0);
  assert.match(stdout, /^Usage: ctlstore read-keys \[flags\] \[key…\]\n/);
  assert.match(
    stdout,
    /-l, -ldb string\n\s+path to the LDB file \(default \/var\/spool\/ctlstore\/ldb\.db\)/,
  );
});

Deno.test("no command prints usage on stderr and exits 1", async () => {
  const { code, stdout, stderr } = await runCli([]);
  assert.equal(code, 1);
  assert.equal(stdout, "");
  assert.match(stderr, /^missing command\n\nUsage: ctlstore <command>/);
});

Deno.test("an unknown command prints usage on stderr and exits 1", async () => {
  const { code, stderr } = await runCli(["nope"]);
  assert.equal(code, 1);
  assert.match(stderr, /^unknown command: nope\n\nUsage: ctlstore <command>/);
});

Deno.test("command line mistakes fail with one line naming the problem, then usage", async () => {
  const cases: [string[], string][] = [
    [["version", "-bogus"], "flag provided but not defined: -bogus"],
    [["version", "extra"], "unexpected argument: extra"],
    [["read-seq", "-l", "/tmp/ldb.db", "/tmp/other.db"], "unexpected argument: /tmp/other.db"],
    [["ldb-read-key", "-family", "f"], "invalid value passed to ldb-path: zero value"],
  ];
  for (const [args, message] of cases) {
    const { code, stdout, stderr } = await runCli(args);
    assert.equal(code, 1, args.join(" "));
    assert.equal(stdout, "");
    assert.equal(stderr.split("\n")[0], message, args.join(" "));
    assert.match(stderr, new RegExp(`\\n\\nUsage: ctlstore ${args[0]} \\[flags\\]`));
    assert.doesNotMatch(stderr, /at .*\.ts:\d+/);
  }
});
