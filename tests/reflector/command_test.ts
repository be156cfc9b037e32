import { deepStrictEqual as assertEquals, match, ok } from "node:assert/strict";
import { spawnCli } from "../_helpers/process.ts";
import { tempDir } from "../_helpers/temp.ts";

Deno.test("reflector flag and bootstrap URL mistakes end with one error line and exit 1", async () => {
  await using dir = await tempDir();
  const base = ["-ldb-path", `${dir.path}/ldb.db`, "-upstream-dsn", `${dir.path}/ctldb.db`];
  const cases: [string, string[], RegExp][] = [
    [
      "unknown checkpoint type",
      ["-upstream-driver", "sqlite3", "-wal-checkpoint-type", "SOMETIMES"],
      /^error: invalid value passed to wal-checkpoint-type: 'SOMETIMES'/,
    ],
    [
      "unknown driver",
      ["-upstream-driver", "postgres"],
      /^error: invalid value passed to upstream-driver: 'postgres'/,
    ],
    [
      "negative duration",
      ["-upstream-driver", "sqlite3", "-poll-timeout", "-1s"],
      /^error: invalid value passed to poll-timeout: '-1s' \(must not be negative\)$/,
    ],
    [
      "negative count",
      ["-upstream-driver", "sqlite3", "-query-block-size", "-3"],
      /^error: invalid value passed to query-block-size: '-3' \(must not be negative\)$/,
    ],
    [
      "unsupported bootstrap scheme",
      ["-upstream-driver", "sqlite3", "-bootstrap-url", "ftp://host/snapshot.db"],
      /^error: unsupported scheme 'ftp' for bootstrap URL 'ftp:\/\/host\/snapshot.db'$/,
    ],
    [
      "malformed data: bootstrap URL",
      ["-upstream-driver", "sqlite3", "-bootstrap-url", "data:%%%"],
      /^error: invalid data: bootstrap URL: /,
    ],
  ];
  for (const [name, args, message] of cases) {
    await using cli = await spawnCli(["reflector", ...base, ...args]);
    assertEquals((await cli.status).code, 1, name);
    const errors = cli.stderr().split("\n").filter((line) => line.startsWith("error:"));
    assertEquals(errors.length, 1, `${name}: ${cli.stderr()}`);
    match(errors[0]!, message, name);
    assertEquals(await Deno.stat(`${dir.path}/ldb.db`).catch(() => "absent"), "absent", name);
  }
});

Deno.test("SIGTERM during bootstrap retries exits 0 without waiting for the remaining attempts", async () => {
  await using dir = await tempDir();
  await using cli = await spawnCli([
    "reflector",
    ...["-ldb-path", `${dir.path}/ldb.db`, "-upstream-driver", "sqlite3"],
    ...["-upstream-dsn", `${dir.path}/ctldb.db`],
    ...["-bootstrap-url", `file://${dir.path}/missing.db`],
  ], { waitFor: "bootstrap attempt failed" });
  cli.kill("SIGTERM");
  assertEquals((await cli.status).code, 0);
  ok(!cli.stderr().includes("attempt=5"), cli.stderr());
  ok(!cli.stderr().includes("error:"), cli.stderr());
  assertEquals(await Deno.stat(`${dir.path}/ldb.db`).catch(() => "absent"), "absent");
});
