/**
 * Finds the primary keys a ledger statement changes, for the changelog (spec §10.6, DESIGN §3.6).
 *
 * `node:sqlite` has no pre-update hook, so keys are read with SQLite itself around the
 * statement: a `REPLACE INTO <t>` is followed by a read of the row it inserted
 * (`rowid = last_insert_rowid()`), a `DELETE FROM <t> [WHERE …]` is preceded by a `SELECT` of
 * the keys it will delete (same condition text). Values therefore come back exactly as stored
 * (integers as `bigint`, blobs as bytes). Each changed key yields one entry; an upsert that
 * overwrites a row yields one entry, not the original's two. DDL and unrecognised statements
 * yield none. Keys list the primary-key columns in table column order with their declared types.
 * This module does not write the changelog file.
 *
 * @module
 */
import type { DatabaseSync, StatementSync } from "node:sqlite";
import type { Logger } from "../log/mod.ts";
import { parseLdbTableName } from "../schema/mod.ts";
import type { ParsedStatement } from "./statement.ts";

/** One primary-key column of a changed row. */
export interface KeyPart {
  /** Column name. */
  name: string;
  /** Declared SQLite type, e.g. `INTEGER`, `VARCHAR(191)`, `BLOB(255)`. */
  type: string;
  /** The stored value: `bigint`, `number`, `string`, `Uint8Array` or `null`. */
  value: unknown;
}

/** One changed row of a family table. */
export interface ChangedKey {
  family: string;
  table: string;
  /** Primary-key columns in table column order. */
  key: KeyPart[];
}

interface TableKeys {
  family: string;
  table: string;
  columns: { name: string; type: string }[];
  /** `SELECT <keys> FROM <t>`, the prefix of every key query. */
  selectSql: string;
  lastInserted?: StatementSync;
  all?: StatementSync;
}

const BINARY_TYPE = /^\s*(BLOB|VARBINARY)/i;
const decoder = new TextDecoder();

function quote(identifier: string): string {
  return `"${identifier.replaceAll('"', '""')}"`;
}

/** Blobs in columns not declared binary are reported as text, as Go's changelog does. */
function keyValue(type: string, value: unknown): unknown {
  if (value instanceof Uint8Array && !BINARY_TYPE.test(type)) return decoder.decode(value);
  return value;
}

/**
 * Captures changed keys on one LDB connection; table metadata is cached until a DDL or
 * unrecognised statement runs.
 *
 * @example
 * ```ts
 * import { DatabaseSync } from "node:sqlite";
 * import { silentLogger } from "../log/mod.ts";
 * import { ChangeKeyCapture } from "./change_keys.ts";
 * import { parseStatement } from "./statement.ts";
 *
 * const db = new DatabaseSync(":memory:");
 * db.exec(`CREATE TABLE fam___tbl ("id" INTEGER, PRIMARY KEY("id"))`);
 * const capture = new ChangeKeyCapture(db, silentLogger);
 * const sql = `REPLACE INTO fam___tbl ("id") VALUES(7)`;
 * const keys = capture.run(parseStatement(sql), () => db.exec(sql));
 * // [{ family: "fam", table: "tbl", key: [{ name: "id", type: "INTEGER", value: 7n }] }]
 * ```
 */
export class ChangeKeyCapture {
  readonly #db: DatabaseSync;
  readonly #log: Logger;
  readonly #tables = new Map<string, TableKeys | null>();
  #tableInfo?: StatementSync;

  /**
   * @param db The LDB connection statements run on.
   * @param log Where unreadable keys are reported (debug level).
   */
  constructor(db: DatabaseSync, log: Logger) {
    this.#db = db;
    this.#log = log;
  }

  /**
   * Runs `execute` (which applies the statement) and returns the keys it changed.
   * Errors of `execute` propagate; failures to read keys only cost the entries.
   *
   * @param parsed The classified statement.
   * @param execute Applies the statement to the LDB.
   * @returns One entry per changed key of a family table.
   */
  run(parsed: ParsedStatement, execute: () => void): ChangedKey[] {
    if (parsed.kind === "delete") {
      const keys = this.#deletedKeys(parsed.table, parsed.where);
      execute();
      return keys;
    }
    execute();
    if (parsed.kind === "upsert") return this.#insertedKey(parsed.table);
    if (parsed.kind === "ddl" || parsed.kind === "other") this.#tables.clear();
    return [];
  }

  #deletedKeys(table: string, where: string | undefined): ChangedKey[] {
    const info = this.#keysOf(table);
    if (!info) return [];
    try {
      let statement: StatementSync;
      if (where === undefined) {
        statement = info.all ??= this.#prepare(info.selectSql);
      } else {
        statement = this.#prepare(`${info.selectSql} WHERE ${where}`);
      }
      return statement.all().map((row) => this.#entry(info, row));
    } catch (error) {
      this.#log.debug("cannot read keys of a delete; no changelog entry", { table, error });
      return [];
    }
  }

  #insertedKey(table: string): ChangedKey[] {
    const info = this.#keysOf(table);
    if (!info) return [];
    try {
      info.lastInserted ??= this.#prepare(`${info.selectSql} WHERE rowid = last_insert_rowid()`);
      const row = info.lastInserted.get();
      return row ? [this.#entry(info, row)] : [];
    } catch (error) {
      this.#log.debug("cannot read the key of an upsert; no changelog entry", { table, error });
      return [];
    }
  }

  #entry(info: TableKeys, row: Record<string, unknown>): ChangedKey {
    return {
      family: info.family,
      table: info.table,
      key: info.columns.map(({ name, type }) => ({ name, type, value: keyValue(type, row[name]) })),
    };
  }

  #prepare(sql: string): StatementSync {
    const statement = this.#db.prepare(sql);
    statement.setReadBigInts(true);
    return statement;
  }

  #keysOf(table: string): TableKeys | null {
    let info = this.#tables.get(table);
    if (info !== undefined) return info;
    info = null;
    const names = parseLdbTableName(table);
    if (names) {
      this.#tableInfo ??= this.#db.prepare(
        "SELECT name, type, pk FROM pragma_table_info(?) ORDER BY cid",
      );
      const columns = (this.#tableInfo.all(table) as { name: string; type: string; pk: number }[])
        .filter((column) => column.pk > 0)
        .map(({ name, type }) => ({ name, type }));
      if (columns.length > 0) {
        info = {
          ...names,
          columns,
          selectSql: `SELECT ${columns.map((c) => quote(c.name)).join(", ")} FROM ${quote(table)}`,
        };
      }
    }
    this.#tables.set(table, info);
    return info;
  }
}
