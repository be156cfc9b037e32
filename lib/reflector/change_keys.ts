/**
 * Finds what a ledger statement changes, for the changelog (spec §10.6, DESIGN §3.6) and the
 * change history (DESIGN §7).
 *
 * `node:sqlite` has no pre-update hook, so a `REPLACE INTO <t> …` or `DELETE FROM <t> WHERE …`
 * on a family table runs with `RETURNING <key columns>` appended: SQLite itself reports the key
 * it wrote or every key it deleted, exactly as stored (integers as `bigint`, blobs as bytes),
 * in the same step that applies it. An upsert that overwrites a row is one change, not the
 * original's two; a delete that matches no row is none. `DELETE FROM <t>` is a `clear` (its
 * keys are read first only when asked, for the changelog), `DROP TABLE` a `drop`,
 * `CREATE`/`ALTER TABLE` a `schema` change. Statements on tables that are not family tables,
 * unrecognised statements and statements SQLite cannot compile with `RETURNING` (hand-written
 * text with a trailing comment, say) are executed verbatim and report nothing. Keys list the
 * primary-key columns in table column order with their declared types. This module writes
 * neither the changelog nor the history.
 *
 * @module
 */
import type { DatabaseSync, StatementSync } from "node:sqlite";
import type { ChangeOp } from "../ldb/mod.ts";
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

/** One changed row of a family table (a changelog entry). */
export interface ChangedKey {
  family: string;
  table: string;
  /** Primary-key columns in table column order. */
  key: KeyPart[];
}

/** What one statement changed in one family table. */
export interface TableChange {
  op: ChangeOp;
  family: string;
  table: string;
  /**
   * The changed keys, primary-key columns in table column order: one for an `upsert`, one per
   * deleted row for a `delete` (and for a `clear` when keys of clears are asked for), none for
   * `drop` and `schema`.
   */
  keys: KeyPart[][];
  /** Indexes into each key's parts in primary-key order. */
  keyOrder: readonly number[];
}

/** Options of {@linkcode ChangeKeyCapture}. */
export interface ChangeKeyCaptureOptions {
  /** Read every key a `DELETE FROM <t>` removes (the changelog lists them one by one). */
  clearKeys: boolean;
}

interface TableKeys {
  family: string;
  table: string;
  columns: { name: string; type: string }[];
  keyOrder: number[];
  /** ` RETURNING <keys>`, appended to upserts and deletes. */
  returning: string;
  /** `SELECT <keys> FROM <t>`, the keys a clear deletes. */
  selectAllSql: string;
  all?: StatementSync;
}

const BINARY_TYPE = /^\s*(BLOB|VARBINARY)/i;
const TRAILING_SEMICOLON = /;\s*$/;
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
 * Applies statements on one LDB connection and reports what they changed; table metadata is
 * cached until a DDL or unrecognised statement runs.
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
 * const capture = new ChangeKeyCapture(db, silentLogger, { clearKeys: false });
 * const sql = `REPLACE INTO fam___tbl ("id") VALUES(7)`;
 * const change = capture.run(parseStatement(sql), sql);
 * // { op: "upsert", family: "fam", table: "tbl", keys: [[{ name: "id", type: "INTEGER", value: 7n }]], keyOrder: [0] }
 * ```
 */
export class ChangeKeyCapture {
  readonly #db: DatabaseSync;
  readonly #log: Logger;
  readonly #clearKeys: boolean;
  readonly #tables = new Map<string, TableKeys | null>();
  #tableInfo?: StatementSync;

  /**
   * @param db The LDB connection statements run on.
   * @param log Where statements that cannot report keys are noted (debug level).
   * @param options Whether the keys of a clear are read.
   */
  constructor(db: DatabaseSync, log: Logger, options: ChangeKeyCaptureOptions) {
    this.#db = db;
    this.#log = log;
    this.#clearKeys = options.clearKeys;
  }

  /**
   * Applies one statement and returns what it changed. Errors of the statement propagate.
   *
   * @param parsed The classified statement.
   * @param sql The statement text, exactly as in the ledger.
   * @returns The change of a family table, or `undefined` when nothing reportable changed.
   */
  run(parsed: ParsedStatement, sql: string): TableChange | undefined {
    if (parsed.kind === "upsert" || parsed.kind === "delete") {
      const info = this.#keysOf(parsed.table);
      if (!info) {
        this.#db.exec(sql);
        return undefined;
      }
      if (parsed.kind === "delete" && parsed.where === undefined) {
        const keys = this.#clearKeys ? this.#allKeys(info) : [];
        this.#db.exec(sql);
        return this.#change("clear", info, keys);
      }
      const keys = this.#returning(info, sql);
      if (keys.length === 0) return undefined;
      return this.#change(parsed.kind, info, keys);
    }
    this.#db.exec(sql);
    if (parsed.kind !== "ddl" && parsed.kind !== "other") return undefined;
    this.#tables.clear();
    if (parsed.kind === "other" || parsed.table === undefined) return undefined;
    const names = parseLdbTableName(parsed.table);
    if (!names) return undefined;
    return { op: parsed.drop ? "drop" : "schema", ...names, keys: [], keyOrder: [] };
  }

  #change(op: ChangeOp, info: TableKeys, keys: KeyPart[][]): TableChange {
    return { op, family: info.family, table: info.table, keys, keyOrder: info.keyOrder };
  }

  /** Runs an upsert or delete with `RETURNING`; the keys it wrote or deleted. */
  #returning(info: TableKeys, sql: string): KeyPart[][] {
    let statement: StatementSync;
    try {
      statement = this.#prepare(sql.replace(TRAILING_SEMICOLON, "") + info.returning);
    } catch (error) {
      this.#log.debug("statement cannot report its keys; no change reported", {
        statement: sql.slice(0, 200),
        error,
      });
      this.#db.exec(sql);
      return [];
    }
    return statement.all().map((row) => this.#key(info, row));
  }

  #allKeys(info: TableKeys): KeyPart[][] {
    info.all ??= this.#prepare(info.selectAllSql);
    return info.all.all().map((row) => this.#key(info, row));
  }

  #key(info: TableKeys, row: Record<string, unknown>): KeyPart[] {
    return info.columns.map(({ name, type }) => ({ name, type, value: keyValue(type, row[name]) }));
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
      const keyColumns =
        (this.#tableInfo.all(table) as { name: string; type: string; pk: number }[])
          .filter((column) => column.pk > 0);
      if (keyColumns.length > 0) {
        const list = keyColumns.map((c) => quote(c.name)).join(", ");
        info = {
          ...names,
          columns: keyColumns.map(({ name, type }) => ({ name, type })),
          keyOrder: keyColumns.map((column, i) => ({ pk: column.pk, i }))
            .sort((a, b) => a.pk - b.pk).map(({ i }) => i),
          returning: ` RETURNING ${list}`,
          selectAllSql: `SELECT ${list} FROM ${quote(table)}`,
        };
      }
    }
    this.#tables.set(table, info);
    return info;
  }
}
