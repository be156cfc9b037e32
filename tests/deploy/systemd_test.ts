import assert from "node:assert/strict";
import { COMMANDS } from "../../commands/mod.ts";
import { parseFlags } from "../../lib/flags/mod.ts";
import { REPO_ROOT } from "../_helpers/process.ts";

const DIR = `${REPO_ROOT}deploy/systemd/`;
const ENV_FILE = `${DIR}ctlstore.env.example`;

/** The form systemd's EnvironmentFile and a POSIX shell read alike. */
const ASSIGNMENT = /^([A-Z_][A-Z0-9_]*)='([^']*)'$/;

/** The variables of an environment file as systemd reads them: `NAME='value'` lines. */
function readEnvFile(text: string): Record<string, string> {
  const variables: Record<string, string> = {};
  for (const line of text.split("\n")) {
    if (line === "" || line.startsWith("#")) continue;
    const [, name, value] = ASSIGNMENT.exec(line) ?? assert.fail(`not NAME='value': ${line}`);
    variables[name!] = value!;
  }
  return variables;
}

Deno.test("every setting of the example environment file is NAME='value', read alike by systemd and sh", async () => {
  const variables = readEnvFile(await Deno.readTextFile(ENV_FILE));
  assert.equal(variables.CTLSTORE_CTLDB, "ctldb:change-me@tcp(ctldb.internal:3306)/ctldb");
  assert.equal(variables.CTLSTORE_EXECUTIVE_URL, "http://ctlstore-executive.internal:3000");
});

Deno.test("the example environment file can be sourced by a POSIX shell with set -a", async () => {
  const expected = readEnvFile(await Deno.readTextFile(ENV_FILE));
  const { code, stdout, stderr } = await new Deno.Command("sh", {
    args: ["-c", 'set -a; . "$1"; env', "sh", ENV_FILE],
    clearEnv: true,
    env: { PATH: Deno.env.get("PATH") ?? "/usr/bin:/bin" },
  }).output();
  const decoder = new TextDecoder();
  assert.equal(decoder.decode(stderr), "");
  assert.equal(code, 0);
  const exported = Object.fromEntries(
    decoder.decode(stdout).split("\n")
      .filter((line) => line.startsWith("CTLSTORE_"))
      .map((line) => [line.slice(0, line.indexOf("=")), line.slice(line.indexOf("=") + 1)]),
  );
  assert.deepEqual(exported, expected);
});

/** Each unit's `ExecStart` command line, split at spaces (none of them quotes). */
async function unitCommands(): Promise<[string, string[]][]> {
  const units: [string, string[]][] = [];
  for await (const entry of Deno.readDir(DIR)) {
    if (!entry.name.endsWith(".service")) continue;
    const text = await Deno.readTextFile(DIR + entry.name);
    const line = text.split("\n").find((l) => l.startsWith("ExecStart="));
    assert.ok(line, entry.name);
    units.push([entry.name, line.slice("ExecStart=".length).split(" ")]);
  }
  return units.sort();
}

Deno.test("every unit's command line parses with the environment file's settings", async () => {
  const env = readEnvFile(await Deno.readTextFile(ENV_FILE));
  const units = await unitCommands();
  assert.equal(units.length, 5);
  for (const [unit, [binary, name, ...args]] of units) {
    assert.equal(binary, "/usr/local/bin/ctlstore", unit);
    const command = COMMANDS.find((c) => c.name === name);
    assert.ok(command, `${unit}: ${name}`);
    const { positionals } = parseFlags(command.flags, args, env);
    assert.deepEqual(positionals, [], unit);
  }
});

Deno.test("the reflector unit bootstraps its LDB from the snapshot the supervisor unit publishes", async () => {
  const env = readEnvFile(await Deno.readTextFile(ENV_FILE));
  const units = new Map(await unitCommands());
  const flags = (unit: string) => {
    const [, name, ...args] = units.get(unit)!;
    const command = COMMANDS.find((c) => c.name === name)!;
    return parseFlags(command.flags, args, env).values as Record<string, unknown>;
  };
  const bootstrap = flags("ctlstore-reflector.service")["bootstrap-url"];
  assert.equal(bootstrap, "file:///var/spool/ctlstore/snapshots/snapshot.db");
  assert.equal(flags("ctlstore-supervisor.service")["snapshot-url"], bootstrap);
});
