import { deepStrictEqual as assertEquals, rejects } from "node:assert/strict";
import { createHash } from "node:crypto";
import { openCtldb } from "../../lib/ctldb/mod.ts";
import { advanceLdbSeq, getLdbSeq, openLdbForRead, openLdbForWrite } from "../../lib/ldb/mod.ts";
import { silentLogger } from "../../lib/log/mod.ts";
import { bootstrapLdb, startReflector } from "../../lib/reflector/mod.ts";
import { S3Client } from "../../lib/s3/mod.ts";
import { startS3rver } from "../_helpers/s3.ts";
import { tempDir } from "../_helpers/temp.ts";
import { ldbRows } from "./_fixtures.ts";

/** Writes a small LDB at `path` (seq 5, one row) and returns its bytes and checksum. */
function makeSnapshot(path: string): { bytes: Uint8Array; checksum: string } {
  const db = openLdbForWrite(path);
  try {
    db.exec(`CREATE TABLE fam___tbl ("id" INTEGER, PRIMARY KEY("id"))`);
    db.exec(`REPLACE INTO fam___tbl ("id") VALUES(42)`);
    advanceLdbSeq(db, 5);
  } finally {
    db.close();
  }
  const bytes = Deno.readFileSync(path);
  return { bytes, checksum: createHash("sha1").update(bytes).digest("base64") };
}

