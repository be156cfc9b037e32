/**
 * The changelog file (spec §10.6, DESIGN §3.6): one JSON line per changed key,
 * `{"seq":…,"family":…,"table":…,"key":[{"name":…,"type":…,"value":…}]}`, Go JSON escaping,
 * rotation by deleting and recreating the file when the next line would pass the size limit.
 *
 * Unlike the original, `seq` never restarts: the last seq given out is kept in the LDB table
 * `_ldb_changelog_seq` (one row, `id = 1`), updated in the same SQLite transaction as the rows
 * it describes. Entries are written after that transaction commits, so a crash between the
 * commit and the write shows up as a seq gap (consumers then invalidate their caches) instead
 * of as silently missing entries. This module neither finds keys (see `change_keys.ts`) nor
 * decides when to commit (see `applier.ts`).
 *
 * @module
 */
import type { DatabaseSync } from "node:sqlite";
import { errorMessage, type Logger, RateLimitedLog } from "../log/mod.ts";
import { stringifyGoJson } from "../schema/mod.ts";
import type { ChangedKey } from "./change_keys.ts";

const encoder = new TextEncoder();

/**
 * Formats one changelog line (without the newline).
 *
 * @param seq The entry's sequence number.
 * @param change The changed key.
 * @returns The JSON line.
 *
 * @example
 * ```ts
 * import { formatChangelogEntry } from "./changelog.ts";
 *
 * formatChangelogEntry(1, {
 *   family: "f",
 *   table: "t",
 *   key: [{ name: "id", type: "INTEGER", value: 7n }],
 * });
 * // {"seq":1,"family":"f","table":"t","key":[{"name":"id","type":"INTEGER","value":7}]}
 * ```
 */
export function formatChangelogEntry(seq: number, change: ChangedKey): string {
  return stringifyGoJson({ seq, family: change.family, table: change.table, key: change.key });
}

/**
 * Creates the changelog seq table when missing.
 *
 * @example
 * ```ts
 * import { DatabaseSync } from "node:sqlite";
 * import { ensureChangelogSeqTable, readChangelogSeq } from "./changelog.ts";
 *
 * const db = new DatabaseSync(":memory:");
 * ensureChangelogSeqTable(db);
 * readChangelogSeq(db); // 0
 * ```
 */
export function ensureChangelogSeqTable(db: DatabaseSync): void {
  db.exec(
    "CREATE TABLE IF NOT EXISTS _ldb_changelog_seq (id INTEGER PRIMARY KEY NOT NULL, seq BIGINT NOT NULL)",
  );
}

/**
 * The last changelog seq given out, 0 when none.
 *
 * @example
 * ```ts
 * import { DatabaseSync } from "node:sqlite";
 * import { ensureChangelogSeqTable, readChangelogSeq, writeChangelogSeq } from "./changelog.ts";
 *
 * const db = new DatabaseSync(":memory:");
 * ensureChangelogSeqTable(db);
 * writeChangelogSeq(db, 12);
 * readChangelogSeq(db); // 12
 * ```
 */
export function readChangelogSeq(db: DatabaseSync): number {
  const row = db.prepare("SELECT seq FROM _ldb_changelog_seq WHERE id = 1").get();
  return row ? Number(row.seq) : 0;
}

/**
 * Stores the last changelog seq given out (inside the caller's transaction).
 *
 * @example
 * ```ts
 * import { DatabaseSync } from "node:sqlite";
 * import { ensureChangelogSeqTable, writeChangelogSeq } from "./changelog.ts";
 *
 * const db = new DatabaseSync(":memory:");
 * ensureChangelogSeqTable(db);
 * writeChangelogSeq(db, 3);
 * ```
 */
export function writeChangelogSeq(db: DatabaseSync, seq: number): void {
  db.prepare("REPLACE INTO _ldb_changelog_seq (id, seq) VALUES (1, ?)").run(seq);
}

