/**
 * Applies ledger entries to the LDB exactly as spec §10.4: `--- BEGIN` … `--- COMMIT` inside one
 * SQLite transaction, `_ldb_seq` advanced per entry (a replayed seq is skipped, never
 * re-executed), `_ldb_last_update` set from `leader_ts`, every other statement executed
 * verbatim.
 *
 * To catch up fast, consecutive entries share one SQLite transaction: it is committed at the
 * first ledger-transaction boundary after `maxBatchStatements` entries or `maxBatchMs`, or when
 * the caller asks ({@linkcode Applier.commit}). A bracket is never split across commits, and
 * since `_ldb_seq` lives in the same transaction as the rows, a crash at any point loses nothing
 * and applies nothing twice. Change-history entries are written inside the transaction that
 * applies their statements; changelog entries only after their commit. On a partial LDB the
 * statements of other families are skipped but still advance `_ldb_seq` (`family_filter.ts`).
 * This module does not read the ledger or decide how to retry.
 *
 * @module
 */
import type { DatabaseSync } from "node:sqlite";
import type { LedgerEntry } from "../ctldb/mod.ts";
import { advanceLdbSeq, getLdbSeq, ReplayError, setLdbLastUpdate } from "../ldb/mod.ts";
import { errorMessage, type Logger } from "../log/mod.ts";
import type { ChangeHistoryRecorder, ChangeHistoryStats } from "./change_history.ts";
import { type ChangedKey, ChangeKeyCapture, type TableChange } from "./change_keys.ts";
import {
  type ChangelogFile,
  ensureChangelogSeqTable,
  formatChangelogEntry,
  readChangelogSeq,
  writeChangelogSeq,
} from "./changelog.ts";
import { FamilyFilter } from "./family_filter.ts";
import { parseStatement } from "./statement.ts";

/**
 * A ledger entry that could not be applied. Everything since the last commit was rolled back.
 *
 * @example
 * ```ts
 * import { ApplyError } from "./applier.ts";
 *
 * const error = new ApplyError(42, "DELETE FROM nope", "exec dml statement error: no such table: nope");
 * console.log(error.message); // ledger seq 42: exec dml statement error: no such table: nope
 * ```
 */
export class ApplyError extends Error {
  /**
   * Creates the error; its message is `ledger seq <seq>: <reason>`.
   *
   * @param seq The failing entry's ledger seq.
   * @param statement The failing entry's statement text.
   * @param reason What went wrong.
   * @param options The underlying error.
   */
  constructor(
    readonly seq: number,
    readonly statement: string,
    readonly reason: string,
    options?: ErrorOptions,
  ) {
    super(`ledger seq ${seq}: ${reason}`, options);
    this.name = "ApplyError";
  }
}

/** What one commit made visible. */
export interface CommitInfo {
  /** `_ldb_seq` after the commit. */
  seq: number;
  /** Ledger entries (markers included) in the commit. */
  entries: number;
  /** Changelog lines written after it. */
  changelogEntries: number;
  /** Entries of other families skipped (a partial LDB), counted in `entries` too. */
  skipped: number;
  /** The change history after it, when the history is on. */
  history?: ChangeHistoryStats;
  /** `leader_ts` of the last entry. */
  lastUpdate?: Date;
}

/** Options of {@linkcode Applier}. */
export interface ApplierOptions {
  log: Logger;
  /** When set, changed keys are captured and written here after each commit. */
  changelog?: ChangelogFile;
  /** When set, every change is recorded in the LDB's change history. */
  history?: ChangeHistoryRecorder;
  /** Commit at the next boundary once this many entries are pending (default 10 000). */
  maxBatchStatements?: number;
  /** Commit at the next boundary once the transaction is this old (default 200 ms). */
  maxBatchMs?: number;
  /** Called after every successful commit. */
  onCommit?: (info: CommitInfo) => void;
  /**
   * The families of a partial LDB: statements of other families are skipped (their seq still
   * advances). Absent: every statement is applied.
   */
  families?: readonly string[];
}

