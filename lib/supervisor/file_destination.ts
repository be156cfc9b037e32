/**
 * `file://` snapshot destinations: atomic writes (temp file in the same directory, fsync,
 * rename), parent directories created as needed, gzip when the name ends in `.gz`, and a
 * `<path>.checksum` sidecar holding base64(SHA-1) of the uncompressed snapshot, which bootstrap
 * verifies.
 *
 * @module
 */
import { basename, dirname } from "node:path";
import { removeIfExists } from "../ldb/mod.ts";
import type { SnapshotDestination, SnapshotUpload } from "./destination.ts";

async function writeStream(
  stream: ReadableStream<Uint8Array>,
  file: Deno.FsFile,
  signal: AbortSignal,
): Promise<number> {
  const reader = stream.getReader();
  let bytes = 0;
  try {
    while (true) {
      signal.throwIfAborted();
      const { value, done } = await reader.read();
      if (done) return bytes;
      for (let at = 0; at < value.byteLength;) at += await file.write(value.subarray(at));
      bytes += value.byteLength;
    }
  } finally {
    await reader.cancel().catch(() => {});
  }
}

async function syncDirectory(dir: string): Promise<void> {
  try {
    using handle = await Deno.open(dir, { read: true });
    await handle.sync();
  } catch {
    // Not every platform can fsync a directory; the rename itself is still atomic.
  }
}

/**
 * Writes `stream` to `path` atomically: readers see the old file or the whole new one, never a
 * partial write. Returns the number of bytes written.
 */
async function writeFileAtomic(
  path: string,
  stream: ReadableStream<Uint8Array>,
  signal: AbortSignal,
): Promise<number> {
  const dir = dirname(path);
  let temp: string | undefined;
  try {
    await Deno.mkdir(dir, { recursive: true });
    temp = await Deno.makeTempFile({ dir, prefix: `.${basename(path)}.`, suffix: ".tmp" });
    let bytes: number;
    {
      using file = await Deno.open(temp, { write: true, truncate: true });
      bytes = await writeStream(stream, file, signal);
      await file.sync();
    }
    await Deno.chmod(temp, 0o644);
    signal.throwIfAborted();
    await Deno.rename(temp, path);
    await syncDirectory(dir);
    return bytes;
  } catch (error) {
    await stream.cancel().catch(() => {});
    if (temp !== undefined) await removeIfExists(temp);
    throw error;
  }
}

/**
 * A `file://` destination for the absolute path `path`.
 *
 * @example
 * ```ts
 * const destination = fileDestination("file:///snapshots/snapshot.db.gz", "/snapshots/snapshot.db.gz");
 * console.log(destination.compressed); // true
 * ```
 */
export function fileDestination(url: string, path: string): SnapshotDestination {
  const compressed = path.endsWith(".gz");
  return {
    url,
    compressed,
    async upload(snapshot: SnapshotUpload, signal: AbortSignal) {
      const input = await Deno.open(snapshot.path, { read: true });
      const stream = compressed
        ? input.readable.pipeThrough(new CompressionStream("gzip"))
        : input.readable;
      const bytes = await writeFileAtomic(path, stream, signal);
      const checksum = new Blob([snapshot.checksum]).stream();
      await writeFileAtomic(`${path}.checksum`, checksum, signal);
      return { bytes };
    },
  };
}
