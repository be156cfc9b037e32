/**
 * Writing the LDB's change history (DESIGN §7; format in `lib/ldb/change_history.ts`): one entry
 * per changed key or table-wide event, inserted by the applier inside the SQLite transaction
 * that applies the statement, and the state row updated just before that transaction commits,
 * so history and rows can never disagree. Retention keeps about `-change-history-size` entries:
 * each commit prunes whole seqs from the oldest end, at most a bounded number more than it
 * added, so a lowered size shrinks the history over several commits instead of stalling one.
 *
 * A history that cannot be trusted is restarted, not continued: when `_ldb_seq` moved without
 * the history (a reflector without history wrote the LDB), the old entries are removed and the
 * history starts at the current seq. With the size 0 the tables are dropped, so readers never
 * see a history that stopped being written. This module does not decide what a statement
 * changed (`change_keys.ts`) or when to commit (`applier.ts`).
 *
 * @module
 */
import type { DatabaseSync, StatementSync } from "node:sqlite";
import {
  CHANGE_HISTORY_DDL,
  CHANGES_STATE_TABLE,
  CHANGES_TABLE,
  getLdbSeq,
  readChangeHistoryState,
} from "../ldb/mod.ts";
import type { Logger } from "../log/mod.ts";
import { stringifyGoJson } from "../schema/mod.ts";
import type { TableChange } from "./change_keys.ts";

/** Entries pruned per commit beyond twice the number it added. */
const PRUNE_BATCH = 1000;

/** Columns of an entry, and entries per multi-row insert (fewer calls into SQLite). */
const COLUMNS = 9;
const INSERT_ROWS = 64;

function insertSql(rows: number): string {
  const row = `(${new Array(COLUMNS).fill("?").join(", ")})`;
  return `INSERT INTO ${CHANGES_TABLE} (seq, idx, tx, family, "table", op, key, binary_key, ` +
    `leader_ts) VALUES ${new Array(rows).fill(row).join(", ")}`;
}

/**
 * A key value as JSON text (what `parseJsonExact` reads back exactly): the common kinds
 * directly, since this runs for every recorded key; blobs as base64 (named in `binary_key`).
 */
function keyJson(value: unknown): string {
  switch (typeof value) {
    case "bigint":
      return value.toString();
    case "string":
      return JSON.stringify(value);
    default:
      return stringifyGoJson(value);
  }
}

/** How the history stands after a commit. */
export interface ChangeHistoryStats {
  /** Entries retained. */
  entries: number;
  /** Every change with a seq above this is retained. */
  retainedAfter: number;
}

/**
 * Prepares the history tables of an LDB for a reflector and returns the recorder, or drops them
 * when the history is off (`size` 0).
 *
 * @param db The LDB, opened for writing, with no transaction open.
 * @param size Entries to keep (0 turns the history off).
 * @param log Where restarts and removals are reported.
 * @returns The recorder, or `undefined` when the history is off.
 *
 * @example
 * ```ts
 * import { openLdbForWrite } from "../ldb/mod.ts";
 * import { silentLogger } from "../log/mod.ts";
 * import { openChangeHistory } from "./change_history.ts";
 *
 * const history = openChangeHistory(openLdbForWrite("/tmp/ldb.db"), 100_000, silentLogger);
 * console.log(history?.stats());
 * ```
 */
export function openChangeHistory(
  db: DatabaseSync,
  size: number,
  log: Logger,
): ChangeHistoryRecorder | undefined {
  if (size === 0) {
    if (readChangeHistoryState(db)) log.info("change history is off; removing the old history");
    db.exec(`DROP TABLE IF EXISTS ${CHANGES_TABLE}; DROP TABLE IF EXISTS ${CHANGES_STATE_TABLE}`);
    return undefined;
  }
  db.exec("BEGIN IMMEDIATE");
  try {
    for (const ddl of CHANGE_HISTORY_DDL) db.exec(ddl);
    const seq = getLdbSeq(db);
    const state = readChangeHistoryState(db);
    if (!state || state.recordedSeq !== seq) {
      if (state) {
        log.warn("the LDB was written without change history; the history restarts here", {
          recordedSeq: state.recordedSeq,
          seq,
        });
      } else {
        log.info("change history starts", { seq, size });
      }
      db.exec(`DELETE FROM ${CHANGES_TABLE}`);
      db.prepare(
        `REPLACE INTO ${CHANGES_STATE_TABLE} (id, retained_after, recorded_seq) VALUES (1, ?, ?)`,
      ).run(seq, seq);
    }
    const recorder = new ChangeHistoryRecorder(db, size);
    db.exec("COMMIT");
    return recorder;
  } catch (error) {
    db.exec("ROLLBACK");
    throw error;
  }
}

/**
 * Records changes into the history inside the applier's transaction. Not constructed directly:
 * {@linkcode openChangeHistory} prepares the tables first.
 */