/**
 * Applies ledger entries to one LDB connection.
 *
 * @example
 * ```ts
 * import { openLdbForWrite } from "../ldb/mod.ts";
 * import { silentLogger } from "../log/mod.ts";
 * import { Applier } from "./applier.ts";
 *
 * const db = openLdbForWrite("/tmp/ldb.db");
 * const applier = new Applier(db, { log: silentLogger });
 * applier.apply([{ seq: 1, leaderTs: new Date(), statement: "CREATE TABLE f___t (id INTEGER)" }]);
 * applier.commit();
 * ```
 */
export class Applier {
  /** Commit after every ledger transaction (used while retrying a failed entry). */
  commitEveryUnit = false;
  readonly #db: DatabaseSync;
  readonly #log: Logger;
  readonly #changelog?: ChangelogFile;
  readonly #history?: ChangeHistoryRecorder;
  readonly #capture?: ChangeKeyCapture;
  readonly #maxStatements: number;
  readonly #maxMs: number;
  readonly #onCommit?: (info: CommitInfo) => void;
  readonly #families?: FamilyFilter;
  #inTx = false;
  #bracketSeq: number | undefined;
  #txStartedAt = 0;
  #pending = 0;
  #skipped = 0;
  #seq: number;
  #committedSeq: number;
  #lastUpdate: Date | undefined;
  #changes: ChangedKey[] = [];
  #changelogSeq = 0;

  /**
   * @param db The LDB, opened with `openLdbForWrite`.
   * @param options Logger, changelog and batching limits.
   */
  constructor(db: DatabaseSync, options: ApplierOptions) {
    this.#db = db;
    this.#log = options.log;
    this.#maxStatements = options.maxBatchStatements ?? 10_000;
    this.#maxMs = options.maxBatchMs ?? 200;
    this.#onCommit = options.onCommit;
    this.#history = options.history;
    if (options.families) this.#families = new FamilyFilter(options.families, options.log);
    if (options.changelog) {
      this.#changelog = options.changelog;
      ensureChangelogSeqTable(db);
      this.#changelogSeq = readChangelogSeq(db);
    }
    if (options.changelog || options.history) {
      this.#capture = new ChangeKeyCapture(db, options.log, { clearKeys: !!options.changelog });
    }
    this.#seq = this.#committedSeq = getLdbSeq(db);
  }

  /** The last applied seq, including entries of the open transaction. */
  get seq(): number {
    return this.#seq;
  }

  /** The last committed seq (what readers see). */
  get committedSeq(): number {
    return this.#committedSeq;
  }

  /** Whether a SQLite transaction is open. */
  get inTransaction(): boolean {
    return this.#inTx;
  }

  /** Whether a `--- BEGIN` has been applied without its `--- COMMIT`. */
  get bracketOpen(): boolean {
    return this.#bracketSeq !== undefined;
  }

