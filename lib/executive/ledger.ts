/**
 * Writing the DML ledger (spec §7.4, §8): every ledger write happens in a ctldb transaction
 * that holds the ledger lock (`UPDATE locks … WHERE id = 'ledger'`), so the rows of one
 * transaction get contiguous seqs and no lower seq commits after a higher one.
 *
 * At most {@linkcode MAX_LEDGER_TRANSACTIONS} ledger transactions run at once in a process;
 * the rest wait in memory. They serialize on the ledger lock anyway, and more of them in flight
 * would only hold pool connections and compete with the lock holder for the event loop
 * (measured: fewer in flight gives more throughput).
 *
 * It also owns the repair queue of schema changes whose DDL reached ctldb but whose ledger
 * row may not have committed (see `schema_changes.ts`): queued rows are written, in order,
 * inside the next ledger transaction right after the lock is taken, so nothing this process
 * writes later can precede them in the ledger.
 *
 * @module
 */
import { type Ctldb, type CtldbSession, readLedgerRows } from "../ctldb/mod.ts";
import type { Logger } from "../log/mod.ts";
import { LEDGER_BEGIN, LEDGER_COMMIT } from "../schema/mod.ts";
import { sleep } from "../backoff.ts";

/** The statement that takes the ledger lock. */
export const LEDGER_LOCK_SQL = "UPDATE locks SET clock = clock + 1 WHERE id = 'ledger'";
/** Ledger transactions one process runs at once (one holding the lock, others preparing). */
export const MAX_LEDGER_TRANSACTIONS = 3;

/**
 * The ledger rows of statements applied as one unit: bracketed by `--- BEGIN`/`--- COMMIT`
 * when there are several, so reflectors apply them atomically.
 *
 * @example
 * ```ts
 * bracketed(["DELETE FROM f___a", "DELETE FROM f___b"]);
 * // ["--- BEGIN", "DELETE FROM f___a", "DELETE FROM f___b", "--- COMMIT"]
 * ```
 */
export function bracketed(statements: string[]): string[] {
  return statements.length > 1 ? [LEDGER_BEGIN, ...statements, LEDGER_COMMIT] : statements;
}

/**
 * A transaction of {@linkcode Ledger.transaction}: the ctldb session plus ledger operations.
 *
 * @example
 * ```ts
 * await ledger.transaction(async (tx) => {
 *   await tx.lock();
 *   await tx.session.exec("DELETE FROM f___t");
 *   await tx.append("DELETE FROM f___t");
 * });
 * ```
 */
export interface LedgerTransaction {
  /** Statements in this transaction. */
  readonly session: CtldbSession;
  /** Takes the ledger lock (and writes queued repair rows); required before `append`. */
  lock(): Promise<void>;
  /** Appends one ledger row; returns its seq. */
  append(statement: string): Promise<number>;
  /** Appends rows in order; returns the seq of the last one. */
  appendMany(statements: string[]): Promise<number>;
  /** Appends rows in order (one round trip where the ctldb allows); returns every row's seq. */
  appendAll(statements: string[]): Promise<number[]>;
}

interface PendingRow {
  /** The seq the row got in a transaction whose commit failed, when known. */
  seq: number | undefined;
  statement: string;
}

/**
 * The single path by which the executive writes ledger rows.
 *
 * @example
 * ```ts
 * const ledger = new Ledger(ctldb, logger);
 * const seq = await ledger.transaction(async (tx) => {
 *   await tx.lock();
 *   return await tx.append("DROP TABLE IF EXISTS f___t");
 * });
 * ```
 */
export class Ledger {
  readonly #db: Ctldb;
  readonly #log: Logger;
  #pending: PendingRow[] = [];
  #active = 0;
  #waiting: (() => void)[] = [];

  /**
   * @param db The ctldb.
   * @param log Where repairs are reported.
   */
  constructor(db: Ctldb, log: Logger) {
    this.#db = db;
    this.#log = log;
  }

  /** How many repair rows wait for the next ledger transaction. */
  get pendingRepairs(): number {
    return this.#pending.length;
  }

  /**
   * Runs `fn` in one ctldb transaction; `fn` must call `lock()` before `append()`.
   * Commits when `fn` resolves, rolls everything back when it throws.
   *
   * @param fn The transaction body.
   * @param signal When aborted while waiting for a turn, nothing is started and this throws.
   */
  async transaction<T>(
    fn: (tx: LedgerTransaction) => Promise<T>,
    signal?: AbortSignal,
  ): Promise<T> {
    while (this.#active >= MAX_LEDGER_TRANSACTIONS) {
      await new Promise<void>((resolve) => this.#waiting.push(resolve));
    }
    this.#active++;
    try {
      signal?.throwIfAborted();
      return await this.#run(fn);
    } finally {
      this.#active--;
      this.#waiting.shift()?.();
    }
  }

  async #run<T>(fn: (tx: LedgerTransaction) => Promise<T>): Promise<T> {
    let flushed: PendingRow[] = [];
    const result = await this.#db.transaction(async (session) => {
      let locked = false;
      const tx: LedgerTransaction = {
        session,
        lock: async () => {
          if (locked) return;
          const { affectedRows } = await session.exec(LEDGER_LOCK_SQL);
          if (affectedRows !== 1) {
            throw new Error(
              "ledger lock row missing: the locks table has no 'ledger' row (run ensureSchema)",
            );
          }
          locked = true;
          flushed = await this.#writePending(session);
        },
        append: async (statement) => (await tx.appendAll([statement]))[0]!,
        appendMany: async (statements) => (await tx.appendAll(statements)).at(-1)!,
        appendAll: async (statements) => {
          if (!locked) throw new Error("ledger append without the ledger lock");
          return statements.length === 0 ? [] : await this.#db.appendLedger(session, statements);
        },
      };
      return await fn(tx);
    });
    if (flushed.length > 0) {
      this.#pending = this.#pending.filter((row) => !flushed.includes(row));
      this.#log.warn("repaired ledger rows", { count: flushed.length });
    }
    return result;
  }

  /**
   * Queues a ledger row whose transaction may not have committed, then tries (a few times) to
   * write it. Resolves `true` once it is in the ledger, `false` when it stays queued for the
   * next ledger transaction.
   */
  async repair(statement: string, seq: number | undefined, attempts = 4): Promise<boolean> {
    const row: PendingRow = { seq, statement };
    this.#pending.push(row);
    for (let i = 0; i < attempts; i++) {
      try {
        await this.transaction((tx) => tx.lock());
        return true;
      } catch (e) {
        this.#log.warn("ledger repair attempt failed", { attempt: i + 1, error: e });
        if (!this.#pending.includes(row)) return true;
        await sleep(100 * 2 ** i);
      }
    }
    return !this.#pending.includes(row);
  }

  async #writePending(session: CtldbSession): Promise<PendingRow[]> {
    const rows = [...this.#pending];
    for (const row of rows) {
      if (row.seq !== undefined) {
        const [found] = await readLedgerRows(session, row.seq - 1, 1);
        if (found?.seq === row.seq && found.statement === row.statement) continue;
      }
      // Remember the new seq: a later transaction checks it instead of writing the row twice.
      [row.seq] = await this.#db.appendLedger(session, [row.statement]);
    }
    return rows;
  }
}
