/**
 * Online snapshots of a live LDB: SQLite's backup API (`backup()` of `node:sqlite`), run on a
 * separate read-only connection in a single step, copies every page inside one read transaction
 * into a new file while the reflector keeps writing (WAL mode). One step means the copy is
 * consistent and never restarts, however often the reflector commits.
 *
 * `VACUUM INTO` is not used: it attaches the target database, and Deno's `node:sqlite` refuses
 * `ATTACH` unless every permission is granted, which the compiled binary does not have.
 *
 * The copy runs in a short-lived worker so a large LDB does not block the event loop (and with
 * it the embedded reflector). The worker source is inline so `deno bundle` and `deno compile`
 * need no extra file. The copy is switched to WAL mode, as the original's snapshots (a copy of
 * a WAL database's main file) are, and its `_ldb_seq` is read back.
 *
 * @module
 */

/** A finished snapshot file. */
export interface SnapshotFile {
  /** Where the copy is. */
  path: string;
  /** Its `_ldb_seq` (0 when absent): the last ledger statement it contains. */
  seq: number;
  /** Its size in bytes. */
  sizeBytes: number;
}

const WORKER_SOURCE = `
import { backup, DatabaseSync } from "node:sqlite";
self.onmessage = async ({ data }) => {
  try {
    const source = new DatabaseSync(data.source, { readOnly: true });
    try {
      source.exec("PRAGMA busy_timeout = 5000");
      await backup(source, data.target, { rate: 2147483647 });
    } finally {
      source.close();
    }
    const copy = new DatabaseSync(data.target);
    let seq = 0;
    try {
      copy.exec("PRAGMA journal_mode = WAL");
      const table = copy.prepare(
        "SELECT 1 AS found FROM sqlite_master WHERE type = 'table' AND name = '_ldb_seq'",
      ).get();
      if (table) seq = Number(copy.prepare("SELECT seq FROM _ldb_seq WHERE id = 1").get()?.seq ?? 0);
    } finally {
      copy.close();
    }
    self.postMessage({ seq });
  } catch (error) {
    self.postMessage({ error: String(error?.message ?? error) });
  }
};
`;

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
  await removeSnapshot(target);
  const url = URL.createObjectURL(new Blob([WORKER_SOURCE], { type: "text/javascript" }));
  const worker = new Worker(url, { type: "module" });
  try {
    const reply = await new Promise<{ seq?: number; error?: string }>((resolve, reject) => {
      worker.onmessage = (event) => resolve(event.data);
      worker.onerror = (event) => {
        event.preventDefault();
        reject(new Error(`snapshot worker failed: ${event.message}`));
      };
      worker.postMessage({ source, target });
    });
    if (reply.error !== undefined) {
      throw new Error(`snapshot of ${source} into ${target}: ${reply.error}`);
    }
    const { size } = await Deno.stat(target);
    return { path: target, seq: reply.seq ?? 0, sizeBytes: size };
  } catch (error) {
    await removeSnapshot(target);
    throw error;
  } finally {
    worker.terminate();
    URL.revokeObjectURL(url);
  }
}

/**
 * Removes a snapshot file and any `-wal`/`-shm` file SQLite left beside it.
 *
 * @example
 * ```ts
 * await removeSnapshot("/var/spool/ctlstore/ldb.db.snapshot");
 * ```
 */
export async function removeSnapshot(path: string): Promise<void> {
  for (const suffix of ["", "-wal", "-shm", "-journal"]) await removeIfExists(path + suffix);
}

/**
 * Removes a file, ignoring a missing one.
 *
 * @example
 * ```ts
 * await removeIfExists("/tmp/ldb.db.snapshot");
 * ```
 */
export async function removeIfExists(path: string): Promise<void> {
  try {
    await Deno.remove(path);
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
}