  /**
   * Applies entries in order, committing at boundaries when a batch is due. The transaction
   * may stay open afterwards; call {@linkcode Applier.commit} to make everything visible.
   *
   * @param entries Ledger entries in seq order.
   * @throws {ApplyError} When an entry fails; everything uncommitted is rolled back.
   */
  apply(entries: readonly LedgerEntry[]): void {
    for (const entry of entries) {
      this.#applyOne(entry);
      if (
        this.#inTx && this.#bracketSeq === undefined &&
        (this.commitEveryUnit || this.#pending >= this.#maxStatements ||
          performance.now() - this.#txStartedAt >= this.#maxMs)
      ) {
        this.commit();
      }
    }
  }

  /**
   * Commits the open transaction unless a ledger transaction is still open, then writes the
   * changelog entries it produced.
   *
   * @returns Whether a commit happened.
   * @throws {ApplyError} When the commit fails (everything uncommitted is rolled back).
   */
  commit(): boolean {
    if (!this.#inTx || this.#bracketSeq !== undefined) return false;
    const changes = this.#changes;
    try {
      if (this.#lastUpdate) setLdbLastUpdate(this.#db, this.#lastUpdate);
      if (changes.length > 0) writeChangelogSeq(this.#db, this.#changelogSeq + changes.length);
      this.#history?.beforeCommit(this.#seq);
      this.#db.exec("COMMIT");
    } catch (error) {
      const seq = this.#seq;
      this.rollback();
      throw new ApplyError(seq, "COMMIT", `commit error: ${errorMessage(error)}`, { cause: error });
    }
    this.#history?.committed();
    const info: CommitInfo = {
      seq: this.#seq,
      entries: this.#pending,
      changelogEntries: 0,
      skipped: this.#skipped,
      lastUpdate: this.#lastUpdate,
    };
    if (this.#history) info.history = this.#history.stats();
    this.#inTx = false;
    this.#pending = 0;
    this.#skipped = 0;
    this.#changes = [];
    this.#committedSeq = this.#seq;
    if (this.#changelog && changes.length > 0) {
      const first = this.#changelogSeq + 1;
      this.#changelogSeq += changes.length;
      info.changelogEntries = this.#changelog.append(
        changes.map((change, i) => formatChangelogEntry(first + i, change)),
      );
    }
    this.#onCommit?.(info);
    return true;
  }

  /** Rolls back everything uncommitted (an open ledger transaction included). */
  rollback(): void {
    if (this.#inTx) {
      try {
        this.#db.exec("ROLLBACK");
      } catch {
        // SQLite already rolled back (e.g. after SQLITE_FULL); nothing is left open.
      }
    }
    this.#inTx = false;
    this.#bracketSeq = undefined;
    this.#pending = 0;
    this.#skipped = 0;
    this.#changes = [];
    this.#history?.rolledBack();
    this.#seq = this.#committedSeq;
    this.#lastUpdate = undefined;
  }

  #record(entry: LedgerEntry, change: TableChange): void {
    this.#history?.record(entry.seq, this.#bracketSeq ?? entry.seq, entry.leaderTs, change);
    if (!this.#changelog || change.op === "drop" || change.op === "schema") return;
    for (const key of change.keys) {
      this.#changes.push({ family: change.family, table: change.table, key });
    }
  }

  #applyOne(entry: LedgerEntry): void {
    const parsed = parseStatement(entry.statement);
    if (!this.#inTx) {
      this.#db.exec("BEGIN");
      this.#inTx = true;
      this.#txStartedAt = performance.now();
      this.#lastUpdate = undefined;
    }
    let reason = "invariant violation";
    try {
      if (parsed.kind === "begin" && this.#bracketSeq !== undefined) throw new Error(reason);
      reason = "update seq tracker error";
      try {
        advanceLdbSeq(this.#db, entry.seq);
      } catch (error) {
        if (!(error instanceof ReplayError)) throw error;
        this.#log.debug("skipping replayed ledger entry", { seq: entry.seq });
        return;
      }
      this.#seq = entry.seq;
      this.#lastUpdate = entry.leaderTs;
      this.#pending++;
      if (parsed.kind === "begin") {
        this.#bracketSeq = entry.seq;
      } else if (parsed.kind === "commit") {
        reason = "invariant violation";
        if (this.#bracketSeq === undefined) throw new Error(reason);
        this.#bracketSeq = undefined;
      } else if (this.#families && !this.#families.carries(parsed, entry.seq)) {
        this.#skipped++;
      } else {
        reason = "exec dml statement error";
        if (this.#capture) {
          const change = this.#capture.run(parsed, entry.statement);
          if (change) this.#record(entry, change);
        } else {
          this.#db.exec(entry.statement);
        }
      }
    } catch (error) {
      this.rollback();
      const detail = errorMessage(error);
      throw new ApplyError(
        entry.seq,
        entry.statement,
        detail === reason ? reason : `${reason}: ${detail}`,
        { cause: error },
      );
    }
  }
}
