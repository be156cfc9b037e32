import assert from "node:assert/strict";
import { ExecutiveClient } from "../../lib/client/mod.ts";
import { ctl, testExecutive } from "./_cli.ts";

async function tableWithId(address: string): Promise<ExecutiveClient> {
  const client = new ExecutiveClient(address);
  await client.createFamily("foo");
  await client.createTable("foo", "bar", { fields: [["id", "integer"]], keyFields: ["id"] });
  return client;
}

Deno.test("add-fields adds the fields in order", async () => {
  await using executive = await testExecutive();
  const client = await tableWithId(executive.address);
  const result = await ctl([
    "add-fields",
    "-e",
    executive.address,
    "-f",
    "foo",
    "-t",
    "bar",
    "--field",
    "name:string",
    "--field",
    "data:binary",
  ]);
  assert.deepEqual(result, { code: 0, stdout: "", stderr: "" });
  assert.deepEqual((await client.tableSchema("foo", "bar")).fields, [
    ["id", "integer"],
    ["name", "string"],
    ["data", "binary"],
  ]);
});

Deno.test("add-fields of an existing column fails with 'One or more columns already exist'", async () => {
  await using executive = await testExecutive();
  await tableWithId(executive.address);
  const result = await ctl([
    "add-fields",
    "-e",
    executive.address,
    "--family",
    "foo",
    "--table",
    "bar",
    "--field",
    "id:integer",
  ]);
  assert.deepEqual(result, {
    code: 1,
    stdout: "",
    stderr: "error: One or more columns already exist\n",
  });
});

Deno.test("add-fields needs a family, a table and a field before any request", async () => {
  const help = "(see ctlstore add-fields --help)\n";
  const cases: [string[], string][] = [
    [
      ["-t", "bar", "--field", "a:string"],
      `ctlstore add-fields: missing required flag -family ${help}`,
    ],
    [
      ["-f", "foo", "--field", "a:string"],
      `ctlstore add-fields: missing required flag -table ${help}`,
    ],
    [["-f", "foo", "-t", "bar"], `ctlstore add-fields: missing required flag -field ${help}`],
    [[], `ctlstore add-fields: missing required flags -family, -table, -field ${help}`],
  ];
  for (const [args, stderr] of cases) {
    const result = await ctl(["add-fields", "-e", "127.0.0.1:1", ...args]);
    assert.deepEqual(result, { code: 1, stdout: "", stderr }, args.join(" "));
  }
});

Deno.test("add-fields prints the server's answer for a missing table", async () => {
  await using executive = await testExecutive();
  await new ExecutiveClient(executive.address).createFamily("foo");
  const result = await ctl([
    "add-fields",
    "-e",
    executive.address,
    "-f",
    "foo",
    "-t",
    "nope",
    "--field",
    "x:string",
  ]);
  assert.equal(result.code, 1);
  assert.match(result.stderr, /^error: could not add fields: server returned \[404\]: /);
});
