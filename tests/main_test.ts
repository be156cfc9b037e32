import assert from "node:assert/strict";
import { VERSION } from "../lib/version.ts";

const MAIN = new URL("../main.ts", import.meta.url).pathname;

async function ctlstore(...args: string[]) {
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", MAIN, ...args],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const decode = (b: Uint8Array) => new TextDecoder().decode(b);
  return { code: output.code, stdout: decode(output.stdout), stderr: decode(output.stderr) };
}

Deno.test("the version constant matches deno.json", async () => {
  const config = JSON.parse(await Deno.readTextFile(new URL("../deno.json", import.meta.url)));
  assert.equal(VERSION, config.version);
});

Deno.test("ctlstore version prints the version", async () => {
  const { code, stdout } = await ctlstore("version");
  assert.equal(code, 0);
  assert.equal(stdout, `${VERSION}\n`);
});

Deno.test("ctlstore --help lists every command with one line each", async () => {
  const { code, stdout } = await ctlstore("--help");
  assert.equal(code, 0);
  for (const name of ["version"]) assert.match(stdout, new RegExp(`\\n  ${name}\\s+\\S`));
});

Deno.test("no command prints usage on stderr and exits 1", async () => {
  const { code, stderr } = await ctlstore();
  assert.equal(code, 1);
  assert.match(stderr, /^missing command\n\nUsage: ctlstore <command>/);
});

Deno.test("an unknown command prints usage on stderr and exits 1", async () => {
  const { code, stderr } = await ctlstore("nope");
  assert.equal(code, 1);
  assert.match(stderr, /^unknown command: nope\n/);
});

Deno.test("an unknown flag fails with the flag named, exit 1, no stack trace", async () => {
  const { code, stderr } = await ctlstore("version", "-bogus");
  assert.equal(code, 1);
  assert.match(stderr, /^flag provided but not defined: -bogus\n/);
  assert.doesNotMatch(stderr, /at .*\.ts:\d+/);
});
