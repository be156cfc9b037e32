import assert from "node:assert/strict";
import { MYSQL_CTLDB_SCHEMA } from "../../lib/ctldb/mod.ts";
import { CLI_PERMISSIONS } from "../_helpers/process.ts";

const MAIN = new URL("../../main.ts", import.meta.url).pathname;

Deno.test("ctlstore ctldb-schema prints the MySQL schema and a newline", async () => {
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["run", ...CLI_PERMISSIONS, MAIN, "ctldb-schema"],
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.equal(output.code, 0);
  assert.equal(new TextDecoder().decode(output.stdout), `${MYSQL_CTLDB_SCHEMA}\n`);
  assert.equal(new TextDecoder().decode(output.stderr), "");
});
