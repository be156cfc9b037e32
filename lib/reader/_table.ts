/**
 * Per-table state of a reader: primary-key discovery (spec §15.3 step 2), the SQL of lookups,
 * and turning result arrays into rows. Private to the reader.
 *
 * Every query carries the identity of the table definition its metadata was read from
 * (`EXISTS (SELECT 1 FROM sqlite_master WHERE rowid = <r> AND sql = '<ddl>')`, a rowid lookup
 * that costs next to nothing), so after the table is dropped and recreated, altered, or the
 * schema renumbered by `VACUUM`, the cached query returns no rows instead of rows read with a
 * stale key or column list; the reader then compares the definition and reloads.
 *
 * @module
 */
import type { DatabaseSync, StatementSync } from "node:sqlite";
import {
  fieldTypeOfColumn,
  ldbTableName,
  NameError,
  normalizeFamilyName,
  normalizeTableName,
  quoteIdentifier,
} from "../schema/mod.ts";
import { ReaderError } from "./errors.ts";
import type { PageQueries } from "./_pages.ts";
import type { ColumnInfo, KeyColumnInfo, Row, TableInfo } from "./types.ts";

/** A prepared query with what is needed to turn its result arrays into rows. */
export interface Query {
  readonly statement: StatementSync;
  readonly names: readonly string[];
  /** Per result column: a BLOB value becomes a string (column not declared BLOB/VARBINARY). */
  readonly blobAsText: readonly boolean[];
  /** A column is named `__proto__`, which plain assignment cannot create. */
  readonly oddName: boolean;
  /** A prefix iteration is using the statement. */
  busy: boolean;
}

/** What a reader knows about one family table. */
export interface TableEntry {
  readonly info: TableInfo;
  /** `sqlite_master.rowid` of the table's definition when the metadata was read. */
  readonly schemaRowid: number;
  /** `sqlite_master.sql` of the table when the metadata was read. */
  readonly schemaSql: string;
  readonly keyCount: number;
  /** Per key part: the key column is binary, so a string part becomes bytes. */
  readonly binaryKey: readonly boolean[];
  /** The full-key lookup, prepared on first use. */
  lookup?: Query;
  /** Prefix queries by key-part count (integers as bigint), prepared on first use. */
  prefix: (Query | undefined)[];
  /** The page queries of whole-table scans (`_pages.ts`); `null` when it cannot be paged. */
  pages?: PageQueries | null;
}

const TABLE_INFO = "SELECT m.rowid AS rowid, m.sql AS sql, t.name AS name, t.type AS type, " +
  "t.pk AS pk FROM sqlite_master AS m JOIN pragma_table_info(m.name) AS t " +
  "WHERE m.type IN ('table', 'view') AND m.name = ? COLLATE NOCASE ORDER BY t.cid";
const DEFINITION = "SELECT rowid, sql FROM sqlite_master " +
  "WHERE type IN ('table', 'view') AND name = ? COLLATE NOCASE";

const BLOB_TYPE = /^(blob|varbinary)/i;
const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);
const MIN_SAFE = -MAX_SAFE;
const decoder = new TextDecoder();

function normalize(fn: (name: string) => string, name: string): string {
  try {
    return fn(name);
  } catch (e) {
    if (e instanceof NameError) throw new ReaderError("bad-name", e.message, { cause: e });
    throw e;
  }
}

interface TableInfoRow {
  rowid: number;
  sql: string;
  name: string | null;
  type: string | null;
  pk: number | null;
}

/** Reads a table's columns and primary key; throws the spec's errors. */
export function loadTable(
  tableInfo: StatementSync,
  family: string,
  table: string,
): TableEntry {
  const info = {
    family: normalize(normalizeFamilyName, family),
    table: normalize(normalizeTableName, table),
  };
  const ldbTable = ldbTableName(info.family, info.table);
  const rows = tableInfo.all(ldbTable) as unknown as TableInfoRow[];
  const columns: ColumnInfo[] = [];
  const keys: { column: KeyColumnInfo; pk: number }[] = [];
  for (const row of rows) {
    if (row.name === null) continue;
    const declaredType = row.type ?? "";
    const column: ColumnInfo = Object.freeze({
      name: row.name,
      declaredType,
      fieldType: fieldTypeOfColumn(declaredType),
      isBlob: BLOB_TYPE.test(declaredType),
    });
    columns.push(column);
    if (row.pk === null || row.pk <= 0) continue;
    if (column.fieldType === undefined) {
      throw new ReaderError("bad-schema", `no field type found for '${declaredType}'`);
    }
    keys.push({ column: column as KeyColumnInfo, pk: row.pk });
  }
  if (columns.length === 0) throw new ReaderError("table-not-found", "Table not found");
  if (keys.length === 0) {
    throw new ReaderError("no-primary-key", "Table provided has no primary key");
  }
  keys.sort((a, b) => a.pk - b.pk);
  const keyColumns = keys.map((k) => k.column);
  return {
    info: Object.freeze({
      ...info,
      ldbTable,
      columns: Object.freeze(columns),
      keyColumns: Object.freeze(keyColumns),
    }),
    schemaRowid: rows[0]!.rowid,
    schemaSql: rows[0]!.sql,
    keyCount: keyColumns.length,
    binaryKey: keyColumns.map((c) => c.fieldType === "binary" || c.fieldType === "bytestring"),
    prefix: [],
  };
}

