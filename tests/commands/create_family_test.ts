import assert from "node:assert/strict";
import { ctl, testExecutive } from "./_cli.ts";
import { freePort } from "../_helpers/process.ts";

Deno.test("create-family creates a family silently, then reports it already exists", async () => {
  await using executive = await testExecutive();
  const first = await ctl(["create-family", "-e", executive.address, "accounts"]);
  assert.deepEqual(first, { code: 0, stdout: "", stderr: "" });
  const second = await ctl(["create-family", "--executive", executive.address, "accounts"]);
  assert.deepEqual(second, { code: 0, stdout: "Family already exists\n", stderr: "" });
});

Deno.test("create-family reads the executive from CTLSTORE_EXECUTIVE", async () => {
  await using executive = await testExecutive();
  const result = await ctl(["create-family", "accounts"], {
    CTLSTORE_EXECUTIVE: `http://${executive.address}`,
  });
  assert.equal(result.code, 0, result.stderr);
});

Deno.test("create-family prints the server's answer for an invalid name", async () => {
  await using executive = await testExecutive();
  const result = await ctl(["create-family", "-e", executive.address, "a"]);
  assert.equal(result.code, 1);
  assert.equal(
    result.stderr,
    "error: could not create family 'a': server returned [400]: " +
      "Family names must be at least 3 characters\n",
  );
});

Deno.test("create-family without exactly one name fails with 'Family required'", async () => {
  for (const args of [[], ["one", "two"]]) {
    const result = await ctl(["create-family", "-e", "127.0.0.1:1", ...args]);
    assert.equal(result.code, 1, args.join(" "));
    assert.equal(result.stderr, "error: Family required\n", args.join(" "));
  }
});

Deno.test("create-family sends the admin token from the flag or the environment", async () => {
  await using executive = await testExecutive("t0ken");
  const denied = await ctl(["create-family", "-e", executive.address, "accounts"]);
  assert.equal(denied.code, 1);
  assert.match(
    denied.stderr,
    /^error: could not create family 'accounts': server returned \[401\]: /,
  );
  const flag = await ctl([
    "create-family",
    "-e",
    executive.address,
    "--admin-token",
    "t0ken",
    "one",
  ]);
  assert.equal(flag.code, 0, flag.stderr);
  const env = await ctl(["create-family", "-e", executive.address, "two"], {
    CTLSTORE_ADMIN_TOKEN: "t0ken",
  });
  assert.equal(env.code, 0, env.stderr);
});

Deno.test("an admin command that cannot reach the executive names its URL and the cause", async () => {
  const port = freePort();
  const cases: [string, string][] = [
    [`127.0.0.1:${port}`, `http://127.0.0.1:${port}: connection refused`],
    [
      "http://ctlstore-executive.invalid:3000",
      "http://ctlstore-executive.invalid:3000: " +
      "host not found (DNS lookup failed)",
    ],
  ];
  for (const [executive, reason] of cases) {
    const result = await ctl(["create-family", "-e", executive, "accounts"]);
    assert.deepEqual(result, {
      code: 1,
      stdout: "",
      stderr: `error: cannot reach the executive at ${reason}\n`,
    }, executive);
  }
});
