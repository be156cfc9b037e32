/**
 * The files an LDB is made of on disk — the database and the companions SQLite keeps beside it
 * in WAL mode (`-wal`, `-shm`) — the one list of them every part uses, removing them (with a
 * rollback `-journal` a copy being written may have), and moving a damaged LDB aside,
 * companions included, so it can be inspected while a fresh one takes its place. Deciding that
 * an LDB is damaged is `integrity.ts`.
 *
 * @module
 */
import { rename } from "node:fs/promises";

/**
 * The suffixes of the files SQLite keeps beside an LDB in WAL mode.
 *
 * @example
 * ```ts
 * import { LDB_COMPANION_SUFFIXES } from "./files.ts";
 *
 * LDB_COMPANION_SUFFIXES.map((suffix) => `/tmp/ldb.db${suffix}`); // ["/tmp/ldb.db-wal", "/tmp/ldb.db-shm"]
 * ```
 */
export const LDB_COMPANION_SUFFIXES = ["-wal", "-shm"] as const;

/**
 * The paths of an LDB's files: the database first, then its companions.
 *
 * @param path The LDB file.
 * @returns `[path, path-wal, path-shm]`.
 *
 * @example
 * ```ts
 * import { ldbFilePaths } from "./files.ts";
 *
 * ldbFilePaths("/tmp/ldb.db"); // ["/tmp/ldb.db", "/tmp/ldb.db-wal", "/tmp/ldb.db-shm"]
 * ```
 */
export function ldbFilePaths(path: string): string[] {
  return [path, ...LDB_COMPANION_SUFFIXES.map((suffix) => path + suffix)];
}

/**
 * Removes a file, ignoring a missing one.
 *
 * @throws {Error} Any failure other than "not found".
 * @example
 * ```ts
 * import { removeIfExists } from "./files.ts";
 *
 * await removeIfExists("/var/spool/ctlstore/ldb.db.tmp");
 * ```
 */
export async function removeIfExists(path: string): Promise<void> {
  try {
    await Deno.remove(path);
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
}

/**
 * Removes the files SQLite may keep beside a database file — its companions
 * ({@linkcode LDB_COMPANION_SUFFIXES}) and a rollback `-journal` — but not the file itself;
 * missing ones are skipped. Stale side files of an older LDB must go before a new file takes
 * its name, or SQLite would apply them to it.
 *
 * @param path The database file.
 * @example
 * ```ts
 * import { removeLdbSideFiles } from "./files.ts";
 *
 * await removeLdbSideFiles("/var/spool/ctlstore/ldb.db");
 * ```
 */
export async function removeLdbSideFiles(path: string): Promise<void> {
  for (const suffix of [...LDB_COMPANION_SUFFIXES, "-journal"]) {
    await removeIfExists(path + suffix);
  }
}

/**
 * Removes a database file (an LDB, a snapshot, a temporary copy) and the files SQLite may keep
 * beside it; missing ones are skipped.
 *
 * @param path The database file.
 * @example
 * ```ts
 * import { removeLdbFiles } from "./files.ts";
 *
 * await removeLdbFiles("/var/spool/ctlstore/ldb.db.snapshot");
 * ```
 */
export async function removeLdbFiles(path: string): Promise<void> {
  await removeIfExists(path);
  await removeLdbSideFiles(path);
}

/** `2026-12-06T00:24:02.123Z` as `20261206T002402.123Z`: sortable, no `:` in file names. */
function stamp(at: Date): string {
  return at.toISOString().replace(/[-:]/g, "");
}

/**
 * Moves an LDB and its companions aside, to `<path>.corrupt-<UTC time>` (and `…-wal`,
 * `…-shm`, so SQLite opens the moved copy with its WAL). Missing companions are skipped. The
 * database moves first: once it is gone, the next start bootstraps, and the companions left
 * behind by a crash in between are removed by bootstrap as stale.
 *
 * @param path The LDB file; it must exist.
 * @param at The time in the new name (default now).
 * @returns The new path of the database file.
 * @throws {Error} When the database file cannot be renamed.
 *
 * @example Keep a damaged LDB for inspection
 * ```ts
 * import { moveLdbAside } from "./mod.ts";
 *
 * const kept = await moveLdbAside("/var/spool/ctlstore/ldb.db");
 * console.log(kept); // /var/spool/ctlstore/ldb.db.corrupt-20261206T002402.123Z
 * ```
 */
export async function moveLdbAside(path: string, at: Date = new Date()): Promise<string> {
  const aside = `${path}.corrupt-${stamp(at)}`;
  await rename(path, aside);
  for (const suffix of LDB_COMPANION_SUFFIXES) {
    try {
      await rename(path + suffix, aside + suffix);
    } catch (error) {
      if ((error as { code?: string }).code !== "ENOENT") throw error;
    }
  }
  return aside;
}

/**
 * Whether something exists at `path` (a link counts as itself, not as its target).
 *
 * @throws {Deno.errors.PermissionDenied} And any error other than "not found".
 * @example
 * ```ts
 * import { pathExists } from "./files.ts";
 *
 * if (await pathExists("/var/spool/ctlstore/ldb.db")) console.log("an LDB is there");
 * ```
 */
export async function pathExists(path: string): Promise<boolean> {
  try {
    await Deno.lstat(path);
    return true;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return false;
    throw error;
  }
}
