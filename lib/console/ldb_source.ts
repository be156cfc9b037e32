/**
 * The console's access to the LDB: a {@linkcode Reader} (rows by key, table descriptions, the
 * change history and `/watch`) and one more read-only connection of its own for what the reader
 * does not offer (the list of tables, key-ordered pages, row counts and sizes). Both are opened
 * on first use and retried on every request until the LDB exists, so the console can start
 * before its reflector. Read-only connections never checkpoint the WAL and never block writers.
 *
 * @module
 */
import type { DatabaseSync } from "node:sqlite";
import { HttpError } from "../http/mod.ts";
import { LdbNotFoundError, openLdbForRead } from "../ldb/mod.ts";
import { errorMessage } from "../log/mod.ts";
import { Reader } from "../reader/mod.ts";
import { parseLdbTableName } from "../schema/mod.ts";

/** A family table of the LDB. */
export interface TableRef {
  /** Family name. */
  readonly family: string;
  /** Table name. */
  readonly table: string;
  /** Physical table name, `<family>___<table>`. */
  readonly ldbTable: string;
}

const TABLES_SQL = "SELECT name FROM sqlite_master WHERE type = 'table' " +
  "AND name LIKE '%\\_\\_\\_%' ESCAPE '\\' ORDER BY name";

/**
 * The LDB as the console reads it.
 *
 * @example
 * ```ts
 * using ldb = new LdbSource("/var/spool/ctlstore/ldb.db");
 * for (const { family, table } of ldb.tables()) console.log(family, table);
 * ```
 */
export class LdbSource implements Disposable {
  /** The LDB file. */
  readonly path: string;
  #reader: Reader | undefined;
  #db: DatabaseSync | undefined;
  #closed = false;

  /** @param path The LDB file. */
  constructor(path: string) {
    this.path = path;
  }

  /**
   * The reader, opened on first use.
   *
   * @throws {HttpError} 503 when the LDB does not exist or cannot be opened.
   */
  reader(): Reader {
    this.#open();
    return this.#reader!;
  }

  /**
   * The console's own read-only connection, opened on first use.
   *
   * @throws {HttpError} 503 when the LDB does not exist or cannot be opened.
   */
  db(): DatabaseSync {
    this.#open();
    return this.#db!;
  }

  /** Tells whether the LDB has been opened (it existed at some request). */
  get opened(): boolean {
    return this.#reader !== undefined;
  }

  /**
   * Every family table of the LDB, by family then table.
   *
   * @throws {HttpError} 503 when the LDB cannot be opened.
   */
  tables(): TableRef[] {
    const rows = this.db().prepare(TABLES_SQL).all() as { name: string }[];
    const tables: TableRef[] = [];
    for (const { name } of rows) {
      const parsed = parseLdbTableName(name);
      if (parsed) tables.push({ ...parsed, ldbTable: name });
    }
    return tables.sort((a, b) =>
      a.family === b.family ? cmp(a.table, b.table) : cmp(a.family, b.family)
    );
  }

  /** Closes both connections; later calls answer 503. */
  close(): void {
    this.#closed = true;
    this.#reader?.close();
    this.#db?.close();
    this.#reader = undefined;
    this.#db = undefined;
  }

  /** Closes the source (for `using`). */
  [Symbol.dispose](): void {
    this.close();
  }

  #open(): void {
    if (this.#closed) throw new HttpError(503, "The console is shutting down");
    if (this.#reader) return;
    try {
      this.#db = openLdbForRead(this.path);
      this.#reader = Reader.open(this.path);
    } catch (error) {
      this.#db?.close();
      this.#db = undefined;
      if (error instanceof LdbNotFoundError) {
        throw new HttpError(
          503,
          `No LDB at ${this.path} yet: start a reflector (or ctlstore up) that writes it, ` +
            "or point the console at another with -ldb-path",
          { cause: error },
        );
      }
      throw new HttpError(503, `Cannot open the LDB: ${errorMessage(error)}`, { cause: error });
    }
  }
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
