import assert from "node:assert/strict";
import { ExecutiveClient } from "../../lib/client/mod.ts";
import { ctl, testExecutive } from "./_cli.ts";

Deno.test("writer-limits update, read and delete work with --writer and --rows-per-minute", async () => {
  await using executive = await testExecutive();
  await new ExecutiveClient(executive.address).registerWriter({
    writer: "writer1",
    secret: "secret1",
  });
  const e = ["-e", executive.address];
  assert.deepEqual(await ctl(["writer-limits", "read", ...e]), {
    code: 0,
    stdout: "default: 1000/1m0s\n",
    stderr: "",
  });
  const update = await ctl([
    "writer-limits",
    "update",
    ...e,
    "--writer",
    "writer1",
    "--rows-per-minute",
    "250",
  ]);
  assert.deepEqual(update, { code: 0, stdout: "", stderr: "" });
  assert.deepEqual(await ctl(["writer-limits", "read", ...e]), {
    code: 0,
    stdout: "default: 1000/1m0s\n\nWRITER  LIMIT\n------  -----\nwriter1 250/1m0s\n",
    stderr: "",
  });
  const remove = await ctl(["writer-limits", "delete", ...e, "--writer=writer1"]);
  assert.deepEqual(remove, { code: 0, stdout: "", stderr: "" });
  const again = await ctl(["writer-limits", "delete", ...e, "--writer", "writer1"]);
  assert.equal(again.code, 1);
  assert.equal(
    again.stderr,
    "error: could not delete writer limit: server returned [404]: " +
      "no writer limit for the writer 'writer1' was found\n",
  );
});

Deno.test("writer-limits update of an unknown writer prints the server's answer", async () => {
  await using executive = await testExecutive();
  const result = await ctl([
    "writer-limits",
    "update",
    "-e",
    executive.address,
    "--writer",
    "nobody",
    "--rows-per-minute",
    "5",
  ]);
  assert.equal(result.code, 1);
  assert.equal(
    result.stderr,
    "error: could not update writer limit: server returned [404]: " +
      "no writer with the name 'nobody' exists\n",
  );
});

Deno.test("writer-limits update and delete check their flags", async () => {
  const e = ["-e", "127.0.0.1:1"];
  const update = "ctlstore writer-limits update";
  const help = `(see ${update} --help)\n`;
  const cases: [string[], string][] = [
    [
      ["update", ...e, "--rows-per-minute", "5"],
      `${update}: missing required flag -writer ${help}`,
    ],
    [["update", ...e], `${update}: missing required flags -writer, -rows-per-minute ${help}`],
    [
      ["update", ...e, "--writer", "w1x"],
      `${update}: missing required flag -rows-per-minute ${help}`,
    ],
    [
      ["update", ...e, "--writer", "w1x", "--rows-per-minute", "x"],
      "error: invalid rows per minute: x\n",
    ],
    [
      ["update", ...e, "--writer", "w1x", "--rows-per-minute", "-3"],
      "error: Rows per minute cannot be negative\n",
    ],
    [
      ["delete", ...e],
      "ctlstore writer-limits delete: missing required flag -writer " +
      "(see ctlstore writer-limits delete --help)\n",
    ],
  ];
  for (const [args, stderr] of cases) {
    const result = await ctl(["writer-limits", ...args]);
    assert.deepEqual(result, { code: 1, stdout: "", stderr }, args.join(" "));
  }
});
