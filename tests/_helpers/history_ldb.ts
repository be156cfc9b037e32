/**
 * An LDB written the way a reflector writes it, change history included, without a ctldb:
 * ledger statements (generated with `lib/schema`, or written by hand) are applied by the real
 * applier into a real SQLite file in a temporary directory. For tests of everything that reads
 * the history (reader, sidecar, CLI).
 *
 * @module
 */
import type { DatabaseSync } from "node:sqlite";
import { openLdbForWrite } from "../../lib/ldb/mod.ts";
import { silentLogger } from "../../lib/log/mod.ts";
import { Applier } from "../../lib/reflector/applier.ts";
import { openChangeHistory } from "../../lib/reflector/change_history.ts";
import {
  createTableSql,
  type FieldDef,
  LEDGER_BEGIN,
  LEDGER_COLUMN_TYPES,
  LEDGER_COMMIT,
  type SqlValue,
  upsertSql,
} from "../../lib/schema/mod.ts";

/** An LDB with change history in a temporary directory; removed by `using`. */
export interface HistoryLdb extends Disposable {
  /** The LDB file. */
  readonly path: string;
  /** The LDB's applied seq. */
  readonly seq: number;
  /**
   * Applies statements, one ledger seq each, and commits. An inner array is one bracketed
   * ledger transaction (`--- BEGIN` … `--- COMMIT`, two more seqs).
   *
   * @returns The seq of the last entry applied.
   */
  apply(...statements: (string | string[])[]): number;
  /** `CREATE TABLE <family>___<table>`, one seq. */
  createTable(family: string, table: string, fields: FieldDef[], keys: string[]): number;
  /** `REPLACE INTO <family>___<table>`, one seq. */
  upsert(family: string, table: string, fields: FieldDef[], values: SqlValue[]): number;
  /** Closes the writer (the file stays until dispose). */
  close(): void;
}

/**
 * Creates an empty LDB with change history (`size` entries kept, default 100 000).
 *
 * @example
 * ```ts
 * using ldb = historyLdb();
 * const fields = [{ name: "id", type: "integer" }, { name: "name", type: "string" }] as const;
 * ldb.createTable("fam", "users", [...fields], ["id"]);
 * ldb.upsert("fam", "users", [...fields], [1, "ada"]);
 * ```
 */
export function historyLdb(size = 100_000): HistoryLdb {
  const dir = Deno.makeTempDirSync({ prefix: "ctlstore_history_" });
  const path = `${dir}/ldb.db`;
  let db: DatabaseSync | undefined = openLdbForWrite(path);
  const history = openChangeHistory(db, size, silentLogger);
  const applier = new Applier(db, { log: silentLogger, ...(history ? { history } : {}) });
  const ldb: HistoryLdb = {
    path,
    get seq() {
      return applier.committedSeq;
    },
    apply(...statements) {
      let seq = applier.seq;
      const entry = (statement: string) => ({ seq: ++seq, leaderTs: new Date(), statement });
      applier.apply(statements.flatMap((s) =>
        typeof s === "string" ? [entry(s)] : [
          entry(LEDGER_BEGIN),
          ...s.map(entry),
          entry(LEDGER_COMMIT),
        ]
      ));
      applier.commit();
      return seq;
    },
    createTable(family, table, fields, keys) {
      return ldb.apply(createTableSql(LEDGER_COLUMN_TYPES, `${family}___${table}`, fields, keys));
    },
    upsert(family, table, fields, values) {
      return ldb.apply(
        upsertSql(`${family}___${table}`, fields.map((f) => f.name), values),
      );
    },
    close() {
      db?.close();
      db = undefined;
    },
    [Symbol.dispose]() {
      ldb.close();
      Deno.removeSync(dir, { recursive: true });
    },
  };
  return ldb;
}
