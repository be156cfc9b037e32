/**
 * Damaged LDBs for the corruption tests: a valid LDB with one large table (spanning hundreds of
 * pages), and the damage: one leaf page of that table's b-tree, in the middle of the file,
 * overwritten with garbage the way a bad disk or a stray write would leave it. The rows that
 * lived on the damaged page are reported, so a test can read exactly over it.
 *
 * @module
 */
import { DatabaseSync } from "node:sqlite";
import { advanceLdbSeq, openLdbForWrite, setLdbLastUpdate } from "../../lib/ldb/mod.ts";
import { createTableSql, type FieldDef, LEDGER_COLUMN_TYPES } from "../../lib/schema/mod.ts";

/** The family of the large table. */
export const BIG_FAMILY = "fam";
/** The large table (`fam___big`). */
export const BIG_TABLE = "big";
/** Its physical name. */
export const BIG_LDB_TABLE = `${BIG_FAMILY}___${BIG_TABLE}`;
/** Its fields; the key is `(grp, id)`. */
export const BIG_FIELDS: FieldDef[] = [
  { name: "grp", type: "integer" },
  { name: "id", type: "integer" },
  { name: "name", type: "string" },
  { name: "note", type: "text" },
];

/** Options of {@linkcode writeBigLdb}. */
export interface BigLdbOptions {
  /** Rows of `fam___big` (default 20 000, about 2 MB). */
  rows?: number;
  /** Rows per `grp` value (default 100). */
  rowsPerGroup?: number;
  /** The LDB's `_ldb_seq` (default 1). */
  seq?: number;
}

/** Row `n` (1-based, also its rowid) of {@linkcode writeBigLdb}. */
export function bigRow(n: number, rowsPerGroup = 100): [number, number, string, string] {
  return [Math.floor((n - 1) / rowsPerGroup), n, `row-${n}`, `note ${n} `.padEnd(60, "x")];
}

/**
 * Writes a valid LDB at `path` (which must not exist): the metadata tables at seq `seq`, and
 * `fam___big` with `rows` rows inserted in key order. Closing the writer checkpoints the WAL, so
 * every page is in the database file.
 */
export function writeBigLdb(path: string, options: BigLdbOptions = {}): void {
  const rows = options.rows ?? 20_000;
  const perGroup = options.rowsPerGroup ?? 100;
  const db = openLdbForWrite(path);
  try {
    db.exec(createTableSql(LEDGER_COLUMN_TYPES, BIG_LDB_TABLE, BIG_FIELDS, ["grp", "id"]));
    db.exec("BEGIN");
    const insert = db.prepare(`INSERT INTO ${BIG_LDB_TABLE} VALUES (?, ?, ?, ?)`);
    for (let n = 1; n <= rows; n++) insert.run(...bigRow(n, perGroup));
    setLdbLastUpdate(db, new Date());
    advanceLdbSeq(db, options.seq ?? 1);
    db.exec("COMMIT");
  } finally {
    db.close();
  }
}

/** Where {@linkcode damageLdbPage} wrote its garbage. */
export interface DamagedPage {
  /** The page number (1-based). */
  page: number;
  /** The LDB's page size in bytes. */
  pageSize: number;
  /** The rowids of the rows that lived on the page, ascending (none for a `WITHOUT ROWID` table). */
  rowids: number[];
}

function readVarint(bytes: Uint8Array, offset: number): [value: number, next: number] {
  let value = 0;
  for (let i = 0; i < 9; i++) {
    const byte = bytes[offset + i]!;
    if (i === 8) return [value * 256 + byte, offset + 9];
    value = value * 128 + (byte & 0x7f);
    if ((byte & 0x80) === 0) return [value, offset + i + 1];
  }
  throw new Error("unreachable");
}

/** The rowids of a table b-tree leaf page (type 0x0d; not page 1); none for other pages. */
function leafRowids(page: Uint8Array): number[] {
  if (page[0] !== 0x0d) return [];
  const cells = (page[3]! << 8) | page[4]!;
  const rowids: number[] = [];
  for (let i = 0; i < cells; i++) {
    const pointer = (page[8 + 2 * i]! << 8) | page[9 + 2 * i]!;
    const [, afterSize] = readVarint(page, pointer);
    rowids.push(readVarint(page, afterSize)[0]);
  }
  return rowids.sort((a, b) => a - b);
}

/**
 * Overwrites the middle leaf page of `table`'s b-tree with garbage. The WAL is checkpointed
 * first (it must not be busy), so the page is read from the database file afterwards. The LDB
 * may be open elsewhere: services notice the damage when they next read the page.
 *
 * @returns The page, the page size and the rowids of the rows that were on it.
 */
export function damageLdbPage(path: string, table = BIG_LDB_TABLE): DamagedPage {
  const db = new DatabaseSync(path);
  let page: number;
  let pageSize: number;
  try {
    const checkpoint = db.prepare("PRAGMA wal_checkpoint(TRUNCATE)").get() as { busy: number };
    if (checkpoint.busy !== 0) throw new Error(`cannot checkpoint ${path}: busy`);
    pageSize = Number(db.prepare("PRAGMA page_size").get()!.page_size);
    const leaves = db.prepare(
      "SELECT pageno FROM dbstat WHERE name = ? AND pagetype = 'leaf' ORDER BY pageno",
    ).all(table).map((row) => Number(row.pageno));
    if (leaves.length < 10) throw new Error(`${table} has only ${leaves.length} leaf pages`);
    page = leaves[Math.floor(leaves.length / 2)]!;
  } finally {
    db.close();
  }
  const file = Deno.openSync(path, { read: true, write: true });
  try {
    const bytes = new Uint8Array(pageSize);
    file.seekSync((page - 1) * pageSize, Deno.SeekMode.Start);
    for (let read = 0; read < pageSize;) read += file.readSync(bytes.subarray(read)) ?? pageSize;
    const rowids = leafRowids(bytes);
    const garbage = new Uint8Array(pageSize).map((_, i) => (i * 151 + 0xa5) & 0xff);
    file.seekSync((page - 1) * pageSize, Deno.SeekMode.Start);
    for (let written = 0; written < pageSize;) {
      written += file.writeSync(garbage.subarray(written));
    }
    file.syncSync();
    return { page, pageSize, rowids };
  } finally {
    file.close();
  }
}
