import assert from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import { takeSnapshot } from "../../lib/supervisor/snapshot.ts";
import { tempDir } from "../_helpers/temp.ts";

function createLdb(path: string): DatabaseSync {
  const db = new DatabaseSync(path);
  db.exec("PRAGMA journal_mode = WAL");
  db.exec("CREATE TABLE _ldb_seq (id INTEGER PRIMARY KEY NOT NULL, seq BIGINT NOT NULL)");
  db.exec("CREATE TABLE fam___rows (id INTEGER PRIMARY KEY, value INTEGER, pad BLOB)");
  return db;
}

/** One reflector-like transaction: the row for `seq` (value = seq) and `_ldb_seq` = seq. */
function applySeq(db: DatabaseSync, seq: number): void {
  db.exec("BEGIN");
  db.prepare("INSERT INTO fam___rows VALUES (?, ?, randomblob(2000))").run(seq, seq);
  db.prepare("REPLACE INTO _ldb_seq (id, seq) VALUES (1, ?)").run(seq);
  db.exec("COMMIT");
}

Deno.test("a snapshot taken while writes continue is consistent and matches its _ldb_seq", async () => {
  await using dir = await tempDir();
  const db = createLdb(`${dir.path}/ldb.db`);
  try {
    let seq = 0;
    for (; seq < 2000; seq++) applySeq(db, seq + 1);
    let writing = true;
    const writer = (async () => {
      while (writing) {
        for (let i = 0; i < 20; i++) applySeq(db, ++seq);
        await new Promise((resolve) => setTimeout(resolve, 0));
      }
    })();
    const snapshots = [];
    let writtenDuringSnapshots = 0;
    try {
      for (let round = 0; round < 3; round++) {
        const before = seq;
        snapshots.push(await takeSnapshot(`${dir.path}/ldb.db`, `${dir.path}/snap${round}.db`));
        writtenDuringSnapshots += seq - before;
      }
    } finally {
      writing = false;
      await writer;
    }
    for (const snapshot of snapshots) {
      const copy = new DatabaseSync(snapshot.path, { readOnly: true });
      try {
        const check = { ...copy.prepare("PRAGMA integrity_check").get() };
        const mode = { ...copy.prepare("PRAGMA journal_mode").get() };
        const stored = { ...copy.prepare("SELECT seq FROM _ldb_seq WHERE id = 1").get() };
        const rows = {
          ...copy.prepare(
            "SELECT count(*) AS n, max(id) AS top, sum(value != id) AS bad FROM fam___rows",
          ).get(),
        };
        assert.deepEqual(check, { integrity_check: "ok" });
        assert.deepEqual(mode, { journal_mode: "wal" });
        assert.deepEqual(stored, { seq: snapshot.seq });
        assert.deepEqual(rows, { n: snapshot.seq, top: snapshot.seq, bad: 0 });
        assert.equal(snapshot.sizeBytes, (await Deno.stat(snapshot.path)).size);
      } finally {
        copy.close();
      }
    }
    assert.ok(writtenDuringSnapshots > 0, "the writer kept writing during the snapshots");
    assert.ok(snapshots.every((s) => s.seq >= 2000 && s.seq <= seq));
  } finally {
    db.close();
  }
});

Deno.test("a snapshot replaces an existing file and reports seq 0 without _ldb_seq", async () => {
  await using dir = await tempDir();
  const db = new DatabaseSync(`${dir.path}/ldb.db`);
  db.exec("CREATE TABLE fam___t (id INTEGER PRIMARY KEY)");
  db.close();
  await Deno.writeTextFile(`${dir.path}/snap.db`, "stale");

  const snapshot = await takeSnapshot(`${dir.path}/ldb.db`, `${dir.path}/snap.db`);

  assert.equal(snapshot.seq, 0);
  const copy = new DatabaseSync(snapshot.path, { readOnly: true });
  try {
    const names = copy.prepare("SELECT name FROM sqlite_master").all().map((row) => row.name);
    assert.deepEqual(names, ["fam___t"]);
  } finally {
    copy.close();
  }
});

Deno.test("a snapshot of a missing LDB fails and leaves no file", async () => {
  await using dir = await tempDir();
  await assert.rejects(
    takeSnapshot(`${dir.path}/missing.db`, `${dir.path}/snap.db`),
    Deno.errors.NotFound,
  );
  assert.deepEqual(await Array.fromAsync(Deno.readDir(dir.path)), []);
});

Deno.test("a snapshot needs no more permissions than `deno task compile` grants", async () => {
  const { default: config } = await import("../../deno.json", { with: { type: "json" } });
  const compile: string = config.tasks.compile;
  const permissions = compile.match(/--allow-[a-z]+/g) ?? [];
  assert.ok(permissions.length > 0 && !/\s(-A|--allow-all)\b/.test(compile), compile);
  await using dir = await tempDir();
  const db = createLdb(`${dir.path}/ldb.db`);
  try {
    applySeq(db, 7);
  } finally {
    db.close();
  }
  const module = new URL("../../lib/supervisor/snapshot.ts", import.meta.url).href;
  const script = `${dir.path}/snapshot.ts`;
  await Deno.writeTextFile(
    script,
    `import { takeSnapshot } from ${JSON.stringify(module)};\n` +
      "console.log((await takeSnapshot(Deno.args[0], Deno.args[1])).seq);\n",
  );
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["run", ...permissions, script, `${dir.path}/ldb.db`, `${dir.path}/snap.db`],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const decode = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
  assert.equal(decode(output.stdout), "7\n", decode(output.stderr));
});
