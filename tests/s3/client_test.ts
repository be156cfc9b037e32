import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { MULTIPART_PART_SIZE, S3Client, S3Error } from "../../lib/s3/mod.ts";
import { startS3rver } from "../_helpers/s3.ts";
import { tempDir } from "../_helpers/temp.ts";

function randomBytes(size: number): Uint8Array<ArrayBuffer> {
  const bytes = new Uint8Array(size);
  for (let at = 0; at < size; at += 65536) {
    crypto.getRandomValues(bytes.subarray(at, Math.min(size, at + 65536)));
  }
  return bytes;
}

function sha1(bytes: Uint8Array): string {
  return createHash("sha1").update(bytes).digest("base64");
}

async function s3Failure(promise: Promise<unknown>): Promise<S3Error> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof S3Error, String(error));
    return error;
  }
  assert.fail("expected an S3Error");
}

async function readAll(stream: ReadableStream<Uint8Array>): Promise<Uint8Array<ArrayBuffer>> {
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

Deno.test("an uploaded file downloads with the same bytes, length and metadata", async () => {
  await using s3 = await startS3rver();
  await using dir = await tempDir();
  const client = new S3Client(s3.options);
  const bytes = randomBytes(1000);
  await Deno.writeFile(`${dir.path}/small.db`, bytes);

  const { uploadedBytes } = await client.putObjectFromFile(
    s3.bucket,
    "nested/dir/small.db",
    `${dir.path}/small.db`,
    { metadata: { checksum: sha1(bytes) } },
  );
  const object = await client.getObject(s3.bucket, "nested/dir/small.db");

  assert.deepEqual(uploadedBytes, 1000);
  assert.deepEqual(object.contentLength, 1000);
  assert.deepEqual(object.metadata.checksum, sha1(bytes));
  assert.deepEqual(await readAll(object.body), bytes);
});

Deno.test("a file larger than one part is uploaded in parts and downloads intact", async () => {
  await using s3 = await startS3rver();
  await using dir = await tempDir();
  const client = new S3Client(s3.options);
  const bytes = randomBytes(MULTIPART_PART_SIZE + 1234567);
  await Deno.writeFile(`${dir.path}/big.db`, bytes);

  await client.putObjectFromFile(s3.bucket, "big.db", `${dir.path}/big.db`, {
    metadata: { checksum: sha1(bytes) },
  });
  const object = await client.getObject(s3.bucket, "big.db");

  assert.deepEqual(object.metadata.checksum, sha1(bytes));
  assert.deepEqual(sha1(await readAll(object.body)), sha1(bytes));
});

Deno.test("gzip uploads compress on the fly and decompress to the original bytes", async (t) => {
  await using s3 = await startS3rver();
  await using dir = await tempDir();
  const client = new S3Client(s3.options);
  const cases = [
    { name: "small compressible", bytes: new TextEncoder().encode("ctlstore ".repeat(10000)) },
    { name: "incompressible, more than one part", bytes: randomBytes(MULTIPART_PART_SIZE + 4096) },
  ];
  for (const { name, bytes } of cases) {
    await t.step(name, async () => {
      await Deno.writeFile(`${dir.path}/in.db`, bytes);
      const { uploadedBytes } = await client.putObjectFromFile(
        s3.bucket,
        "snapshot.db.gz",
        `${dir.path}/in.db`,
        { gzip: true },
      );
      const object = await client.getObject(s3.bucket, "snapshot.db.gz");
      const compressed = await readAll(object.body);
      const plain = await readAll(
        new Blob([compressed]).stream().pipeThrough(
          new DecompressionStream("gzip"),
        ),
      );

      assert.deepEqual(uploadedBytes, compressed.byteLength);
      assert.deepEqual(sha1(plain), sha1(bytes));
    });
  }
});

Deno.test("getObject of a missing key fails with S3Error status 404", async () => {
  await using s3 = await startS3rver();
  const client = new S3Client(s3.options);
  const error = await s3Failure(client.getObject(s3.bucket, "missing.db"));
  assert.deepEqual(error.status, 404);
  assert.deepEqual(error.code, "NoSuchKey");
});

Deno.test("an unknown access key is rejected with the server's status and code", async () => {
  await using s3 = await startS3rver();
  const client = new S3Client({ ...s3.options, accessKeyId: "UNKNOWN" });
  const error = await s3Failure(client.getObject(s3.bucket, "any.db"));
  assert.deepEqual([error.status, error.code], [403, "InvalidAccessKeyId"]);
});

Deno.test("an aborted upload rejects and leaves no object", async () => {
  await using s3 = await startS3rver();
  await using dir = await tempDir();
  const client = new S3Client(s3.options);
  await Deno.writeFile(`${dir.path}/big.db`, randomBytes(2 * MULTIPART_PART_SIZE + 10));
  const controller = new AbortController();
  controller.abort(new Error("stopping"));

  await assert.rejects(
    client.putObjectFromFile(s3.bucket, "big.db", `${dir.path}/big.db`, {
      signal: controller.signal,
    }),
    /stopping/,
  );
  const error = await s3Failure(client.getObject(s3.bucket, "big.db"));
  assert.equal(error.status, 404);
});

Deno.test("objectUrl is path-style with an endpoint and virtual-hosted on AWS", () => {
  const cases = [
    { options: { endpoint: "http://127.0.0.1:9000/" }, url: "http://127.0.0.1:9000/b/a%20b/c.db" },
    { options: { region: "eu-west-1" }, url: "https://b.s3.eu-west-1.amazonaws.com/a%20b/c.db" },
  ];
  for (const { options, url } of cases) {
    assert.deepEqual(new S3Client(options).objectUrl("b", "a b/c.db"), url);
  }
});
