/**
 * Opening LDB files (spec §9.1, §9.2): the reflector's read-write connection in WAL mode with
 * the metadata tables, and the readers' read-only connection that never checkpoints.
 * Sequence and timestamp bookkeeping live in `seq.ts` and `last_update.ts`.
 *
 * @module
 */
import { existsSync, statSync } from "node:fs";
import { DatabaseSync } from "node:sqlite";
import { LdbNotFoundError } from "./errors.ts";

/** The busy timeout of LDB connections unless told otherwise, in milliseconds. */
export const DEFAULT_BUSY_TIMEOUT_MS = 5000;

/** The two metadata tables of an LDB, exactly as the original creates them. */
const LDB_METADATA_DDL: readonly string[] = Object.freeze([
  "CREATE TABLE IF NOT EXISTS _ldb_seq (id INTEGER PRIMARY KEY NOT NULL, seq BIGINT NOT NULL);",
  "CREATE TABLE IF NOT EXISTS _ldb_last_update (name STRING PRIMARY KEY NOT NULL, timestamp DATETIME NOT NULL);",
]);

/** Options of {@linkcode openLdbForWrite}. */
export interface OpenLdbForWriteOptions {
  /** How long a statement waits for a lock, in milliseconds (default 5000). */
  busyTimeoutMs?: number;
}

/**
 * Creates the `_ldb_seq` and `_ldb_last_update` tables when they are missing.
 *
 * @param db A read-write connection.
 *
 * @example Prepare an LDB
 * ```ts
 * import { DatabaseSync } from "node:sqlite";
 * import { ensureLdbMetadata } from "./open.ts";
 *
 * ensureLdbMetadata(new DatabaseSync(":memory:"));
 * ```
 */
export function ensureLdbMetadata(db: DatabaseSync): void {
  for (const ddl of LDB_METADATA_DDL) db.exec(ddl);
}

/**
 * Opens (creating when missing) an LDB for writing, as the reflector does: busy timeout, WAL
 * journal mode (persisted in the file), default auto-checkpointing, metadata tables.
 *
 * @param path The LDB file.
 * @param options The busy timeout.
 * @returns The connection; the caller closes it.
 *
 * @example Open an LDB for the reflector
 * ```ts
 * import { openLdbForWrite } from "./open.ts";
 *
 * const db = openLdbForWrite("/tmp/ldb.db");
 * db.close();
 * ```
 */
export function openLdbForWrite(path: string, options: OpenLdbForWriteOptions = {}): DatabaseSync {
  const db = new DatabaseSync(path);
  try {
    db.exec(`PRAGMA busy_timeout = ${busyTimeout(options.busyTimeoutMs)}`);
    db.exec("PRAGMA journal_mode = WAL");
    ensureLdbMetadata(db);
    return db;
  } catch (e) {
    db.close();
    throw e;
  }
}

/**
 * Opens an existing LDB read-only, as readers do: `PRAGMA wal_autocheckpoint = 0` (readers never
 * checkpoint; the reflector owns that) and a 5 s busy timeout. The directory must be writable
 * or already hold the `-shm` file, since WAL readers share it.
 *
 * @param path The LDB file.
 * @returns The connection; the caller closes it.
 * @throws {LdbNotFoundError} When the file does not exist.
 * @throws {Error} `cannot read LDB at <path>: <reason>` when it is a directory or not a database.
 *
 * @example Read the sequence of an LDB
 * ```ts
 * import { getLdbSeq, openLdbForRead } from "./mod.ts";
 *
 * const db = openLdbForRead("/var/spool/ctlstore/ldb.db");
 * console.log(getLdbSeq(db));
 * db.close();
 * ```
 */
export function openLdbForRead(path: string): DatabaseSync {
  if (!existsSync(path)) throw new LdbNotFoundError(path);
  if (statSync(path).isDirectory()) throw new Error(`cannot read LDB at ${path}: is a directory`);
  const db = new DatabaseSync(path, { readOnly: true });
  try {
    db.exec("PRAGMA wal_autocheckpoint = 0");
    db.exec(`PRAGMA busy_timeout = ${DEFAULT_BUSY_TIMEOUT_MS}`);
    // Reads the header now, so a file that is not a database fails here, naming its path.
    db.prepare("PRAGMA schema_version").get();
    return db;
  } catch (e) {
    db.close();
    const message = e instanceof Error ? e.message : String(e);
    throw new Error(`cannot read LDB at ${path}: ${message}`, { cause: e });
  }
}

function busyTimeout(ms: number | undefined): number {
  const value = ms ?? DEFAULT_BUSY_TIMEOUT_MS;
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new RangeError(`invalid busy timeout: ${value}`);
  }
  return value;
}
