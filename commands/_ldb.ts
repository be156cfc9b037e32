/**
 * What the LDB commands (`ldb-read-key`, `read-keys`, `read-seq`) share: opening a reader and
 * turning reader failures into one-line CLI errors.
 *
 * @module
 */
import { DEFAULT_LDB_DIR, LdbNotFoundError, Reader, ReaderError } from "../lib/mod.ts";
import type { FlagSpecs } from "../lib/flags/mod.ts";
import { errorMessage } from "../lib/log/mod.ts";
import { CliError } from "./_command.ts";

/**
 * `-l/--ldb` of `read-keys` and `read-seq`: the LDB file, by default `ldb.db` in
 * `/var/spool/ctlstore/` (like the original CLI, not moved by `CTLSTORE_PATH`).
 */
export const LDB_FLAG = {
  ldb: {
    type: "string",
    short: "l",
    help: "path to the LDB file",
    default: `${DEFAULT_LDB_DIR}ldb.db`,
  },
} as const satisfies FlagSpecs;

/**
 * Opens a reader, or fails with one line (`<prefix><error>`).
 *
 * @example
 * ```ts
 * using reader = openReader("/var/spool/ctlstore/ldb.db");
 * ```
 */
export function openReader(path: string, prefix = ""): Reader {
  try {
    return Reader.open(path);
  } catch (error) {
    throw new CliError(`${prefix}${errorMessage(error)}`);
  }
}

/**
 * Runs a reader call, turning reader errors (unknown table, wrong key count…) into CLI errors.
 *
 * @example
 * ```ts
 * const seq = readerCall(() => reader.getLastSequence());
 * ```
 */
export function readerCall<T>(call: () => T): T {
  try {
    return call();
  } catch (error) {
    if (error instanceof ReaderError || error instanceof LdbNotFoundError) {
      throw new CliError(error.message);
    }
    throw error;
  }
}
