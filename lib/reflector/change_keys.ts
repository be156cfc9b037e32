/**
 * Finds what a ledger statement changes, for the changelog (spec §10.6, DESIGN §3.6) and the
 * change history (DESIGN §7).
 *
 * `node:sqlite` has no pre-update hook, and preparing a statement costs three times what
 * executing its text does, so keys are found as cheaply as the executive's statement forms
 * allow. A `REPLACE INTO <t>` is followed by a read of the row it wrote (`rowid =
 * last_insert_rowid()`, a prepared statement). A `DELETE FROM <t> WHERE "k1" = v1 AND …` that
 * names every key column once with a literal of the column's kind (the executive's form) is
 * decoded from its text, and `changes()` tells whether a row went; any other condition is
 * answered by a `SELECT` of the keys it will delete, run first. Values come back as stored
 * (integers as `bigint`, blobs as bytes). An upsert that overwrites a row is one change, not
 * the original's two; a delete that matches no row is none. `DELETE FROM <t>` is a `clear`
 * (its keys are read first only when asked, for the changelog), `DROP TABLE` a `drop`,
 * `CREATE`/`ALTER TABLE` a `schema` change. Statements on tables that are not family tables,
 * and unrecognised statements, report nothing. Keys list the primary-key columns in table
 * column order with their declared types. This module writes neither the changelog nor the
 * history.
 *
 * @module
 */
import type { DatabaseSync, StatementSync } from "node:sqlite";
import type { ChangeOp } from "../ldb/mod.ts";
import type { Logger } from "../log/mod.ts";
import { parseLdbTableName, quoteIdentifier } from "../schema/mod.ts";
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
  /** Per key column: the literal kind its stored value has (`undefined`: decode by reading). */
  literalKinds: (LiteralKind | undefined)[];
  /** `SELECT <keys> FROM <t>`, the prefix of every key query. */
  selectSql: string;
  lastInserted?: StatementSync;
  all?: StatementSync;
}

type LiteralKind = "integer" | "text" | "blob";

/** One `"<column>" = <literal>` of a key condition, then ` AND ` or the end. */
const KEY_CONDITION = /"((?:[^"]|"")+)" = ('(?:[^']|'')*'|x'(?:[0-9a-f]{2})*'|-?\d+)(?: AND |$)/y;
/** One `"<column>"` of an upsert's column list, then `,` or `) VALUES(`. */
const UPSERT_COLUMN = /"((?:[^"]|"")+)"(,|\) VALUES\()/y;
/** One literal of an upsert's value list (as `sqlLiteral` writes them), then `,` or `)`. */
const UPSERT_LITERAL =
  /('(?:[^']|'')*'|x'(?:[0-9a-f]{2})*'|NULL|true|false|-?\d+(?:\.\d+)?)(?:,|\)$)/y;
const INTEGER_LITERAL = /^-?\d+$/;
const INTEGER_TYPE = /INT/i;
const TEXT_TYPE = /CHAR|CLOB|TEXT/i;

const BINARY_TYPE = /^\s*(BLOB|VARBINARY)/i;
const decoder = new TextDecoder();

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
  #changes?: StatementSync;

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
      if (parsed.kind === "upsert") {
        this.#db.exec(sql);
        const key = decodeUpsertKey(info, sql);
        const keys = key ? [key] : this.#insertedKey(info);
        return keys.length === 0 ? undefined : this.#change("upsert", info, keys);
      }
      const key = decodeKeyCondition(info, parsed.where!);
      let keys: KeyPart[][];
      if (key) {
        this.#db.exec(sql);
        this.#changes ??= this.#db.prepare("SELECT changes() AS n");
        keys = Number(this.#changes.get()!.n) > 0 ? [key] : [];
      } else {
        keys = this.#deletedKeys(info, parsed.where!);
        this.#db.exec(sql);
      }
      return keys.length === 0 ? undefined : this.#change("delete", info, keys);
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

  #insertedKey(info: TableKeys): KeyPart[][] {
    try {
      info.lastInserted ??= this.#prepare(`${info.selectSql} WHERE rowid = last_insert_rowid()`);
      const row = info.lastInserted.get();
      return row ? [this.#key(info, row)] : [];
    } catch (error) {
      this.#log.debug("cannot read the key of an upsert; no change reported", {
        table: `${info.family}___${info.table}`,
        error,
      });
      return [];
    }
  }

  /** The keys a `DELETE … WHERE <where>` will delete, read before it runs. */
  #deletedKeys(info: TableKeys, where: string): KeyPart[][] {
    try {
      return this.#prepare(`${info.selectSql} WHERE ${where}`).all()
        .map((row) => this.#key(info, row));
    } catch (error) {
      this.#log.debug("cannot read keys of a delete; no change reported", {
        table: `${info.family}___${info.table}`,
        error,
      });
      return [];
    }
  }

  #allKeys(info: TableKeys): KeyPart[][] {
    info.all ??= this.#prepare(info.selectSql);
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
        const list = keyColumns.map((c) => quoteIdentifier(c.name)).join(", ");
        info = {
          ...names,
          columns: keyColumns.map(({ name, type }) => ({ name, type })),
          keyOrder: keyColumns.map((column, i) => ({ pk: column.pk, i }))
            .sort((a, b) => a.pk - b.pk).map(({ i }) => i),
          literalKinds: keyColumns.map(({ type }) =>
            BINARY_TYPE.test(type)
              ? "blob"
              : INTEGER_TYPE.test(type)
              ? "integer"
              : TEXT_TYPE.test(type)
              ? "text"
              : undefined
          ),
          selectSql: `SELECT ${list} FROM ${quoteIdentifier(table)}`,
        };
      }
    }
    this.#tables.set(table, info);
    return info;
  }
}

