/**
 * The shared S3 client: snapshot uploads (supervisor) and bootstrap downloads (reflector).
 *
 * @example
 * ```ts
 * import { parseS3Url, S3Client } from "./mod.ts";
 * const { bucket, key } = parseS3Url("s3://snapshots/snapshot.db");
 * await new S3Client().putObjectFromFile(bucket, key, "/tmp/snapshot.db");
 * ```
 *
 * @module
 */
export * from "./client.ts";
export * from "./error.ts";
export * from "./url.ts";