async function gzip(bytes: Uint8Array): Promise<Uint8Array> {
  const stream = new Blob([bytes as Uint8Array<ArrayBuffer>]).stream().pipeThrough(
    new CompressionStream("gzip"),
  );
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

function seqOf(path: string): number {
  const db = openLdbForRead(path);
  try {
    return getLdbSeq(db);
  } finally {
    db.close();
  }
}

const options = { log: silentLogger, retryDelayMs: 10 };

/** How many of this process's file descriptors point to `path` (Linux `/proc`; else 0). */
function openHandlesTo(path: string): number {
  let count = 0;
  try {
    for (const entry of Deno.readDirSync("/proc/self/fd")) {
      const target = (() => {
        try {
          return Deno.readLinkSync(`/proc/self/fd/${entry.name}`);
        } catch {
          return undefined;
        }
      })();
      if (target === path) count++;
    }
  } catch {
    return 0;
  }
  return count;
}

Deno.test("bootstrap from file:// verifies the sidecar checksum, gunzips .gz and renames into place", async () => {
  await using dir = await tempDir();
  const { bytes, checksum } = makeSnapshot(`${dir.path}/source.db`);
  await Deno.writeFile(`${dir.path}/snap.db`, bytes);
  await Deno.writeTextFile(`${dir.path}/snap.db.checksum`, checksum + "\n");
  await Deno.writeFile(`${dir.path}/snap.db.gz`, await gzip(bytes));
  await Deno.writeTextFile(`${dir.path}/snap.db.gz.checksum`, checksum);
  for (const name of ["snap.db", "snap.db.gz"]) {
    const ldbPath = `${dir.path}/ldb-${name}`;
    const url = `file://${dir.path}/${name}`;
    assertEquals(await bootstrapLdb({ ...options, url, ldbPath }), "downloaded", name);
    assertEquals(seqOf(ldbPath), 5, name);
    assertEquals(await Deno.stat(`${ldbPath}.tmp`).catch(() => "gone"), "gone", name);
    assertEquals(await bootstrapLdb({ ...options, url, ldbPath }), "skipped", name);
  }
});

Deno.test("bootstrap rejects a snapshot whose checksum does not match and leaves no file", async () => {
  await using dir = await tempDir();
  const { bytes, checksum } = makeSnapshot(`${dir.path}/source.db`);
  const corrupted = bytes.slice();
  corrupted[200] = (corrupted[200]! + 1) % 256;
  await Deno.writeFile(`${dir.path}/snap.db`, corrupted);
  await Deno.writeTextFile(`${dir.path}/snap.db.checksum`, checksum);
  const ldbPath = `${dir.path}/ldb.db`;
  await rejects(
    bootstrapLdb({ ...options, url: `file://${dir.path}/snap.db`, ldbPath }),
    /after max attempts reached: snapshot checksum mismatch/,
  );
  assertEquals(await Deno.stat(ldbPath).catch(() => "absent"), "absent");
  assertEquals(await Deno.stat(`${ldbPath}.tmp`).catch(() => "absent"), "absent");
});

Deno.test("bootstrap from s3:// uses the checksum metadata and rejects a corrupted object", async () => {
  await using dir = await tempDir();
  await using s3 = await startS3rver();
  const client = new S3Client(s3.options);
  const { bytes, checksum } = makeSnapshot(`${dir.path}/source.db`);
  await client.putObjectFromFile(s3.bucket, "snaps/snapshot.db.gz", `${dir.path}/source.db`, {
    gzip: true,
    metadata: { checksum },
  });
  const corrupted = bytes.slice();
  corrupted[300] = (corrupted[300]! + 1) % 256;
  await Deno.writeFile(`${dir.path}/corrupted.db`, corrupted);
  await client.putObjectFromFile(s3.bucket, "snaps/bad.db", `${dir.path}/corrupted.db`, {
    metadata: { checksum },
  });
  const s3Options = { ...options, endpoint: s3.endpoint, region: "us-east-1" };
  const env = { AWS_ACCESS_KEY_ID: "S3RVER", AWS_SECRET_ACCESS_KEY: "S3RVER" };
  for (const [name, value] of Object.entries(env)) Deno.env.set(name, value);
  try {
    const ldbPath = `${dir.path}/ldb.db`;
    const url = `s3://${s3.bucket}/snaps/snapshot.db.gz`;
    assertEquals(await bootstrapLdb({ ...s3Options, url, ldbPath }), "downloaded");
    assertEquals(seqOf(ldbPath), 5);
    await rejects(
      bootstrapLdb({
        ...s3Options,
        url: `s3://${s3.bucket}/snaps/bad.db`,
        ldbPath: `${dir.path}/bad.db`,
      }),
      /checksum mismatch/,
    );
    const missing = {
      ...s3Options,
      url: `s3://${s3.bucket}/snaps/none.db`,
      ldbPath: `${dir.path}/new.db`,
    };
    assertEquals(await bootstrapLdb({ ...missing, notFoundIsEmpty: true }), "empty");
    await rejects(bootstrapLdb(missing), /after max attempts reached/);
  } finally {
    for (const name of Object.keys(env)) Deno.env.delete(name);
  }
});

Deno.test("bootstrap accepts data: URLs and refuses unknown schemes and non-SQLite content", async () => {
  await using dir = await tempDir();
  const { bytes } = makeSnapshot(`${dir.path}/source.db`);
  const base64url = btoa(String.fromCharCode(...bytes)).replace(/\+/g, "-").replace(/\//g, "_");
  const ldbPath = `${dir.path}/ldb.db`;
  assertEquals(await bootstrapLdb({ ...options, url: `data:${base64url}`, ldbPath }), "downloaded");
  assertEquals(seqOf(ldbPath), 5);
  await rejects(
    bootstrapLdb({ ...options, url: "ftp://x/y", ldbPath: `${dir.path}/a.db` }),
    /unsupported scheme 'ftp' for bootstrap URL 'ftp:\/\/x\/y'/,
  );
  await rejects(
    bootstrapLdb({
      ...options,
      url: `data:${btoa("not a database")}`,
      ldbPath: `${dir.path}/b.db`,
    }),
    /not an SQLite database/,
  );
});

Deno.test("a reflector started without an LDB bootstraps it, then follows an sqlite3 upstream", async () => {
  await using dir = await tempDir();
  const { bytes, checksum } = makeSnapshot(`${dir.path}/source.db`);
  await Deno.writeFile(`${dir.path}/snap.db`, bytes);
  await Deno.writeTextFile(`${dir.path}/snap.db.checksum`, checksum);
  const ctldbPath = `${dir.path}/ctldb.db`;
  const ctldb = await openCtldb(`sqlite:${ctldbPath}`);
  try {
    await ctldb.ensureSchema();
    for (let seq = 1; seq <= 6; seq++) {
      const statement = seq === 6 ? `REPLACE INTO fam___tbl ("id") VALUES(43)` : "--- BEGIN";
      // seqs 1-5 are already in the snapshot; their text does not matter.
      await ctldb.exec("INSERT INTO ctlstore_dml_ledger (seq, statement) VALUES (?, ?)", [
        seq,
        statement,
      ]);
    }
    const ldbPath = `${dir.path}/ldb.db`;
    const reflector = await startReflector({
      ldbPath,
      upstreamDriver: "sqlite3",
      upstreamDsn: ctldbPath,
      bootstrapUrl: `file://${dir.path}/snap.db`,
      pollIntervalMs: 20,
    });
    try {
      await reflector.waitForSeq(6, AbortSignal.timeout(10_000));
    } finally {
      await reflector.stop();
    }
    assertEquals(ldbRows(ldbPath, "fam___tbl").map((r) => r.id), [42n, 43n]);
  } finally {
    await ctldb.close();
  }
});

Deno.test("bootstrap from http:// checks the x-amz-meta-checksum header; 404 in supervisor mode starts empty", async () => {
  await using dir = await tempDir();
  const { bytes, checksum } = makeSnapshot(`${dir.path}/source.db`);
  const gz = await gzip(bytes);
  await using server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, (request) => {
    const path = new URL(request.url).pathname;
    if (path === "/snap.db.gz") {
      return new Response(gz as Uint8Array<ArrayBuffer>, {
        headers: { "x-amz-meta-checksum": checksum },
      });
    }
    if (path === "/bad.db") {
      return new Response(bytes as Uint8Array<ArrayBuffer>, {
        headers: { "x-amz-meta-checksum": "AAAA" },
      });
    }
    return new Response("not found", { status: 404 });
  });
  const base = `http://127.0.0.1:${server.addr.port}`;
  const ldbPath = `${dir.path}/ldb.db`;
  assertEquals(
    await bootstrapLdb({ ...options, url: `${base}/snap.db.gz`, ldbPath }),
    "downloaded",
  );
  assertEquals(seqOf(ldbPath), 5);
  await rejects(
    bootstrapLdb({ ...options, url: `${base}/bad.db`, ldbPath: `${dir.path}/bad.db` }),
    /checksum mismatch/,
  );
  const missing = { ...options, url: `${base}/none.db`, ldbPath: `${dir.path}/none.db` };
  assertEquals(await bootstrapLdb({ ...missing, notFoundIsEmpty: true }), "empty");
  await rejects(bootstrapLdb(missing), /after max attempts reached: GET .* 404/);
});

Deno.test("bootstrap fails at once, leaving no handle open, when the temp file cannot be created", async () => {
  await using dir = await tempDir();
  const { bytes } = makeSnapshot(`${dir.path}/source.db`);
  await Deno.writeFile(`${dir.path}/snap.db`, bytes);
  const ldbPath = `${dir.path}/ldb.db`;
  await Deno.mkdir(`${ldbPath}.tmp`); // a directory where the temp file should go
  const errors: string[] = [];
  await rejects(
    bootstrapLdb({
      ...options,
      url: `file://${dir.path}/snap.db`,
      ldbPath,
      onError: (type) => errors.push(type),
    }),
    /directory/i,
  );
  assertEquals(errors, ["generic"]);
  assertEquals(await Deno.stat(ldbPath).catch(() => "absent"), "absent");
  assertEquals(openHandlesTo(`${dir.path}/snap.db`), 0, "the snapshot file was closed");
});

Deno.test("bootstrap stops retrying once its signal aborts", async () => {
  await using dir = await tempDir();
  const controller = new AbortController();
  const errors: string[] = [];
  const bootstrap = bootstrapLdb({
    ...options,
    retryDelayMs: 60_000,
    url: `file://${dir.path}/missing.db`,
    ldbPath: `${dir.path}/ldb.db`,
    signal: controller.signal,
    onError: (type) => {
      errors.push(type);
      controller.abort();
    },
  });
  await rejects(bootstrap, /after max attempts reached: snapshot .* does not exist/);
  assertEquals(errors, ["permanent"], "one attempt, no retry after the abort");
});
