/**
 * LDB files written the way the Go reflector writes them, for reader and command tests: WAL
 * mode, `_ldb_seq`, `_ldb_last_update`, family tables created by the exact ledger DDL and
 * filled by ledger-style `REPLACE INTO` statements.
 *
 * @module
 */
import { openLdbForWrite } from "../../lib/ldb/mod.ts";

/** The ledger DDL of the example table of the spec. */
export const MYTABLE_DDL =
  `CREATE TABLE myfamily___mytable ("id" INTEGER, "name" VARCHAR(191), "data" BLOB(255), PRIMARY KEY("id"));`;

/** What {@linkcode writeLdb} puts in the file. */
export interface LdbContents {
  /** Ledger statements, applied in order. */
  statements?: string[];
  /** `_ldb_seq` row (omitted when undefined). */
  seq?: number;
  /** `_ldb_last_update` timestamp text (omitted when undefined). */
  lastUpdate?: string;
}

/** Creates or updates an LDB file as the reflector would. */
export function writeLdb(path: string, contents: LdbContents): void {
  const db = openLdbForWrite(path);
  try {
    db.exec("BEGIN");
    for (const statement of contents.statements ?? []) db.exec(statement);
    if (contents.lastUpdate !== undefined) {
      db.prepare("REPLACE INTO _ldb_last_update (name, timestamp) VALUES ('ledger', ?)")
        .run(contents.lastUpdate);
    }
    if (contents.seq !== undefined) {
      db.prepare("REPLACE INTO _ldb_seq (id, seq) VALUES (1, ?)").run(contents.seq);
    }
    db.exec("COMMIT");
  } finally {
    db.close();
  }
}

/** The example table with three rows (one with an id beyond 2^53). */
export const MYTABLE_STATEMENTS: string[] = [
  MYTABLE_DDL,
  `REPLACE INTO myfamily___mytable ("id","name","data") VALUES(1,'one',x'deadbeef')`,
  `REPLACE INTO myfamily___mytable ("id","name","data") VALUES(2,'two <&>',NULL)`,
  `REPLACE INTO myfamily___mytable ("id","name","data") VALUES(9007199254740993,'big',x'00')`,
];
