import assert from "node:assert/strict";

const ROOT = new URL("../../", import.meta.url);
const DRIVER_IMPORT = /\bfrom\s+"(?:npm:)?(?:mysql2|pg|postgres)(?:[@/][^"]*)?"/;
const DIALECT_NAME = /["'`](?:mysql|postgres|postgresql)["'`]/;

async function* sources(dir: URL): AsyncGenerator<[string, string]> {
  for await (const entry of Deno.readDir(dir)) {
    const url = new URL(entry.name + (entry.isDirectory ? "/" : ""), dir);
    if (entry.isDirectory) yield* sources(url);
    else if (/\.(ts|js)$/.test(entry.name)) {
      yield [url.pathname.slice(ROOT.pathname.length), await Deno.readTextFile(url)];
    }
  }
}

/** Code lines only: JSDoc and line comments may name a dialect in prose or examples. */
function codeLines(text: string): string[] {
  return text.split("\n").filter((line) => !/^\s*(\*|\/\/|\/\*\*)/.test(line));
}

Deno.test("no module outside lib/ctldb imports a database driver or tests a dialect name", async () => {
  const offenders: string[] = [];
  for (const dir of ["lib/", "commands/"]) {
    for await (const [path, text] of sources(new URL(dir, ROOT))) {
      if (path.startsWith("lib/ctldb/")) continue;
      if (DRIVER_IMPORT.test(text)) offenders.push(`${path}: imports a database driver`);
      // The command-line layer may name dialects in flag help and choices.
      if (path.startsWith("commands/")) continue;
      const line = codeLines(text).find((l) => DIALECT_NAME.test(l));
      if (line !== undefined) offenders.push(`${path}: ${line.trim()}`);
    }
  }
  assert.deepEqual(offenders, []);
});
