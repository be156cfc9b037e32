import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { DatabaseSync } from "node:sqlite";
import { type Ctldb, openCtldb } from "../../lib/ctldb/mod.ts";
import { Reader } from "../../lib/reader/mod.ts";
import { startReflector } from "../../lib/reflector/mod.ts";
import {
  type RoundOutcome,
  type RunningSupervisor,
  startSupervisor,
  type SupervisorConfig,
} from "../../lib/supervisor/mod.ts";
import { startS3rver } from "../_helpers/s3.ts";
import { tempDir } from "../_helpers/temp.ts";

const CREATE = "CREATE TABLE fam___rows (id INTEGER PRIMARY KEY, value INTEGER)";

/** A SQLite ctldb whose ledger creates `fam___rows` (seq 1) then upserts id = value = seq. */
async function ctldbWithRows(path: string, rows: number): Promise<Ctldb> {
  const ctldb = await openCtldb(`sqlite:${path}`);
  await ctldb.ensureSchema();
  await ctldb.exec("INSERT INTO ctlstore_dml_ledger (statement) VALUES (?)", [CREATE]);
  await appendRows(ctldb, rows);
  return ctldb;
}

async function appendRows(ctldb: Ctldb, rows: number): Promise<void> {
  const next = await ctldb.maxLedgerSeq() + 1;
  for (let seq = next; seq < next + rows; seq++) {
    const statement = `REPLACE INTO fam___rows (id, value) VALUES (${seq}, ${seq})`;
    await ctldb.exec("INSERT INTO ctlstore_dml_ledger (statement) VALUES (?)", [statement]);
  }
}

function supervisorConfig(dir: string, urls: string[]): SupervisorConfig {
  return {
    reflector: {
      ldbPath: `${dir}/supervisor/ldb.db`,
      upstreamDriver: "sqlite3",
      upstreamDsn: `${dir}/ctldb.db`,
      pollIntervalMs: 20,
      walPollIntervalMs: 0,
    },
    snapshotUrls: urls,
    snapshotIntervalMs: 50,
    retryDelayMs: 50,
  };
}

async function published(
  supervisor: RunningSupervisor,
  accept: (outcome: RoundOutcome & { kind: "published" }) => boolean = () => true,
): Promise<RoundOutcome & { kind: "published" }> {
  for (let round = 0; round < 200; round++) {
    const outcome = await supervisor.nextRound();
    if (outcome.kind === "failed") throw outcome.error;
    if (outcome.kind === "published" && accept(outcome)) return outcome;
  }
  throw new Error("no snapshot was published");
}

/** Checks an LDB file: integrity, and `_ldb_seq` agreeing with the rows (id = value = seq). */
function checkLdb(path: string): number {
  const db = new DatabaseSync(path, { readOnly: true });
  try {
    assert.equal(db.prepare("PRAGMA integrity_check").get()?.integrity_check, "ok");
    const seq = Number(db.prepare("SELECT seq FROM _ldb_seq WHERE id = 1").get()?.seq);
    const rows = {
      ...db.prepare("SELECT count(*) AS n, sum(value != id) AS bad FROM fam___rows").get(),
    };
    const top = db.prepare("SELECT max(id) AS top FROM fam___rows").get()?.top;
    assert.deepEqual(rows, { n: seq - 1, bad: 0 });
    if (seq > 1) assert.equal(top, seq);
    return seq;
  } finally {
    db.close();
  }
}

function sha1(bytes: Uint8Array): string {
  return createHash("sha1").update(bytes).digest("base64");
}

async function gunzipFile(from: string, to: string): Promise<void> {
  const input = await Deno.open(from);
  await Deno.writeFile(to, input.readable.pipeThrough(new DecompressionStream("gzip")));
}

function withEnv(values: Record<string, string>): Disposable {
  const previous = Object.keys(values).map((key) => [key, Deno.env.get(key)] as const);
  for (const [key, value] of Object.entries(values)) Deno.env.set(key, value);
  return {
    [Symbol.dispose]() {
      for (const [key, value] of previous) {
        if (value === undefined) Deno.env.delete(key);
        else Deno.env.set(key, value);
      }
    },
  };
}

