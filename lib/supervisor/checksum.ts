/**
 * The snapshot checksum the original supervisor stores in S3 metadata and `download.sh` checks:
 * base64 of the SHA-1 of the uncompressed LDB file (spec §12, §18).
 *
 * @module
 */
import { createHash } from "node:crypto";

/**
 * Computes base64(SHA-1) of a file, streaming it.
 *
 * @example
 * ```ts
 * const checksum = await fileChecksum("/var/spool/ctlstore/snapshot.db");
 * ```
 */
export async function fileChecksum(path: string): Promise<string> {
  const hash = createHash("sha1");
  using file = await Deno.open(path, { read: true });
  const buffer = new Uint8Array(1 << 20);
  while (true) {
    const read = await file.read(buffer);
    if (read === null) break;
    hash.update(buffer.subarray(0, read));
  }
  return hash.digest("base64");
}
