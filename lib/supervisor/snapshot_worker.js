// @ts-check
/**
 * The worker that copies an LDB for `snapshot.ts`: one message `{ source, target,
 * busyTimeoutMs }` in, one reply `{ seq }` or `{ error }` out. It copies with SQLite's backup API
 * in a single step on its own read-only connection, switches the copy to WAL mode (as the
 * original's snapshots, copies of a WAL database's main file, are) and reads its `_ldb_seq`.
 *
 * It is JavaScript, checked through JSDoc types, because `snapshot.ts` starts it from the text of
 * this file (a static `with { type: "text" }` import): that keeps it in the module graph, so
 * `deno bundle` and `deno compile` carry it with no extra file or `--include`, and no
 * TypeScript has to be compiled when the worker starts. For the same reason it imports nothing
 * of ours: what it needs of the LDB (the busy timeout) comes in the message.
 *
 * @module
 */
import { backup, DatabaseSync } from "node:sqlite";

/** @typedef {{ source: string; target: string; busyTimeoutMs: number }} SnapshotJob */
/** @typedef {{ seq: number } | { error: string }} SnapshotReply */

/**
 * The worker's global scope, as far as this worker uses it.
 *
 * @type {{
 *   onmessage: ((event: MessageEvent<SnapshotJob>) => void) | null;
 *   postMessage(reply: SnapshotReply): void;
 * }}
 */
const scope = /** @type {any} */ (globalThis);

/**
 * Copies `job.source` into `job.target` and returns the copy's `_ldb_seq` (0 when absent).
 *
 * @param {SnapshotJob} job
 * @returns {Promise<number>}
 */
async function copy(job) {
  const source = new DatabaseSync(job.source, { readOnly: true });
  try {
    source.exec(`PRAGMA busy_timeout = ${job.busyTimeoutMs}`);
    // One step: the whole copy inside one read transaction, never restarted by writers.
    await backup(source, job.target, { rate: 2147483647 });
  } finally {
    source.close();
  }
  const target = new DatabaseSync(job.target);
  try {
    target.exec("PRAGMA journal_mode = WAL");
    const table = target.prepare(
      "SELECT 1 AS found FROM sqlite_master WHERE type = 'table' AND name = '_ldb_seq'",
    ).get();
    if (!table) return 0;
    return Number(target.prepare("SELECT seq FROM _ldb_seq WHERE id = 1").get()?.seq ?? 0);
  } finally {
    target.close();
  }
}

scope.onmessage = async ({ data }) => {
  try {
    scope.postMessage({ seq: await copy(data) });
  } catch (error) {
    scope.postMessage({ error: error instanceof Error ? error.message : String(error) });
  }
};