/** The statement that reads the metadata {@linkcode loadTable} needs, in one snapshot. */
export function prepareTableInfo(db: DatabaseSync): StatementSync {
  return db.prepare(TABLE_INFO);
}

/** The statement that reads a table's current definition for {@linkcode isCurrent}. */
export function prepareDefinition(db: DatabaseSync): StatementSync {
  return db.prepare(DEFINITION);
}

/** Tells whether the table still has the definition `entry` was read from. */
export function isCurrent(definition: StatementSync, entry: TableEntry): boolean {
  const row = definition.get(entry.info.ldbTable) as { rowid: number; sql: string } | undefined;
  return row !== undefined && row.rowid === entry.schemaRowid && row.sql === entry.schemaSql;
}

/** `FROM "<t>" WHERE "<k1>" = ? AND … AND <definition check>` over `keys` key columns. */
export function fromWhere(entry: TableEntry, keys: number): string {
  const terms = entry.info.keyColumns.slice(0, keys).map((c) => `${quoteIdentifier(c.name)} = ?`);
  const sql = `'${entry.schemaSql.replaceAll("'", "''")}'`;
  terms.push(
    `EXISTS (SELECT 1 FROM sqlite_master WHERE rowid = ${entry.schemaRowid} AND sql = ${sql})`,
  );
  return `FROM ${quoteIdentifier(entry.info.ldbTable)} WHERE ${terms.join(" AND ")}`;
}

/** `SELECT * FROM "<t>" WHERE "<k1>" = ? AND … AND <definition check>` over `keys` key columns. */
export function lookupSql(entry: TableEntry, keys: number): string {
  return `SELECT * ${fromWhere(entry, keys)}`;
}

/**
 * The SQL of a prefix scan: {@linkcode lookupSql}'s rows with a trailing `0`, then one end row
 * of NULLs and `1`. `node:sqlite`'s `iterate()` ends silently when a step fails (a damaged page
 * reads as the end of the rows), so a scan that does not reach its end row did not finish.
 * The columns are listed (not `*`), so the two arms still match after a column is added.
 */
export function scanSql(entry: TableEntry, keys: number): string {
  const columns = entry.info.columns.map((c) => quoteIdentifier(c.name));
  const nulls = columns.map(() => "NULL");
  return `SELECT ${columns.join(", ")}, 0 ${fromWhere(entry, keys)} ` +
    `UNION ALL SELECT ${nulls.join(", ")}, 1`;
}

/**
 * Prepares a query returning arrays with every integer read as a bigint: `node:sqlite` rounds
 * some 64-bit values silently (INT64_MIN) and `iterate()` stops early at unsafe ones, so
 * integers are always read exactly and {@linkcode toRow} turns the safe ones into numbers.
 * `scan` is set for a {@linkcode scanSql} statement, whose last column is the end marker.
 */
export function prepareQuery(db: DatabaseSync, sql: string, scan = false): Query {
  // `setReturnArrays` (Node 22.16+, Deno 2.3+) is missing from the bundled type declarations.
  const statement = db.prepare(sql) as StatementSync & { setReturnArrays(on: boolean): void };
  statement.setReturnArrays(true);
  statement.setReadBigInts(true);
  const columns = statement.columns();
  // A scan's marker column is not part of the row.
  if (scan) columns.pop();
  const names = columns.map((c) => c.name);
  return {
    statement,
    names,
    blobAsText: columns.map((c) => !BLOB_TYPE.test(c.type ?? "")),
    oddName: names.includes("__proto__"),
    busy: false,
  };
}

/** Tells whether a result array of a {@linkcode scanSql} statement is its end row. */
export function isScanEnd(query: Query, values: unknown[]): boolean {
  return values[query.names.length] === 1n;
}

/**
 * Turns a result array into a row: BLOBs of non-blob columns to strings, safe bigints to
 * numbers.
 */
export function toRow(query: Query, values: unknown[]): Row {
  const { names, blobAsText } = query;
  const row: Row = {};
  for (let i = 0; i < names.length; i++) {
    let value = values[i];
    if (typeof value === "object") {
      if (value !== null && blobAsText[i]) value = decoder.decode(value as Uint8Array);
    } else if (typeof value === "bigint" && value >= MIN_SAFE && value <= MAX_SAFE) {
      value = Number(value);
    }
    if (query.oddName) {
      Object.defineProperty(row, names[i]!, { value, enumerable: true, writable: true });
    } else {
      row[names[i]!] = value;
    }
  }
  return row;
}