/**
 * The key a `DELETE` condition in the executive's form names: every key column exactly once,
 * `"<column>" = <literal>` joined by ` AND `. Anything else is `undefined`, and the keys are
 * read from the table instead.
 */
function decodeKeyCondition(info: TableKeys, where: string): KeyPart[] | undefined {
  const literals = new Array<string | undefined>(info.columns.length);
  let found = 0;
  KEY_CONDITION.lastIndex = 0;
  while (KEY_CONDITION.lastIndex < where.length) {
    const match = KEY_CONDITION.exec(where);
    if (!match) return undefined;
    const column = info.columns.findIndex((c) => c.name === match[1]!.replaceAll('""', '"'));
    if (column < 0 || literals[column] !== undefined) return undefined;
    literals[column] = match[2]!;
    found++;
  }
  return found === info.columns.length ? decodeKey(info, literals) : undefined;
}

/**
 * The key an upsert in the executive's form writes: `REPLACE INTO <t> ("c1","c2",…)
 * VALUES(v1,v2,…)` naming every key column, so the key is known without reading the row back.
 * Anything else is `undefined`, and the key is read from the table instead.
 */
function decodeUpsertKey(info: TableKeys, sql: string): KeyPart[] | undefined {
  const names: string[] = [];
  UPSERT_COLUMN.lastIndex = sql.indexOf("(") + 1;
  for (;;) {
    const match = UPSERT_COLUMN.exec(sql);
    if (!match) return undefined;
    names.push(match[1]!.replaceAll('""', '"'));
    if (match[2] !== ",") break;
  }
  const literals = new Array<string | undefined>(info.columns.length);
  UPSERT_LITERAL.lastIndex = UPSERT_COLUMN.lastIndex;
  for (const name of names) {
    const match = UPSERT_LITERAL.exec(sql);
    if (!match) return undefined;
    const column = info.columns.findIndex((c) => c.name === name);
    if (column >= 0) literals[column] = match[1]!;
  }
  return UPSERT_LITERAL.lastIndex === sql.length ? decodeKey(info, literals) : undefined;
}

/**
 * Decodes one literal per key column, each of the kind the column stores (an integer in an
 * INTEGER column, a quoted string in a text column, `x'…'` in a binary one), so the value is
 * the one SQLite stored; `undefined` when a column has no literal or one of another kind.
 */
function decodeKey(info: TableKeys, literals: (string | undefined)[]): KeyPart[] | undefined {
  const key: KeyPart[] = [];
  for (const [i, { name, type }] of info.columns.entries()) {
    const literal = literals[i];
    if (literal === undefined) return undefined;
    const kind = info.literalKinds[i];
    let value: unknown;
    if (literal.startsWith("'")) {
      if (kind !== "text") return undefined;
      value = literal.slice(1, -1).replaceAll("''", "'");
    } else if (literal.startsWith("x'")) {
      if (kind !== "blob") return undefined;
      value = Uint8Array.fromHex(literal.slice(2, -1));
    } else {
      if (kind !== "integer" || !INTEGER_LITERAL.test(literal)) return undefined;
      const integer = BigInt(literal);
      if (integer > INT64_MAX || integer < INT64_MIN) return undefined;
      value = integer;
    }
    key.push({ name, type, value });
  }
  return key;
}

const INT64_MAX = 2n ** 63n - 1n;
const INT64_MIN = -(2n ** 63n);
