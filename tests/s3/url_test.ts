import assert from "node:assert/strict";
import { parseS3Url } from "../../lib/s3/mod.ts";

const VALID = [
  { url: "s3://bucket/snapshot.db", bucket: "bucket", key: "snapshot.db" },
  { url: "s3://bucket/a/b/snapshot.db.gz", bucket: "bucket", key: "a/b/snapshot.db.gz" },
  { url: "s3://my.bucket/with%20space.db", bucket: "my.bucket", key: "with space.db" },
];

Deno.test("parseS3Url takes the host as bucket and the path minus its slash as key", () => {
  for (const { url, bucket, key } of VALID) {
    assert.deepEqual(parseS3Url(url), { bucket, key }, url);
  }
});

Deno.test("parseS3Url rejects other schemes and missing parts", () => {
  for (const url of ["file:///a.db", "s3://bucket", "s3://bucket/", "s3:///key", "nope"]) {
    assert.throws(() => parseS3Url(url), TypeError, url);
  }
});
