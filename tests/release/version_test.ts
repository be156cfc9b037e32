import assert from "node:assert/strict";
import { VERSION } from "../../lib/mod.ts";
import { runCli } from "../commands/_ldb.ts";

/** deno.json's `version`, read as text so the test does not share the code under test. */
async function denoJsonVersion(): Promise<string> {
  const text = await Deno.readTextFile(new URL("../../deno.json", import.meta.url));
  const version = JSON.parse(text).version;
  assert.match(version, /^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/, "deno.json version is semver");
  return version;
}

Deno.test("the reader package exports deno.json's version", async () => {
  assert.equal(VERSION, await denoJsonVersion());
});

Deno.test("ctlstore version, --version and -version print deno.json's version", async () => {
  const expected = `${await denoJsonVersion()}\n`;
  for (const args of [["version"], ["--version"], ["-version"]]) {
    const { code, stdout, stderr } = await runCli(args);
    assert.equal(code, 0, `${args.join(" ")}: ${stderr}`);
    assert.equal(stdout, expected, args.join(" "));
    assert.equal(stderr, "", args.join(" "));
  }
});
