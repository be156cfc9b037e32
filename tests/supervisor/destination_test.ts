import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { basename, dirname } from "node:path";
import { S3Client } from "../../lib/s3/mod.ts";
import { parseSnapshotDestinations } from "../../lib/supervisor/destination.ts";
import { startS3rver } from "../_helpers/s3.ts";
import { tempDir } from "../_helpers/temp.ts";

const BYTES = new TextEncoder().encode("SQLite format 3\0".padEnd(50_000, "ctlstore "));
const CHECKSUM = createHash("sha1").update(BYTES).digest("base64");

async function gunzip(bytes: Uint8Array<ArrayBuffer>): Promise<Uint8Array> {
  const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

async function readAll(stream: ReadableStream<Uint8Array>): Promise<Uint8Array<ArrayBuffer>> {
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

async function writeSnapshot(dir: string) {
  const path = `${dir}/source.db`;
  await Deno.writeFile(path, BYTES);
  return { path, checksum: CHECKSUM, sizeBytes: BYTES.byteLength };
}

Deno.test("snapshot URLs of other schemes are rejected with the original's message", () => {
  const cases = [
    { urls: "http://host/snapshot.db", message: "Unknown scheme http" },
    { urls: "file:///a.db, gs://bucket/key", message: "Unknown scheme gs" },
    { urls: "/plain/path.db", message: "Unknown scheme " },
  ];
  for (const { urls, message } of cases) {
    const bad = urls.split(",").at(-1)!.trim();
    assert.throws(
      () => parseSnapshotDestinations(urls),
      { message: `configure snapshot for '${bad}': ${message}` },
      urls,
    );
  }
});

Deno.test("snapshot URLs are split on commas and compressed when they end in .gz", () => {
  const destinations = parseSnapshotDestinations(
    " file:///snapshots/snapshot.db , s3://bucket/dir/snapshot.db.gz,,file:///x/y.gz",
  );
  assert.deepEqual(destinations.map((d) => [d.url, d.compressed]), [
    ["file:///snapshots/snapshot.db", false],
    ["s3://bucket/dir/snapshot.db.gz", true],
    ["file:///x/y.gz", true],
  ]);
});

Deno.test("malformed snapshot URLs name the URL in the error", () => {
  for (const url of ["s3://bucket", "file://remote-host/a.db"]) {
    assert.throws(() => parseSnapshotDestinations(url), {
      message: new RegExp(`^configure snapshot for '${url}': `),
    });
  }
});

Deno.test("a file destination writes the snapshot and its checksum in new directories", async (t) => {
  await using dir = await tempDir();
  const snapshot = await writeSnapshot(dir.path);
  for (const name of ["a/b/snapshot.db", "c/snapshot.db.gz"]) {
    await t.step(name, async () => {
      const target = `${dir.path}/${name}`;
      const [destination] = parseSnapshotDestinations(`file://${target}`);

      const { bytes } = await destination!.upload(snapshot, new AbortController().signal);

      const written = await Deno.readFile(target);
      const plain = name.endsWith(".gz") ? await gunzip(written) : written;
      assert.equal(bytes, written.byteLength);
      assert.deepEqual(plain, BYTES);
      assert.equal(await Deno.readTextFile(`${target}.checksum`), CHECKSUM);
      assert.equal((await Deno.stat(target)).mode! & 0o777, 0o644);
      const names = await Array.fromAsync(Deno.readDir(dirname(target)), (e) => e.name);
      assert.deepEqual(names.sort(), [basename(target), `${basename(target)}.checksum`]);
    });
  }
});

Deno.test("a file destination replaces the previous snapshot in one step", async () => {
  await using dir = await tempDir();
  const snapshot = await writeSnapshot(dir.path);
  const target = `${dir.path}/snapshot.db`;
  await Deno.writeTextFile(target, "old snapshot");
  const before = await Deno.stat(target);
  const [destination] = parseSnapshotDestinations(`file://${target}`);

  await destination!.upload(snapshot, new AbortController().signal);

  assert.deepEqual(await Deno.readFile(target), BYTES);
  assert.notEqual((await Deno.stat(target)).ino, before.ino);
});

Deno.test("an aborted file upload keeps the old snapshot and leaves no temp file", async () => {
  await using dir = await tempDir();
  const snapshot = await writeSnapshot(dir.path);
  await Deno.mkdir(`${dir.path}/out`);
  await Deno.writeTextFile(`${dir.path}/out/snapshot.db`, "old snapshot");
  const [destination] = parseSnapshotDestinations(`file://${dir.path}/out/snapshot.db`);
  const controller = new AbortController();
  controller.abort(new Error("shutting down"));

  await assert.rejects(destination!.upload(snapshot, controller.signal), /shutting down/);

  assert.equal(await Deno.readTextFile(`${dir.path}/out/snapshot.db`), "old snapshot");
  const names = await Array.fromAsync(Deno.readDir(`${dir.path}/out`), (e) => e.name);
  assert.deepEqual(names, ["snapshot.db"]);
});

Deno.test("an s3 destination uploads with the checksum of the uncompressed file", async (t) => {
  await using s3 = await startS3rver();
  await using dir = await tempDir();
  const snapshot = await writeSnapshot(dir.path);
  const client = new S3Client(s3.options);
  for (const key of ["dir/snapshot.db", "dir/snapshot.db.gz"]) {
    await t.step(key, async () => {
      const [destination] = parseSnapshotDestinations(`s3://${s3.bucket}/${key}`, {
        s3: s3.options,
      });

      const { bytes } = await destination!.upload(snapshot, new AbortController().signal);

      const object = await client.getObject(s3.bucket, key);
      const body = await readAll(object.body);
      assert.equal(object.metadata.checksum, CHECKSUM);
      assert.equal(bytes, body.byteLength);
      assert.deepEqual(key.endsWith(".gz") ? await gunzip(body) : body, BYTES);
    });
  }
});
