/**
 * `LdbTestUtil` (spec §15.6): a throwaway LDB for applications' own tests. Tables are created
 * with the same DDL and the same validation as the executive; rows are written the way the
 * reflector writes them. Each instance has its own temporary directory: no global state.
 *
 * @module
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { DatabaseSync, SQLInputValue, StatementSync } from "node:sqlite";
import { openLdbForWrite, setLdbLastUpdate } from "../ldb/mod.ts";
import {
  checkKeyFields,
  createTableSql,
  type FieldDef,
  fieldTypeOfColumn,
  ldbTableName,
  LEDGER_COLUMN_TYPES,
  normalizeFamilyName,
  normalizeFieldName,
  normalizeTableName,
  quoteIdentifier,
  unzipFieldPair,
} from "../schema/mod.ts";
import { Reader } from "./reader.ts";
import type { Row } from "./types.ts";

/**
 * A table for {@linkcode LdbTestUtil.createTable}, as in the executive's create-table request.
 *
 * @example
 * ```ts
 * import type { TestTableDef } from "@ctlstore/ctlstore";
 *
 * const users: TestTableDef = {
 *   family: "accounts",
 *   name: "users",
 *   fields: [["id", "integer"], ["name", "string"]],
 *   keyFields: ["id"],
 *   rows: [[1, "ada"], { id: 2, name: "grace" }],
 * };
 * ```
 */
export interface TestTableDef {
  /** Family name. */
  family: string;
  /** Table name. */
  name: string;
  /** `[name, type]` pairs; types are `string`, `integer`, `decimal`, `text`, `binary`, `bytestring`. */
  fields: readonly (readonly string[])[];
  /** Primary-key field names, in key order. */
  keyFields: readonly string[];
  /** Rows to insert, see {@linkcode LdbTestUtil.insertRows}. */
  rows?: readonly TestRow[];
}

/**
 * A row to insert: values in column order, or an object by column name.
 *
 * @example
 * ```ts
 * import type { TestRow } from "@ctlstore/ctlstore";
 *
 * const rows: TestRow[] = [[1, "ada"], { id: 2, name: "grace" }];
 * ```
 */
export type TestRow = readonly unknown[] | Row;

const encoder = new TextEncoder();

function bindValue(value: unknown, binary: boolean): SQLInputValue {
  if (value === undefined) return null;
  if (typeof value === "boolean") return value ? 1 : 0;
  if (typeof value === "string" && binary) return encoder.encode(value);
  return value as SQLInputValue;
}

/**
 * A temporary LDB for tests: create tables, insert rows, then read them with a
 * {@linkcode Reader}. `close()` (or `using`) removes the files.
 *
 * @example Test code that reads ctlstore
 * ```ts
 * import { LdbTestUtil } from "@ctlstore/ctlstore";
 *
 * using ldb = LdbTestUtil.create();
 * ldb.createTable({
 *   family: "accounts",
 *   name: "users",
 *   fields: [["id", "integer"], ["name", "string"]],
 *   keyFields: ["id"],
 *   rows: [[1, "ada"]],
 * });
 * const reader = ldb.openReader();
 * console.log(reader.getRowByKey("accounts", "users", 1)); // { id: 1, name: "ada" }
 * ```
 */
export class LdbTestUtil implements Disposable {
  /** The temporary directory holding the LDB. */
  readonly dir: string;
  /** The LDB file. */
  readonly path: string;
  /** The read-write connection (WAL mode, metadata tables created). */
  readonly db: DatabaseSync;
  #readers: Reader[] = [];
  #closed = false;

  private constructor(dir: string) {
    this.dir = dir;
    this.path = join(dir, "ldb.db");
    this.db = openLdbForWrite(this.path);
  }

  /**
   * Creates an empty LDB in a new temporary directory.
   *
   * @returns The utility; close it to remove the directory.
   *
   * @example
   * ```ts
   * import { LdbTestUtil } from "@ctlstore/ctlstore";
   *
   * const ldb = LdbTestUtil.create();
   * console.log(ldb.path);
   * ldb.close();
   * ```
   */
  static create(): LdbTestUtil {
    const dir = mkdtempSync(join(tmpdir(), "ctlstore-ldb-"));
    try {
      return new LdbTestUtil(dir);
    } catch (e) {
      rmSync(dir, { recursive: true, force: true });
      throw e;
    }
  }

  /**
   * Opens a {@linkcode Reader} on this LDB; it is closed with the utility.
   *
   * @returns A read-only reader.
   *
   * @example
   * ```ts
   * import { LdbTestUtil } from "@ctlstore/ctlstore";
   *
   * using ldb = LdbTestUtil.create();
   * console.log(ldb.openReader().ping());
   * ```
   */
  openReader(): Reader {
    const reader = Reader.open(this.path);
    this.#readers.push(reader);
    return reader;
  }

