import assert from "node:assert/strict";
import { LdbNotFoundError, RotatingReader } from "../../lib/mod.ts";
import { tempDir } from "../_helpers/temp.ts";
import { writeLdb } from "./_fixture.ts";

function writeCopy(path: string, name: string, rows = 1): void {
  const statements = [
    `CREATE TABLE IF NOT EXISTS myfamily___which ("id" INTEGER, "name" VARCHAR(191), PRIMARY KEY("id"));`,
  ];
  for (let id = 1; id <= rows; id++) {
    statements.push(`REPLACE INTO myfamily___which ("id","name") VALUES(${id},'${name}')`);
  }
  writeLdb(path, { statements });
}

async function copies(count: number) {
  const dir = await tempDir();
  const paths = Array.from({ length: count }, (_, i) => `${dir.path}/ldb-${i + 1}.db`);
  paths.forEach((path, i) => writeCopy(path, `copy${i + 1}`, 3));
  return { dir: dir.path, paths, [Symbol.asyncDispose]: () => dir[Symbol.asyncDispose]() };
}

Deno.test("RotatingReader.open validates paths and period with the spec messages", async () => {
  await using ldbs = await copies(3);
  const cases: [string[], number, string][] = [
    [[], 30, "RotatingReader requires more than 1 ldb"],
    [ldbs.paths.slice(0, 1), 30, "RotatingReader requires more than 1 ldb"],
    [ldbs.paths.slice(0, 2), 7, "invalid rotation period: 7"],
    [ldbs.paths.slice(0, 2), 60, "invalid rotation period: 60"],
    [ldbs.paths, 30, "cannot have more ldbs than rotations per hour"],
  ];
  for (const [paths, period, message] of cases) {
    assert.throws(() => RotatingReader.open(paths, period), { name: "RangeError", message });
  }
  for (const period of [30, 20, 15, 10, 6]) {
    RotatingReader.open(ldbs.paths.slice(0, 2), period).close();
  }
});

Deno.test("RotatingReader.open fails on a missing file", async () => {
  await using ldbs = await copies(2);
  assert.throws(
    () => RotatingReader.open([ldbs.paths[0]!, `${ldbs.dir}/missing.db`], 30),
    LdbNotFoundError,
  );
});

Deno.test("the active copy follows the minute of the hour", async () => {
  await using ldbs = await copies(3);
  let minute = 0;
  const now = () => new Date(2024, 0, 1, 12, minute);
  using reader = RotatingReader.open(ldbs.paths, 20, { now });
  const expected: [number, number, string][] = [
    [0, 0, "copy1"],
    [19, 0, "copy1"],
    [20, 1, "copy2"],
    [45, 2, "copy3"],
    [59, 2, "copy3"],
    [5, 0, "copy1"],
  ];
  for (const [m, index, name] of expected) {
    minute = m;
    reader.tick();
    assert.equal(reader.activeIndex, index, `minute ${m}`);
    assert.equal(reader.getRowByKey<{ name: string }>("myfamily", "which", 1)?.name, name);
    assert.equal([...reader.getRowsByKeyPrefix("myfamily", "which")].length, 3);
  }
  assert.deepEqual(reader.stats, { rotations: 3, reopenFailures: 0 });
});

Deno.test("a failed reopen is counted and retried while rotation goes on", async () => {
  await using ldbs = await copies(2);
  let minute = 0;
  const errors: string[] = [];
  using reader = RotatingReader.open(ldbs.paths, 30, {
    now: () => new Date(2024, 0, 1, 12, minute),
    onError: (_, path) => errors.push(path),
  });
  const first = ldbs.paths[0]!;
  for (const suffix of ["", "-wal", "-shm"]) await Deno.remove(first + suffix).catch(() => {});
  minute = 30;
  reader.tick();
  assert.equal(reader.activeIndex, 1);
  assert.equal(reader.getRowByKey<{ name: string }>("myfamily", "which", 1)?.name, "copy2");
  minute = 31;
  reader.tick();
  assert.deepEqual(reader.stats, { rotations: 1, reopenFailures: 2 });
  assert.deepEqual(errors, [first, first]);
  writeCopy(first, "replaced");
  minute = 32;
  reader.tick();
  minute = 0;
  reader.tick();
  assert.equal(reader.activeIndex, 0);
  assert.equal(reader.getRowByKey<{ name: string }>("myfamily", "which", 1)?.name, "replaced");
  assert.deepEqual(reader.stats, { rotations: 2, reopenFailures: 2 });
});

Deno.test("a prefix iteration started before a rotation finishes on its own copy", async () => {
  await using ldbs = await copies(2);
  let minute = 0;
  using reader = RotatingReader.open(ldbs.paths, 30, {
    now: () => new Date(2024, 0, 1, 12, minute),
  });
  const rows = reader.getRowsByKeyPrefix<{ name: string }>("myfamily", "which");
  const names = [rows.next().value?.name];
  minute = 30;
  reader.tick();
  for (const row of rows) names.push(row.name);
  assert.deepEqual(names, ["copy1", "copy1", "copy1"]);
  assert.equal(reader.getRowByKey<{ name: string }>("myfamily", "which", 1)?.name, "copy2");
  const pending = reader.getRowsByKeyPrefix<{ name: string }>("myfamily", "which");
  reader.close();
  assert.equal([...pending].length, 3);
});

Deno.test("RotatingReader.openDefault uses CTLSTORE_PATH and its timer lets the process exit", async () => {
  await using dir = await tempDir();
  writeCopy(`${dir.path}/ldb.db`, "first");
  writeCopy(`${dir.path}/ldb-2.db`, "second");
  const script = `import { RotatingReader } from ${
    JSON.stringify(new URL("../../lib/mod.ts", import.meta.url).href)
  };
    const reader = RotatingReader.openDefault(2, 30, { now: () => new Date(2024, 0, 1, 12, 45) });
    console.log(reader.paths.join(","), reader.getRowByKey("myfamily", "which", 1).name);`;
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["eval", "--quiet", script],
    env: { CTLSTORE_PATH: dir.path },
    stdout: "piped",
    stderr: "piped",
    signal: AbortSignal.timeout(30_000),
  }).output();
  assert.equal(output.code, 0, new TextDecoder().decode(output.stderr));
  assert.equal(
    new TextDecoder().decode(output.stdout),
    `${dir.path}/ldb.db,${dir.path}/ldb-2.db second\n`,
  );
});
