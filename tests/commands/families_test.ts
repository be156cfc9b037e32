import assert from "node:assert/strict";
import { ExecutiveClient } from "../../lib/client/mod.ts";
import { ctl, testExecutive } from "./_cli.ts";

const TOKEN = "families-admin-token";

Deno.test("families and tables print one name per line, or the executive's JSON with -json", async () => {
  await using executive = await testExecutive(TOKEN);
  const client = new ExecutiveClient(executive.address, { adminToken: TOKEN });
  for (const family of ["demo", "accounts"]) await client.createFamily(family);
  for (const table of ["users", "orders"]) {
    await client.createTable("demo", table, { fields: [["id", "integer"]], keyFields: ["id"] });
  }
  const flags = ["-e", executive.address, "-admin-token", TOKEN];
  assert.deepEqual(await ctl(["families", ...flags]), {
    code: 0,
    stdout: "accounts\ndemo\n",
    stderr: "",
  });
  assert.deepEqual(await ctl(["families", ...flags, "-json"]), {
    code: 0,
    stdout: '{"families":[{"name":"accounts","tables":[]},' +
      '{"name":"demo","tables":["orders","users"]}]}\n',
    stderr: "",
  });
  assert.deepEqual(await ctl(["tables", ...flags, "-family", "demo"]), {
    code: 0,
    stdout: "orders\nusers\n",
    stderr: "",
  });
  assert.deepEqual(await ctl(["tables", ...flags, "-f", "demo", "-json"]), {
    code: 0,
    stdout: '{"name":"demo","tables":["orders","users"]}\n',
    stderr: "",
  });
  assert.deepEqual(await ctl(["tables", ...flags, "-family", "accounts"]), {
    code: 0,
    stdout: "",
    stderr: "",
  });
});

Deno.test("families and tables report the executive's refusals in one line", async () => {
  await using executive = await testExecutive(TOKEN);
  const e = ["-e", executive.address];
  const cases: [string[], string][] = [
    [
      ["families", ...e],
      "error: could not list families: server returned [401]: " +
      "Unauthorized: this route requires the admin token\n",
    ],
    [
      ["tables", ...e, "-admin-token", TOKEN, "-family", "nosuch"],
      "error: could not list the tables of family 'nosuch': server returned [404]: " +
      "Family not found\n",
    ],
  ];
  for (const [args, stderr] of cases) {
    assert.deepEqual(await ctl(args), { code: 1, stdout: "", stderr }, args.join(" "));
  }
  const missing = await ctl(["tables", ...e]);
  assert.deepEqual([missing.code, missing.stdout], [1, ""]);
  assert.match(missing.stderr, /^[^\n]*missing required flag -family[^\n]*\n$/);
});
