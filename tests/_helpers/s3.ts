/**
 * A local S3 server for tests: `npm:s3rver` in-process on a random port, storing objects in a
 * temporary directory, with one bucket created up front.
 *
 * @module
 */
import S3rver from "s3rver";
import type { S3Options } from "../../lib/s3/mod.ts";

/** A running local S3 server; disposing it stops the server and deletes its files. */
export interface LocalS3 extends AsyncDisposable {
  /** `http://127.0.0.1:<port>`. */
  endpoint: string;
  /** The bucket created at start. */
  bucket: string;
  /** Client options for this server (endpoint, region and s3rver's fixed credentials). */
  options: S3Options;
}

/**
 * Starts s3rver with a fresh bucket.
 *
 * @example
 * ```ts
 * await using s3 = await startS3rver();
 * const client = new S3Client(s3.options);
 * ```
 */
export async function startS3rver(bucket = "ctlstore-test"): Promise<LocalS3> {
  const directory = await Deno.makeTempDir({ prefix: "s3rver-" });
  const server = new S3rver({
    address: "127.0.0.1",
    port: 0,
    silent: true,
    directory,
    configureBuckets: [{ name: bucket, configs: [] }],
  });
  let port: number;
  try {
    ({ port } = await server.run());
  } catch (error) {
    await Deno.remove(directory, { recursive: true });
    throw error;
  }
  const endpoint = `http://127.0.0.1:${port}`;
  return {
    endpoint,
    bucket,
    options: { endpoint, region: "us-east-1", accessKeyId: "S3RVER", secretAccessKey: "S3RVER" },
    async [Symbol.asyncDispose]() {
      try {
        await server.close();
      } finally {
        await Deno.remove(directory, { recursive: true });
      }
    },
  };
}
