/**
 * Where readers look for LDB files: `$CTLSTORE_PATH` (default `/var/spool/ctlstore/`), file
 * `ldb.db`, and for rotating readers `ldb-2.db`, `ldb-3.db` and so on.
 *
 * @module
 */
import { join } from "node:path";
import process from "node:process";

/**
 * The LDB directory used when `CTLSTORE_PATH` is not set.
 *
 * @example
 * ```ts
 * import { DEFAULT_LDB_DIR } from "@ctlstore/ctlstore";
 *
 * console.log(DEFAULT_LDB_DIR); // /var/spool/ctlstore/
 * ```
 */
export const DEFAULT_LDB_DIR = "/var/spool/ctlstore/";

/**
 * The LDB directory: `$CTLSTORE_PATH`, or {@linkcode DEFAULT_LDB_DIR} when it is unset, empty or
 * not readable (no environment permission).
 *
 * @returns The directory path.
 *
 * @example
 * ```ts
 * import { ldbDirectory } from "@ctlstore/ctlstore";
 *
 * console.log(ldbDirectory());
 * ```
 */
export function ldbDirectory(): string {
  let dir: string | undefined;
  try {
    dir = process.env.CTLSTORE_PATH;
  } catch {
    dir = undefined;
  }
  return dir ? dir : DEFAULT_LDB_DIR;
}

/**
 * The default LDB file: `ldb.db` in {@linkcode ldbDirectory}.
 *
 * @returns The file path, e.g. `/var/spool/ctlstore/ldb.db`.
 *
 * @example
 * ```ts
 * import { defaultLdbPath } from "@ctlstore/ctlstore";
 *
 * console.log(defaultLdbPath()); // /var/spool/ctlstore/ldb.db
 * ```
 */
export function defaultLdbPath(): string {
  return join(ldbDirectory(), "ldb.db");
}

/**
 * The files of a rotating reader: `ldb.db`, `ldb-2.db` … `ldb-<count>.db` in a directory.
 *
 * @param count How many LDB files.
 * @param dir The directory (default {@linkcode ldbDirectory}).
 * @returns The file paths.
 *
 * @example
 * ```ts
 * import { rotatingLdbPaths } from "@ctlstore/ctlstore";
 *
 * console.log(rotatingLdbPaths(3, "/data")); // ["/data/ldb.db", "/data/ldb-2.db", "/data/ldb-3.db"]
 * ```
 */
export function rotatingLdbPaths(count: number, dir: string = ldbDirectory()): string[] {
  return Array.from({ length: count }, (_, i) => join(dir, i === 0 ? "ldb.db" : `ldb-${i + 1}.db`));
}