  /**
   * Creates a family table with the executive's validation and the ledger's SQLite DDL, then
   * inserts `def.rows` if given.
   *
   * @param def The table.
   * @throws {NameError} For invalid family, table or field names.
   * @throws {TableDefinitionError} For malformed fields, unknown types or invalid keys (executive messages).
   *
   * @example
   * ```ts
   * import { LdbTestUtil } from "@ctlstore/ctlstore";
   *
   * using ldb = LdbTestUtil.create();
   * ldb.createTable({
   *   family: "accounts",
   *   name: "members",
   *   fields: [["team", "string"], ["id", "integer"], ["role", "string"]],
   *   keyFields: ["team", "id"],
   * });
   * ```
   */
  createTable(def: TestTableDef): void {
    const table = ldbTableName(normalizeFamilyName(def.family), normalizeTableName(def.name));
    const fields: FieldDef[] = def.fields.map((pair, i) => {
      const field = unzipFieldPair(pair, i);
      return { name: normalizeFieldName(field.name), type: field.type };
    });
    const keys = def.keyFields.map(normalizeFieldName);
    checkKeyFields(fields, keys);
    this.db.exec(createTableSql(LEDGER_COLUMN_TYPES, table, fields, keys));
    if (def.rows?.length) this.insertRows(def.family, def.name, def.rows);
  }

  /**
   * Inserts rows in one transaction, then sets the LDB's last-update time to now (so ledger
   * latency is about 0). Array rows give every column in table order; object rows name their
   * columns. Strings for binary columns are stored as UTF-8 bytes, as the reflector would.
   *
   * @param family Family name.
   * @param table Table name.
   * @param rows The rows.
   *
   * @example
   * ```ts
   * import { LdbTestUtil } from "@ctlstore/ctlstore";
   *
   * using ldb = LdbTestUtil.create();
   * ldb.createTable({ family: "accounts", name: "users", fields: [["id", "integer"]], keyFields: ["id"] });
   * ldb.insertRows("accounts", "users", [[1], { id: 2 }]);
   * ```
   */
  insertRows(family: string, table: string, rows: readonly TestRow[]): void {
    const name = ldbTableName(normalizeFamilyName(family), normalizeTableName(table));
    const columns = this.db.prepare("SELECT name, type FROM pragma_table_info(?) ORDER BY cid")
      .all(name) as { name: string; type: string }[];
    if (columns.length === 0) throw new Error(`table ${name} does not exist`);
    const binary = new Map(columns.map((c) => {
      const type = fieldTypeOfColumn(c.type);
      return [c.name, type === "binary" || type === "bytestring"];
    }));
    const statements = new Map<string, StatementSync>();
    this.db.exec("BEGIN");
    try {
      for (const row of rows) {
        const names = Array.isArray(row) ? columns.map((c) => c.name) : Object.keys(row);
        const values = Array.isArray(row) ? row : Object.values(row);
        const sql = `INSERT INTO ${quoteIdentifier(name)} (${
          names.map(quoteIdentifier).join(", ")
        }) VALUES (${names.map(() => "?").join(", ")})`;
        let insert = statements.get(sql);
        if (!insert) statements.set(sql, insert = this.db.prepare(sql));
        insert.run(...values.map((v, i) => bindValue(v, binary.get(names[i]!) ?? false)));
      }
      setLdbLastUpdate(this.db, new Date());
      this.db.exec("COMMIT");
    } catch (e) {
      this.db.exec("ROLLBACK");
      throw e;
    }
  }

  /**
   * Deletes every row of a table.
   *
   * @param family Family name.
   * @param table Table name.
   *
   * @example
   * ```ts
   * import { LdbTestUtil } from "@ctlstore/ctlstore";
   *
   * using ldb = LdbTestUtil.create();
   * ldb.createTable({ family: "accounts", name: "users", fields: [["id", "integer"]], keyFields: ["id"] });
   * ldb.deleteAll("accounts", "users");
   * ```
   */
  deleteAll(family: string, table: string): void {
    const name = ldbTableName(normalizeFamilyName(family), normalizeTableName(table));
    this.db.exec(`DELETE FROM ${quoteIdentifier(name)}`);
  }

  /**
   * Drops every family table (every table whose name does not start with `_`), keeping the
   * metadata tables.
   *
   * @example
   * ```ts
   * import { LdbTestUtil } from "@ctlstore/ctlstore";
   *
   * using ldb = LdbTestUtil.create();
   * ldb.reset();
   * ```
   */
  reset(): void {
    const tables = this.db.prepare(
      "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE '\\_%' ESCAPE '\\' " +
        "AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'",
    ).all() as { name: string }[];
    for (const { name } of tables) this.db.exec(`DROP TABLE ${quoteIdentifier(name)}`);
  }

  /**
   * Closes the connection and the readers opened with {@linkcode LdbTestUtil.openReader}, and
   * removes the temporary directory.
   *
   * @example
   * ```ts
   * import { LdbTestUtil } from "@ctlstore/ctlstore";
   *
   * LdbTestUtil.create().close();
   * ```
   */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const reader of this.#readers) reader.close();
    this.db.close();
    rmSync(this.dir, { recursive: true, force: true });
  }

  /**
   * Closes the utility and removes its files (for `using`).
   *
   * @example
   * ```ts
   * import { LdbTestUtil } from "@ctlstore/ctlstore";
   *
   * {
   *   using ldb = LdbTestUtil.create();
   *   ldb.openReader().ping();
   * } // closed and removed here
   * ```
   */
  [Symbol.dispose](): void {
    this.close();
  }
}
