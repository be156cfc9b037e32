/**
 * Online snapshots of a live LDB: SQLite's backup API (`backup()` of `node:sqlite`), run on a
 * separate read-only connection in a single step, copies every page inside one read transaction
 * into a new file while the reflector keeps writing (WAL mode). One step means the copy is
 * consistent and never restarts, however often the reflector commits.
 *
 * `VACUUM INTO` is not used: it attaches the target database, and Deno's `node:sqlite` refuses
 * `ATTACH` unless every permission is granted, which the compiled binary does not have.
 *
 * The copy runs in a short-lived worker (`snapshot_worker.js`) so a large LDB does not block the
 * event loop (and with it the embedded reflector). The worker starts from the text of its
 * module, imported statically, so `deno bundle` and `deno compile` carry it like any other
 * module and need no extra file.
 *
 * @module
 */
import { DEFAULT_BUSY_TIMEOUT_MS, removeLdbFiles } from "../ldb/mod.ts";
import workerSource from "./snapshot_worker.js" with { type: "text" };

/** A finished snapshot file. */
export interface SnapshotFile {
  /** Where the copy is. */
  path: string;
  /** Its `_ldb_seq` (0 when absent): the last ledger statement it contains. */
  seq: number;
  /** Its size in bytes. */
  sizeBytes: number;
}

/**
 * Copies the LDB at `source` into a new file `target` (removed first if present) and reports the
 * copy's sequence and size. The source is never modified or locked against writers.
 *
 * @throws {Error} When the source cannot be read or the copy cannot be written.
 * @example
 * ```ts
 * const snapshot = await takeSnapshot("/var/spool/ctlstore/ldb.db", "/var/spool/ctlstore/ldb.db.snapshot");
 * console.log(snapshot.seq, snapshot.sizeBytes);
 * ```
 */
export async function takeSnapshot(source: string, target: string): Promise<SnapshotFile> {
  await Deno.stat(source);
  await removeLdbFiles(target);
  const url = URL.createObjectURL(new Blob([workerSource], { type: "text/javascript" }));
  const worker = new Worker(url, { type: "module" });
  try {
    const reply = await new Promise<{ seq?: number; error?: string }>((resolve, reject) => {
      worker.onmessage = (event) => resolve(event.data);
      worker.onerror = (event) => {
        event.preventDefault();
        reject(new Error(`snapshot worker failed: ${event.message}`));
      };
      worker.postMessage({ source, target, busyTimeoutMs: DEFAULT_BUSY_TIMEOUT_MS });
    });
    if (reply.error !== undefined) {
      throw new Error(`snapshot of ${source} into ${target}: ${reply.error}`);
    }
    const { size } = await Deno.stat(target);
    return { path: target, seq: reply.seq ?? 0, sizeBytes: size };
  } catch (error) {
    await removeLdbFiles(target);
    throw error;
  } finally {
    worker.terminate();
    URL.revokeObjectURL(url);
  }
}