export class ChangeHistoryRecorder {
  readonly #size: number;
  readonly #insert: StatementSync;
  readonly #insertMany: StatementSync;
  /** Column values of the entries not inserted yet, flat. */
  #buffer: (string | number | null)[] = [];
  readonly #saveState: StatementSync;
  readonly #pruneBoundary: StatementSync;
  readonly #prune: StatementSync;
  #entries: number;
  #retainedAfter: number;
  #pendingEntries: number;
  #pendingRetainedAfter: number;
  #added = 0;

  /**
   * @param db The LDB with the history tables.
   * @param size Entries to keep, at least 1.
   */
  constructor(db: DatabaseSync, size: number) {
    this.#size = size;
    this.#insert = db.prepare(insertSql(1));
    this.#insertMany = db.prepare(insertSql(INSERT_ROWS));
    this.#saveState = db.prepare(
      `UPDATE ${CHANGES_STATE_TABLE} SET retained_after = ?, recorded_seq = ? WHERE id = 1`,
    );
    this.#pruneBoundary = db.prepare(
      `SELECT seq FROM ${CHANGES_TABLE} ORDER BY seq, idx LIMIT 1 OFFSET ?`,
    );
    this.#prune = db.prepare(`DELETE FROM ${CHANGES_TABLE} WHERE seq <= ?`);
    this.#entries = this.#pendingEntries = Number(
      db.prepare(`SELECT count(*) AS n FROM ${CHANGES_TABLE}`).get()!.n,
    );
    this.#retainedAfter = this.#pendingRetainedAfter = readChangeHistoryState(db)!.retainedAfter;
  }

  /**
   * Adds the entries of one applied statement (inserted by
   * {@linkcode ChangeHistoryRecorder.beforeCommit}, inside the same transaction).
   *
   * @param seq The statement's ledger seq.
   * @param tx The ledger transaction: the seq of its `--- BEGIN`, or `seq` when unbracketed.
   * @param leaderTs The statement's leader timestamp.
   * @param change What the statement changed.
   */
  record(seq: number, tx: number, leaderTs: Date, change: TableChange): void {
    const at = leaderTs.getTime();
    // A table-wide event is one entry with an empty key, even when the keys of a clear were
    // read (for the changelog).
    if (change.keys.length === 0 || (change.op !== "upsert" && change.op !== "delete")) {
      this.#buffer.push(seq, 0, tx, change.family, change.table, change.op, "{}", null, at);
      this.#added++;
      return;
    }
    const order = change.keyOrder;
    for (let idx = 0; idx < change.keys.length; idx++) {
      const key = change.keys[idx]!;
      let json = "{";
      let binary: string[] | undefined;
      for (let n = 0; n < order.length; n++) {
        const part = key[order[n]!]!;
        json += (n === 0 ? "" : ",") + JSON.stringify(part.name) + ":" + keyJson(part.value);
        if (part.value instanceof Uint8Array) (binary ??= []).push(part.name);
      }
      this.#buffer.push(
        seq,
        idx,
        tx,
        change.family,
        change.table,
        change.op,
        json + "}",
        binary ? JSON.stringify(binary) : null,
        at,
      );
      this.#added++;
    }
  }

  /**
   * Prunes beyond the size and stores the state; call inside the transaction, just before it
   * commits.
   *
   * @param appliedSeq `_ldb_seq` as the transaction leaves it.
   */
  beforeCommit(appliedSeq: number): void {
    this.#flush();
    let entries = this.#entries + this.#added;
    let retainedAfter = this.#retainedAfter;
    const excess = Math.min(entries - this.#size, PRUNE_BATCH + 2 * this.#added);
    if (excess > 0) {
      const boundary = this.#pruneBoundary.get(excess - 1);
      if (boundary) {
        retainedAfter = Math.max(retainedAfter, Number(boundary.seq));
        entries -= Number(this.#prune.run(retainedAfter).changes);
      }
    }
    this.#saveState.run(retainedAfter, appliedSeq);
    this.#pendingEntries = entries;
    this.#pendingRetainedAfter = retainedAfter;
  }

  /** Makes what {@linkcode ChangeHistoryRecorder.beforeCommit} stored the committed state. */
  committed(): void {
    this.#entries = this.#pendingEntries;
    this.#retainedAfter = this.#pendingRetainedAfter;
    this.#added = 0;
  }

  /** Forgets everything since the last commit. */
  rolledBack(): void {
    this.#buffer = [];
    this.#pendingEntries = this.#entries;
    this.#pendingRetainedAfter = this.#retainedAfter;
    this.#added = 0;
  }

  #flush(): void {
    const buffer = this.#buffer;
    const many = COLUMNS * INSERT_ROWS;
    let at = 0;
    for (; at + many <= buffer.length; at += many) {
      this.#insertMany.run(...buffer.slice(at, at + many));
    }
    for (; at < buffer.length; at += COLUMNS) this.#insert.run(...buffer.slice(at, at + COLUMNS));
    this.#buffer = [];
  }

  /** The committed state. */
  stats(): ChangeHistoryStats {
    return { entries: this.#entries, retainedAfter: this.#retainedAfter };
  }
}