/**
 * Appends lines to the changelog file, rotating it by delete-and-recreate. A file that cannot be
 * opened at start fails the start ({@linkcode ChangelogFile.open}); later write errors (a full
 * disk) are logged, rate-limited, and the lines dropped: the changelog never stops a running
 * reflector.
 *
 * @example
 * ```ts
 * import { silentLogger } from "../log/mod.ts";
 * import { ChangelogFile } from "./changelog.ts";
 *
 * const file = ChangelogFile.open("/tmp/changelog", 1 << 20, silentLogger);
 * file.append(['{"seq":1,"family":"f","table":"t","key":[]}']);
 * file.close();
 * ```
 */
export class ChangelogFile {
  readonly path: string;
  readonly sizeLimit: number;
  readonly #log: Logger;
  readonly #failures: RateLimitedLog;
  #file?: Deno.FsFile;
  #size = 0;

  /**
   * Opens (creating if missing) the changelog now, so a path that cannot be written fails the
   * reflector's start instead of dropping every entry later.
   *
   * @param path The changelog file.
   * @param sizeLimit Rotation size in bytes.
   * @param log Where write failures and rotations are reported.
   * @throws {Error} `cannot open changelog <path>: <reason>`.
   */
  static open(path: string, sizeLimit: number, log: Logger): ChangelogFile {
    const file = new ChangelogFile(path, sizeLimit, log);
    try {
      file.#file = Deno.openSync(path, { create: true, append: true, mode: 0o644 });
      file.#size = file.#file.statSync().size;
    } catch (error) {
      file.close();
      throw new Error(`cannot open changelog ${path}: ${errorMessage(error)}`, { cause: error });
    }
    return file;
  }

  /**
   * @param path The changelog file; created if missing, appended to otherwise.
   * @param sizeLimit Rotation size in bytes.
   * @param log Where write failures and rotations are reported.
   */
  constructor(path: string, sizeLimit: number, log: Logger) {
    this.path = path;
    this.sizeLimit = sizeLimit;
    this.#log = log;
    this.#failures = new RateLimitedLog(log, "changelog entries dropped", { level: "error" });
  }

  /**
   * Appends each line followed by `\n`. A line longer than the limit is dropped; a line that
   * would push the file past the limit first deletes and recreates the file.
   *
   * @param lines Lines without their newline.
   * @returns How many lines were written.
   */
  append(lines: readonly string[]): number {
    let chunk: string[] = [];
    let chunkBytes = 0;
    let written = 0;
    const flush = () => {
      if (chunk.length === 0) return;
      if (this.#write(encoder.encode(chunk.join("")))) written += chunk.length;
      chunk = [];
      chunkBytes = 0;
    };
    for (const line of lines) {
      const length = encoder.encode(line).length;
      if (length > this.sizeLimit) {
        this.#log.warn("changelog entry larger than -changelog-size dropped", { bytes: length });
        continue;
      }
      if (this.#open() === undefined) return written;
      if (this.#size + chunkBytes + length > this.sizeLimit) {
        flush();
        this.#rotate();
      }
      chunk.push(line + "\n");
      chunkBytes += length + 1;
    }
    flush();
    return written;
  }

  /** Closes the file handle. */
  close(): void {
    this.#file?.close();
    this.#file = undefined;
  }

  #open(): Deno.FsFile | undefined {
    if (this.#file) return this.#file;
    try {
      this.#file = Deno.openSync(this.path, { create: true, append: true, mode: 0o644 });
      this.#size = this.#file.statSync().size;
      return this.#file;
    } catch (error) {
      this.#failures.failure({ path: this.path, error: `open: ${errorMessage(error)}` });
      return undefined;
    }
  }

  #rotate(): void {
    this.close();
    try {
      Deno.removeSync(this.path);
    } catch (error) {
      if (!(error instanceof Deno.errors.NotFound)) {
        this.#log.error("cannot delete changelog", { path: this.path, error: errorMessage(error) });
      }
    }
    this.#log.info("changelog rotated", { path: this.path });
    this.#open();
  }

  #write(bytes: Uint8Array): boolean {
    const file = this.#open();
    if (!file) return false;
    try {
      let offset = 0;
      while (offset < bytes.length) offset += file.writeSync(bytes.subarray(offset));
      this.#size += bytes.length;
      this.#failures.recovered("changelog written again", { path: this.path });
      return true;
    } catch (error) {
      this.#failures.failure({ path: this.path, error: `write: ${errorMessage(error)}` });
      this.close();
      return false;
    }
  }
}
