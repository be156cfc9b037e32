import assert from "node:assert/strict";
import type { Command } from "../commands/_command.ts";
import { COMMANDS } from "../commands/mod.ts";
import { formatFlagHelp } from "../lib/flags/mod.ts";
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

Deno.test("command line mistakes fail with one line naming the command and the problem, no usage", async () => {
  const cases: [string[], string][] = [
    [["version", "-bogus"], "ctlstore version: flag provided but not defined: -bogus"],
    [["version", "extra"], "ctlstore version: unexpected argument: extra"],
    [
      ["read-seq", "-l", "/tmp/ldb.db", "/tmp/other.db"],
      "ctlstore read-seq: unexpected argument: /tmp/other.db",
    ],
    [
      ["ldb-read-key", "-family", "f"],
      "ctlstore ldb-read-key: missing required flags -ldb-path, -table, -key-json",
    ],
    [["executive"], "ctlstore executive: missing required flags -bind, -ctldb"],
    [["executive", "-bind", ":3000"], "ctlstore executive: missing required flag -ctldb"],
    [["executive", "-bind=", "-ctldb", "x"], "ctlstore executive: -bind must not be empty"],
    [
      ["table-limits", "update", "-f", "fam"],
      "ctlstore table-limits update: missing required flag -table",
    ],
    [
      ["reflector", "-ldb-path", "/nonexistent/ldb.db", "-upstream-driver", "sqlite3"],
      "ctlstore reflector: missing required flag -upstream-dsn",
    ],
    [
      [
        ...["reflector", "-ldb-path", "/nonexistent/ldb.db", "-upstream-driver", "sqlite3"],
        ...["-upstream-dsn", "/nonexistent/ctldb.db", "-poll-interval", "0"],
      ],
      "ctlstore reflector: invalid value passed to -poll-interval: '0s' (must be positive)",
    ],
  ];
  for (const [args, message] of cases) {
    const { code, stdout, stderr } = await runCli(args);
    const invocation = args[0] === "table-limits"
      ? "ctlstore table-limits update"
      : `ctlstore ${args[0]}`;
    assert.equal(code, 1, args.join(" "));
    assert.equal(stdout, "");
    assert.equal(stderr, `${message} (see ${invocation} --help)\n`, args.join(" "));
  }
});

/** Every command and subcommand, with its name as typed after `ctlstore`. */
function everyCommand(commands = COMMANDS, prefix = ""): [string, Command][] {
  return commands.flatMap((command): [string, Command][] => {
    const name = `${prefix}${command.name}`;
    return command.subcommands ? everyCommand(command.subcommands, `${name} `) : [[name, command]];
  });
}

Deno.test("no flag of any command is both required and defaulted, so help never shows both", () => {
  const commands = everyCommand();
  assert.ok(commands.length > 20);
  for (const [name, command] of commands) {
    for (const [flag, spec] of Object.entries(command.flags)) {
      assert.ok(!(spec.required && spec.default !== undefined), `${name} -${flag}`);
    }
    for (const line of formatFlagHelp(command.flags).split("\n")) {
      assert.doesNotMatch(line, /\(default [^)]*\) \(required\)/, `${name}: ${line}`);
    }
  }
});

Deno.test("a required flag's help line says required", async () => {
  const { code, stdout } = await runCli(["executive", "--help"]);
  assert.equal(code, 0);
  assert.match(
    stdout,
    /-bind string\n\s+HTTP listen address, e\.g\. 0\.0\.0\.0:3000 \(required\) \[/,
  );
});
