/**
 * `s3://bucket/key` snapshot destinations: multipart upload of the snapshot (gzip-compressed on
 * the fly when the key ends in `.gz`) with user metadata `checksum` = base64(SHA-1) of the
 * uncompressed file, the layout `download.sh` and the original reflectors' bootstrap expect.
 *
 * @module
 */
import type { S3Client } from "../s3/mod.ts";
import type { SnapshotDestination, SnapshotUpload } from "./destination.ts";

/**
 * An `s3://` destination writing `key` in `bucket` through `client`.
 *
 * @example
 * ```ts
 * const destination = s3Destination("s3://b/snapshot.db.gz", new S3Client(), "b", "snapshot.db.gz");
 * ```
 */
export function s3Destination(
  url: string,
  client: S3Client,
  bucket: string,
  key: string,
): SnapshotDestination {
  const compressed = key.endsWith(".gz");
  return {
    url,
    compressed,
    async upload(snapshot: SnapshotUpload, signal: AbortSignal) {
      const { uploadedBytes } = await client.putObjectFromFile(bucket, key, snapshot.path, {
        gzip: compressed,
        metadata: { checksum: snapshot.checksum },
        signal,
      });
      return { bytes: uploadedBytes };
    },
  };
}
