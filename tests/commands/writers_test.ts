import assert from "node:assert/strict";
import { ExecutiveClient, ExecutiveError } from "../../lib/client/mod.ts";
import { ctl, testExecutive } from "./_cli.ts";

const TOKEN = "writers-admin-token";

/** Whether the executive takes `secret` as the writer's: registering with it is idempotent. */
async function hasSecret(address: string, writer: string, secret: string): Promise<boolean> {
  try {
    await new ExecutiveClient(address).registerWriter({ writer, secret });
    return true;
  } catch (error) {
    if (error instanceof ExecutiveError && error.status === 409) return false;
    throw error;
  }
}

Deno.test("writers register, rotate with the current secret and delete, without an admin token", async () => {
  await using executive = await testExecutive();
  const e = ["-e", executive.address];
  const ok = { code: 0, stdout: "", stderr: "" };
  assert.deepEqual(
    await ctl(["writers", "register", ...e, "-writer", "app1", "-secret", "one"]),
    ok,
  );
  assert.deepEqual(
    await ctl(["writers", "register", ...e, "-writer", "app1"], { CTLSTORE_SECRET: "one" }),
    ok,
    "registering again with the same secret, given by the environment",
  );
  assert.deepEqual(await ctl(["writers", "register", ...e, "-writer", "app1", "-secret", "two"]), {
    code: 1,
    stdout: "",
    stderr: "error: writer 'app1' already exists with a different secret; " +
      "change it with 'ctlstore writers rotate'\n",
  });
  assert.deepEqual(
    await ctl(["writers", "rotate", ...e, "-writer", "app1", "-new-secret", "two"]),
    {
      code: 1,
      stdout: "",
      stderr: "error: could not change the secret of writer 'app1': server returned [401]: " +
        "Unauthorized: changing or removing a writer requires its current secret (ctlstore-secret)\n",
    },
  );
  const rotate = ["writers", "rotate", ...e, "-writer", "app1", "-secret", "one"];
  assert.deepEqual(await ctl([...rotate, "-new-secret", "two"]), ok);
  assert.equal(await hasSecret(executive.address, "app1", "two"), true);
  assert.deepEqual(await ctl(["writers", "delete", ...e, "-writer", "app1", "-secret", "one"]), {
    code: 1,
    stdout: "",
    stderr: "error: could not delete writer 'app1': server returned [401]: " +
      "Unauthorized: changing or removing a writer requires its current secret (ctlstore-secret)\n",
  });
  assert.deepEqual(await ctl(["writers", "delete", ...e, "-writer", "app1", "-secret", "two"]), ok);
  assert.deepEqual(await ctl(["writers", "delete", ...e, "-writer", "app1", "-secret", "two"]), {
    code: 1,
    stdout: "",
    stderr: "error: could not delete writer 'app1': server returned [404]: Writer not found\n",
  });
  assert.equal(await hasSecret(executive.address, "app1", "three"), true, "the name is free");
});

Deno.test("with an admin token, writers rotate and delete need only the token", async () => {
  await using executive = await testExecutive(TOKEN);
  await new ExecutiveClient(executive.address).registerWriter({
    writer: "heartbeat",
    secret: "lost-secret",
  });
  const e = ["-e", executive.address];
  const rotate = ["writers", "rotate", ...e, "-writer", "heartbeat", "-new-secret", "new-secret"];
  assert.deepEqual(await ctl([...rotate, "-secret", "lost-secret"]), {
    code: 1,
    stdout: "",
    stderr: "error: could not change the secret of writer 'heartbeat': server returned [401]: " +
      "Unauthorized: this route requires the admin token\n",
  });
  assert.deepEqual(await ctl(rotate, { CTLSTORE_ADMIN_TOKEN: TOKEN }), {
    code: 0,
    stdout: "",
    stderr: "",
  });
  assert.equal(await hasSecret(executive.address, "heartbeat", "new-secret"), true);
  assert.deepEqual(
    await ctl(["writers", "delete", ...e, "-writer", "heartbeat", "-admin-token", TOKEN]),
    { code: 0, stdout: "", stderr: "" },
  );
  assert.equal(await hasSecret(executive.address, "heartbeat", "other"), true, "the name is free");
});

Deno.test("writers subcommands name their missing flags in one line", async () => {
  const e = ["-e", "127.0.0.1:1"];
  const cases: [string[], RegExp][] = [
    [["register", ...e, "-writer", "app1"], /missing required flag -secret/],
    [["register", ...e], /missing required flags -writer, -secret/],
    [["rotate", ...e, "-writer", "app1"], /missing required flag -new-secret/],
    [["delete", ...e], /missing required flag -writer/],
  ];
  for (const [args, pattern] of cases) {
    const result = await ctl(["writers", ...args]);
    assert.deepEqual([result.code, result.stdout], [1, ""], args.join(" "));
    assert.match(result.stderr, pattern, args.join(" "));
    assert.equal(result.stderr.split("\n").length, 2, `one line: ${result.stderr}`);
  }
});
