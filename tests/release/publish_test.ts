import assert from "node:assert/strict";
import { REPO_ROOT } from "../_helpers/process.ts";

async function deno(args: string[]) {
  const output = await new Deno.Command(Deno.execPath(), {
    args,
    cwd: REPO_ROOT,
    env: { NO_COLOR: "1" },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  const decode = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
  assert.equal(output.code, 0, `deno ${args.join(" ")}: ${decode(output.stderr)}`);
  return decode(output.stdout) + decode(output.stderr);
}

/** Repository-relative paths of the local modules `lib/mod.ts` imports, itself included. */
async function readerModuleGraph(): Promise<string[]> {
  const info = JSON.parse(await deno(["info", "--json", "lib/mod.ts"]));
  const root = new URL(`file://${REPO_ROOT}`).href;
  return (info.modules as { specifier: string }[])
    .map((module) => module.specifier)
    .filter((specifier) => specifier.startsWith(root))
    .map((specifier) => specifier.slice(root.length));
}

Deno.test("deno publish would upload exactly the reader's module graph, README, LICENSE and deno.json", async () => {
  // Type checking is `deno task test`'s job; the file list is this test's.
  const output = await deno(["publish", "--dry-run", "--allow-dirty", "--no-check"]);
  assert.match(output, /Simulating publish of @ctlstore\/ctlstore@\S+ with files:/);
  const root = new URL(`file://${REPO_ROOT}`).href;
  const published = [...output.matchAll(/^\s+(file:\/\/\S+) \(/gm)]
    .map(([, url]) => url!)
    .map((url) => url.startsWith(root) ? url.slice(root.length) : url);
  const expected = new Set([...await readerModuleGraph(), "README.md", "LICENSE", "deno.json"]);
  assert.ok(expected.has("lib/version.ts"), "the reader exports the version");
  assert.deepEqual(published.toSorted(), [...expected].toSorted());
});
