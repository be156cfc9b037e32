/**
 * What the LDB commands (`ldb-read-key`, `read-keys`, `read-seq`) share: opening a reader,
 * turning reader failures into one-line CLI errors, and a key of the wrong length worded for
 * a shell user.
 *
 * @module
 */
import {
  DEFAULT_LDB_DIR,
  LdbNotFoundError,
  Reader,
  ReaderError,
  type TableInfo,
} from "../lib/mod.ts";
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

/**
 * Refuses a key with more or fewer parts than the table's primary key has columns, naming
 * them, before the lookup (whose own error says only that the count is wrong).
 *
 * @throws {CliError} `too many key parts: <family>.<table> has a primary key of 1 column (id),
 *   got 2` (or `too few key parts: …`).
 * @example
 * ```ts
 * const info = readerCall(() => reader.tableInfo("accounts", "users"));
 * checkKeyLength(info, key.length);
 * ```
 */
export function checkKeyLength(info: TableInfo, parts: number): void {
  const columns = info.keyColumns.map((column) => column.name);
  if (parts === columns.length) return;
  const what = parts > columns.length ? "too many key parts" : "too few key parts";
  const plural = columns.length === 1 ? "" : "s";
  throw new CliError(
    `${what}: ${info.family}.${info.table} has a primary key of ${columns.length} ` +
      `column${plural} (${columns.join(", ")}), got ${parts}`,
  );
}
