import assert from "node:assert/strict";
import { ExecutiveClient } from "../../lib/client/mod.ts";
import { ctl, testExecutive } from "./_cli.ts";

Deno.test("create-table creates the table with its fields and key, then reports it exists", async () => {
  await using executive = await testExecutive();
  const client = new ExecutiveClient(executive.address);
  await client.createFamily("foo");
  const args = [
    "create-table",
    "-e",
    executive.address,
    "--family",
    "foo",
    "--field",
    "name:string",
    "--field=foo:integer",
    "--key-field",
    "name",
    "testtable",
  ];
  assert.deepEqual(await ctl(args), { code: 0, stdout: "", stderr: "" });
  assert.deepEqual(await client.tableSchema("foo", "testtable"), {
    family: "foo",
    name: "testtable",
    fields: [["name", "string"], ["foo", "integer"]],
    keyFields: ["name"],
  });
  assert.deepEqual(await ctl(args), { code: 0, stdout: "Table already exists\n", stderr: "" });
});

Deno.test("create-table rejects bad command lines with one clear line, before any request", async () => {
  const help = "(see ctlstore create-table --help)\n";
  const cases: [string, string[], string][] = [
    [
      "no table name",
      ["-f", "foo", "--field", "a:string", "--key-field", "a"],
      "error: Table required\n",
    ],
    [
      "no family",
      ["--field", "a:string", "--key-field", "a", "t1x"],
      `ctlstore create-table: missing required flag -family ${help}`,
    ],
    [
      "no fields",
      ["-f", "foo", "--key-field", "a", "t1x"],
      `ctlstore create-table: missing required flag -field ${help}`,
    ],
    [
      "no key field",
      ["-f", "foo", "--field", "a:string", "t1x"],
      `ctlstore create-table: missing required flag -key-field ${help}`,
    ],
    [
      "malformed field",
      ["-f", "foo", "--field", "a", "--key-field", "a", "t1x"],
      "error: invalid field: a\n",
    ],
    [
      "field with two colons",
      ["-f", "foo", "--field", "a:b:c", "--key-field", "a", "t1x"],
      "error: invalid field: a:b:c\n",
    ],
  ];
  for (const [name, args, stderr] of cases) {
    const result = await ctl(["create-table", "-e", "127.0.0.1:1", ...args]);
    assert.deepEqual(result, { code: 1, stdout: "", stderr }, name);
  }
});

Deno.test("create-table prints the server's answer when the family does not exist", async () => {
  await using executive = await testExecutive();
  const result = await ctl([
    "create-table",
    "-e",
    executive.address,
    "-f",
    "nofamily",
    "--field",
    "id:integer",
    "--key-field",
    "id",
    "things",
  ]);
  assert.equal(result.code, 1);
  assert.equal(
    result.stderr,
    "error: could not create table 'things': server returned [404]: Family not found\n",
  );
});
