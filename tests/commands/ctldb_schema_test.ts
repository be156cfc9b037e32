import assert from "node:assert/strict";
import {
  MYSQL_CTLDB_SCHEMA,
  POSTGRES_CTLDB_SCHEMA,
  SQLITE_CTLDB_SCHEMA,
} from "../../lib/ctldb/mod.ts";
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

Deno.test("ctlstore ctldb-schema -dialect prints each system of record's schema", async () => {
  for (
    const [dialect, schema] of [["postgres", POSTGRES_CTLDB_SCHEMA], [
      "sqlite",
      SQLITE_CTLDB_SCHEMA,
    ]]
  ) {
    const output = await new Deno.Command(Deno.execPath(), {
      args: ["run", ...CLI_PERMISSIONS, MAIN, "ctldb-schema", "-dialect", dialect!],
      stdout: "piped",
      stderr: "piped",
    }).output();
    assert.equal(output.code, 0, dialect);
    assert.equal(new TextDecoder().decode(output.stdout), `${schema}\n`, dialect);
  }
});

Deno.test("ctlstore ctldb-schema -dialect with an unknown name exits 1 listing the dialects", async () => {
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["run", ...CLI_PERMISSIONS, MAIN, "ctldb-schema", "-dialect", "oracle"],
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.equal(output.code, 1);
  assert.equal(new TextDecoder().decode(output.stdout), "");
  assert.match(
    new TextDecoder().decode(output.stderr),
    /unknown ctldb dialect 'oracle': expected one of mysql, postgres, sqlite/,
  );
});
