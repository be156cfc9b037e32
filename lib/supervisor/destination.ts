/**
 * Snapshot destinations: parsing `-snapshot-url` and the interface each scheme implements.
 *
 * @module
 */
import { fileURLToPath } from "node:url";
import { parseS3Url, S3Client, type S3Options } from "../s3/mod.ts";
import { fileDestination } from "./file_destination.ts";
import { s3Destination } from "./s3_destination.ts";

/** What a destination receives: the uncompressed snapshot file and its checksum. */
export interface SnapshotUpload {
  path: string;
  /** base64(SHA-1) of the uncompressed file. */
  checksum: string;
  sizeBytes: number;
}

/** One place snapshots are published to. */
export interface SnapshotDestination {
  /** The URL as configured. */
  readonly url: string;
  /** The name ends in `.gz`, so the upload is gzip-compressed. */
  readonly compressed: boolean;
  /** Publishes the snapshot; returns the bytes written (compressed bytes when compressing). */
  upload(snapshot: SnapshotUpload, signal: AbortSignal): Promise<{ bytes: number }>;
}

/**
 * Parses a comma-separated list of `s3://bucket/key[.gz]` and `file:///abs/path[.gz]` URLs.
 *
 * @throws {Error} `configure snapshot for '<url>': Unknown scheme <scheme>` for other schemes,
 *   and `configure snapshot for '<url>': <reason>` for malformed URLs.
 * @example
 * ```ts
 * const destinations = parseSnapshotDestinations("file:///snapshots/snapshot.db,s3://b/snapshot.db.gz");
 * console.log(destinations.map((d) => d.compressed)); // [false, true]
 * ```
 */
export function parseSnapshotDestinations(
  urls: string | readonly string[],
  options: { s3?: S3Options } = {},
): SnapshotDestination[] {
  const list = (typeof urls === "string" ? urls.split(",") : urls.flatMap((u) => u.split(",")))
    .map((url) => url.trim()).filter((url) => url !== "");
  let client: S3Client | undefined;
  return list.map((url) => {
    const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):/.exec(url)?.[1]?.toLowerCase() ?? "";
    try {
      switch (scheme) {
        case "file":
          return fileDestination(url, fileURLToPath(url));
        case "s3": {
          const { bucket, key } = parseS3Url(url);
          client ??= new S3Client(options.s3);
          return s3Destination(url, client, bucket, key);
        }
      }
    } catch (error) {
      throw new Error(`configure snapshot for '${url}': ${(error as Error).message}`);
    }
    throw new Error(`configure snapshot for '${url}': Unknown scheme ${scheme}`);
  });
}
