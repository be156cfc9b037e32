import assert from "node:assert/strict";
import { ExecutiveClient } from "../../lib/client/mod.ts";
import { ctl, testExecutive } from "./_cli.ts";

Deno.test("table-limits update, read and delete round-trip through the executive", async () => {
  await using executive = await testExecutive();
  const client = new ExecutiveClient(executive.address);
  await client.createFamily("foo");
  await client.createTable("foo", "bar", { fields: [["id", "integer"]], keyFields: ["id"] });
  const e = ["-e", executive.address];

  assert.deepEqual(await ctl(["table-limits", "read", ...e]), {
    code: 0,
    stdout: "warn: 52428800 bytes\nmax : 104857600 bytes\n",
    stderr: "",
  });
  const update = await ctl([
    "table-limits",
    "update",
    ...e,
    "-f",
    "foo",
    "-t",
    "bar",
    "--max-size",
    "2000",
    "--warn-size=1000",
  ]);
  assert.deepEqual(update, { code: 0, stdout: "", stderr: "" });
  assert.deepEqual(await ctl(["table-limits", "read", ...e]), {
    code: 0,
    stdout: "warn: 52428800 bytes\nmax : 104857600 bytes\n\n" +
      "FAMILY TABLE WARN MAX\n" +
      "------ ----- ---- ---\n" +
      "foo    bar   1000 2000\n",
    stderr: "",
  });
  const remove = await ctl(["table-limits", "delete", ...e, "-f", "foo", "-t", "bar"]);
  assert.deepEqual(remove, { code: 0, stdout: "", stderr: "" });
  const again = await ctl(["table-limits", "delete", ...e, "-f", "foo", "-t", "bar"]);
  assert.equal(again.code, 1);
  assert.equal(
    again.stderr,
    "error: could not delete table limit: server returned [404]: " +
      "could not find table limit for foo___bar\n",
  );
});

Deno.test("table-limits update checks the sizes before calling the executive", async () => {
  const base = ["table-limits", "update", "-e", "127.0.0.1:1", "-f", "foo", "-t", "bar"];
  const cases: [string[], string][] = [
    [["--max-size", "10", "--warn-size", "20"], "error: warnSize must be <= maxSize\n"],
    [["--max-size", "-1"], "error: Max size cannot be negative\n"],
    [["--max-size", "0"], "error: Max size required\n"],
    [["--warn-size", "-5"], "error: Warn size cannot be negative\n"],
    [["--warn-size", "0"], "error: Warn size required\n"],
  ];
  for (const [args, stderr] of cases) {
    const result = await ctl([...base, ...args]);
    assert.deepEqual(result, { code: 1, stdout: "", stderr }, args.join(" "));
  }
});

Deno.test("table-limits without a subcommand lists the subcommands and exits 1", async () => {
  const result = await ctl(["table-limits"]);
  assert.equal(result.code, 1);
  assert.match(result.stderr, /read +read all table limits/);
});