Deno.test("snapshots published to file:// and s3:// bootstrap a fresh reflector", async (t) => {
  await using dir = await tempDir();
  await using s3 = await startS3rver();
  const ctldb = await ctldbWithRows(`${dir.path}/ctldb.db`, 50);
  await ctldb.close();
  const urls = [
    `file://${dir.path}/snapshots/a/snapshot.db`,
    `file://${dir.path}/snapshots/b/snapshot.db.gz`,
    `s3://${s3.bucket}/plain/snapshot.db`,
    `s3://${s3.bucket}/gzip/snapshot.db.gz`,
  ];
  const supervisor = await startSupervisor({ ...supervisorConfig(dir.path, urls), s3: s3.options });
  let outcome;
  try {
    await supervisor.reflector.waitForSeq(51);
    outcome = await published(supervisor, (o) => o.seq === 51);
  } finally {
    await supervisor.stop();
  }
  assert.equal(await Deno.stat(`${dir.path}/supervisor/ldb.db.snapshot`).catch(() => null), null);

  await t.step(
    "the gzip file snapshot is a valid LDB whose checksum is the plain bytes'",
    async () => {
      const plain = `${dir.path}/gunzipped.db`;
      await gunzipFile(`${dir.path}/snapshots/b/snapshot.db.gz`, plain);
      const checksum = await Deno.readTextFile(`${dir.path}/snapshots/b/snapshot.db.gz.checksum`);
      assert.equal(checksum, sha1(await Deno.readFile(plain)));
      assert.equal(checksum, outcome.checksum);
      assert.equal(checkLdb(plain), 51);
    },
  );

  // An empty upstream: whatever the fresh reflector holds came from the snapshot.
  const empty = await openCtldb(`sqlite:${dir.path}/empty-ctldb.db`);
  await empty.ensureSchema();
  await empty.close();
  using _env = withEnv({ AWS_ACCESS_KEY_ID: "S3RVER", AWS_SECRET_ACCESS_KEY: "S3RVER" });
  for (const [index, url] of urls.entries()) {
    await t.step(`a reflector bootstraps from ${url.replace(dir.path, "<dir>")}`, async () => {
      const ldbPath = `${dir.path}/fresh-${index}/ldb.db`;
      const reflector = await startReflector({
        ldbPath,
        upstreamDriver: "sqlite3",
        upstreamDsn: `${dir.path}/empty-ctldb.db`,
        bootstrapUrl: url,
        bootstrapEndpoint: s3.endpoint,
        walPollIntervalMs: 0,
      });
      await reflector.stop();
      assert.equal(checkLdb(ldbPath), 51);
    });
  }
});

Deno.test("a snapshot carries the change history, and a reflector bootstrapped from it continues it", async () => {
  await using dir = await tempDir();
  const ctldb = await ctldbWithRows(`${dir.path}/ctldb.db`, 20);
  try {
    const url = `file://${dir.path}/snapshots/snapshot.db`;
    const supervisor = await startSupervisor(supervisorConfig(dir.path, [url]));
    try {
      await supervisor.reflector.waitForSeq(21);
      await published(supervisor, (o) => o.seq === 21);
    } finally {
      await supervisor.stop();
    }
    await appendRows(ctldb, 10);
    const reflector = await startReflector({
      ldbPath: `${dir.path}/fresh/ldb.db`,
      upstreamDriver: "sqlite3",
      upstreamDsn: `${dir.path}/ctldb.db`,
      bootstrapUrl: url,
      pollIntervalMs: 20,
      walPollIntervalMs: 0,
    });
    try {
      await reflector.waitForSeq(31, AbortSignal.timeout(15_000));
    } finally {
      await reflector.stop();
    }
    using reader = Reader.open(`${dir.path}/fresh/ldb.db`);
    const page = reader.getChanges({ after: 0 });
    // seq 1 created the table, every later seq upserted id = seq: 21 from the snapshot's
    // history, 10 recorded after the bootstrap, none missing or repeated.
    assert.deepEqual(
      page.changes.map((c) => [c.seq, c.op, c.key.id ?? null]),
      Array.from(
        { length: 31 },
        (_, i) => i === 0 ? [1, "schema", null] : [i + 1, "upsert", i + 1],
      ),
    );
    assert.equal(page.lastSeq, 31);
  } finally {
    await ctldb.close();
  }
});

