import { deepStrictEqual as assertEquals, match, ok } from "node:assert/strict";
import { SERVER_CTLDBS } from "../_helpers/server_ctldbs.ts";
import { spawnCli } from "../_helpers/process.ts";
import { tempDir } from "../_helpers/temp.ts";
import { seedLedger } from "./_fixtures.ts";

/** Every path under `dir`, sorted: what a failed start must leave unchanged. */
async function listTree(dir: string, prefix = ""): Promise<string[]> {
  const paths: string[] = [];
  for await (const entry of Deno.readDir(`${dir}/${prefix}`)) {
    const path = `${prefix}${entry.name}`;
    paths.push(path);
    if (entry.isDirectory) paths.push(...await listTree(dir, `${path}/`));
  }
  return paths.sort();
}

Deno.test("reflector flag and bootstrap URL mistakes end with one error line and exit 1", async () => {
  await using dir = await tempDir();
  await seedLedger(`sqlite:${dir.path}/ctldb.db`);
  const base = ["-ldb-path", `${dir.path}/ldb.db`, "-upstream-dsn", `${dir.path}/ctldb.db`];
  const cases: [string, string[], RegExp][] = [
    [
      "unknown checkpoint type",
      ["-upstream-driver", "sqlite3", "-wal-checkpoint-type", "SOMETIMES"],
      /^ctlstore reflector: invalid value passed to -wal-checkpoint-type: 'SOMETIMES'/,
    ],
    [
      "unknown driver",
      ["-upstream-driver", "oracle"],
      /^ctlstore reflector: invalid value passed to -upstream-driver: 'oracle'/,
    ],
    [
      "negative duration",
      ["-upstream-driver", "sqlite3", "-poll-timeout", "-1s"],
      /^ctlstore reflector: invalid value passed to -poll-timeout: '-1s' \(must not be negative\) \(see ctlstore reflector --help\)$/,
    ],
    [
      "negative count",
      ["-upstream-driver", "sqlite3", "-query-block-size", "-3"],
      /^ctlstore reflector: invalid value passed to -query-block-size: '-3' \(must not be negative\) \(see ctlstore reflector --help\)$/,
    ],
    [
      "unsupported bootstrap scheme",
      ["-upstream-driver", "sqlite3", "-bootstrap-url", "ftp://host/snapshot.db"],
      /^error: unsupported scheme 'ftp' for bootstrap URL 'ftp:\/\/host\/snapshot.db'$/,
    ],
    [
      "invalid family name",
      ["-upstream-driver", "sqlite3", "-families", "app,b"],
      /^error: invalid families entry "b": Family names must be at least 3 characters$/,
    ],
    [
      "malformed data: bootstrap URL",
      ["-upstream-driver", "sqlite3", "-bootstrap-url", "data:%%%"],
      /^error: invalid data: bootstrap URL: /,
    ],
    [
      "malformed metrics address",
      ["-upstream-driver", "sqlite3", "-metrics-bind", "localhost"],
      /^error: invalid listen address 'localhost': expected host:port$/,
    ],
  ];
  for (const [name, args, message] of cases) {
    await using cli = await spawnCli(["reflector", ...base, ...args]);
    assertEquals((await cli.status).code, 1, name);
    const errors = cli.stderr().split("\n").filter((line) =>
      /^(error|ctlstore reflector):/.test(line)
    );
    assertEquals(errors.length, 1, `${name}: ${cli.stderr()}`);
    match(errors[0]!, message, name);
    assertEquals(await Deno.stat(`${dir.path}/ldb.db`).catch(() => "absent"), "absent", name);
  }
});

Deno.test("SIGTERM during bootstrap retries exits 0 without waiting for the remaining attempts", async () => {
  await using dir = await tempDir();
  await seedLedger(`sqlite:${dir.path}/ctldb.db`);
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

Deno.test("a reflector whose upstream does not exist exits 1 with one line and creates nothing", async () => {
  await using dir = await tempDir();
  await Deno.writeFile(`${dir.path}/empty.db`, new Uint8Array());
  await seedLedger(`sqlite:${dir.path}/ctldb.db`);
  using busy = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const inUse = `127.0.0.1:${(busy.addr as Deno.NetAddr).port}`;
  const cases: [string, string[], RegExp][] = [
    [
      "a mistyped SQLite path in a missing directory",
      ["-upstream-dsn", `${dir.path}/typo/ctldb.db`],
      /^error: cannot open the upstream: SQLite ctldb .*\/typo\/ctldb\.db does not exist$/,
    ],
    [
      "a SQLite file that is not a ctldb",
      ["-upstream-dsn", `${dir.path}/empty.db`],
      /^error: upstream .*\/empty\.db is not a ctldb: no such table: ctlstore_dml_ledger$/,
    ],
    [
      "a metrics address in use",
      ["-upstream-dsn", `${dir.path}/ctldb.db`, "-metrics-bind", inUse],
      /^error: listen on 127\.0\.0\.1:\d+: /,
    ],
  ];
  for (const [name, args, message] of cases) {
    const before = await listTree(dir.path);
    await using cli = await spawnCli([
      "reflector",
      ...["-ldb-path", `${dir.path}/ldb/ldb.db`, "-upstream-driver", "sqlite3"],
      ...["-changelog-path", `${dir.path}/changelog`],
      ...args,
    ]);
    assertEquals((await cli.status).code, 1, name);
    const errors = cli.stderr().split("\n").filter((line) => line.startsWith("error:"));
    assertEquals(errors.length, 1, `${name}: ${cli.stderr()}`);
    match(errors[0]!, message, name);
    assertEquals(await listTree(dir.path), before, `${name}: no file or directory created`);
  }
});

for (const server of SERVER_CTLDBS) {
  server.test(`a reflector whose server database does not exist exits 1 with one line (${server.name})`, async () => {
    await using db = await server.fresh();
    await using dir = await tempDir();
    await using cli = await spawnCli([
      "reflector",
      ...["-ldb-path", `${dir.path}/ldb.db`, "-upstream-driver", server.driver],
      ...["-upstream-dsn", db.dsn.replace(/\/([^/]*)$/, "/$1_typo")],
    ]);
    assertEquals((await cli.status).code, 1, cli.stderr());
    const errors = cli.stderr().split("\n").filter((line) => line.startsWith("error:"));
    assertEquals(errors.length, 1, cli.stderr());
    match(
      errors[0]!,
      /^error: upstream database does not exist: .*(Unknown database|database "\w+" does not exist)/,
    );
    assertEquals(await listTree(dir.path), []);
  });
}
