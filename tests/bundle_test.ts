import assert from "node:assert/strict";
import { VERSION } from "../lib/version.ts";
import { CLI_PERMISSIONS } from "./_helpers/process.ts";

const ROOT = new URL("..", import.meta.url).pathname;

async function run(args: string[]) {
  const output = await new Deno.Command(Deno.execPath(), {
    args,
    cwd: ROOT,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const decode = (b: Uint8Array) => new TextDecoder().decode(b);
  return { code: output.code, stdout: decode(output.stdout), stderr: decode(output.stderr) };
}

Deno.test("main.ts bundled into one file runs --help and version", async () => {
  const dir = await Deno.makeTempDir({ prefix: "ctlstore-bundle-" });
  try {
    const bundle = `${dir}/ctlstore.js`;
    const built = await run(["bundle", "--quiet", "--platform", "deno", "-o", bundle, "main.ts"]);
    assert.equal(built.code, 0, built.stderr);
    const version = await run(["run", ...CLI_PERMISSIONS, bundle, "version"]);
    assert.equal(version.stdout, `${VERSION}\n`, version.stderr);
    const help = await run(["run", ...CLI_PERMISSIONS, bundle, "--help"]);
    assert.equal(help.code, 0, help.stderr);
    assert.match(help.stdout, /^Usage: ctlstore <command> \[flags\]/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