Deno.test("snapshots taken while the ledger keeps growing are consistent", async () => {
  await using dir = await tempDir();
  const ctldb = await ctldbWithRows(`${dir.path}/ctldb.db`, 100);
  const target = `${dir.path}/out/snapshot.db`;
  const supervisor = await startSupervisor({
    ...supervisorConfig(dir.path, [`file://${target}`]),
    maxSnapshotLag: 1_000_000,
  });
  let writing = true;
  const writer = (async () => {
    while (writing) {
      await appendRows(ctldb, 20);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  })();
  const seqs: number[] = [];
  try {
    for (let round = 0; round < 3; round++) {
      const outcome = await published(supervisor, (o) => o.seq > (seqs.at(-1) ?? 0));
      const copy = `${dir.path}/copy-${round}.db`;
      await Deno.copyFile(target, copy);
      const seq = checkLdb(copy);
      assert.ok(seq >= outcome.seq, `copy seq ${seq} >= published ${outcome.seq}`);
      seqs.push(seq);
    }
  } finally {
    writing = false;
    await writer;
    await supervisor.stop();
    await ctldb.close();
  }
  assert.ok(seqs[0]! < seqs[2]!, `snapshots advanced: ${seqs}`);
});

Deno.test("no snapshot is published while the reflector cannot apply the ledger", async () => {
  await using dir = await tempDir();
  const ctldb = await ctldbWithRows(`${dir.path}/ctldb.db`, 5);
  await ctldb.exec("INSERT INTO ctlstore_dml_ledger (statement) VALUES (?)", [
    "INSERT INTO fam___missing (id) VALUES (1)",
  ]);
  await appendRows(ctldb, 5);
  await ctldb.close();
  const target = `${dir.path}/out/snapshot.db`;
  const supervisor = await startSupervisor({
    ...supervisorConfig(dir.path, [`file://${target}`]),
    reflector: { ...supervisorConfig(dir.path, []).reflector, backoffMaxMs: 50 },
    maxSnapshotLag: 0,
    metricsBind: "127.0.0.1:0",
  });
  try {
    await supervisor.reflector.waitForSeq(6);
    const outcome = await supervisor.nextRound();
    assert.equal(outcome.kind, "skipped");
    assert.match(outcome.reason, /behind upstream/);
    assert.equal(await Deno.stat(target).catch(() => null), null);
    const base = `http://127.0.0.1:${supervisor.address!.port}`;
    const health = await fetch(`${base}/healthz`);
    assert.equal(health.status, 503);
    assert.match(await health.text(), /\n$/);
    const metrics = await (await fetch(`${base}/metrics`)).text();
    assert.match(metrics, /^ctlstore_supervisor_snapshots_skipped_for_lag_total\{.*\} [1-9]/m);
    assert.match(metrics, /^ctlstore_supervisor_snapshot_errors_total\{.*\} 0$/m);
  } finally {
    await supervisor.stop();
  }
});

Deno.test("a snapshot URL of another scheme fails startup before the reflector starts", async () => {
  await using dir = await tempDir();
  await assert.rejects(
    startSupervisor(supervisorConfig(dir.path, ["ftp://host/snapshot.db"])),
    { message: "configure snapshot for 'ftp://host/snapshot.db': Unknown scheme ftp" },
  );
  assert.equal(await Deno.stat(`${dir.path}/supervisor/ldb.db`).catch(() => null), null);
});
