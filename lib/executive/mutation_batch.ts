/**
 * One group-commit batch inside its ledger transaction: the mutation algorithm (spec §7.4) for
 * several validated requests at once, each with its own answer.
 *
 * With the ledger lock, one query reads every writer of the batch (`batch_writers.ts`); then,
 * per request in arrival order, the writer check (401), the rate limit (429) and the cookie
 * step (401/409) decide whether it is accepted. The accepted requests' ctldb statements then
 * run with consecutive upserts of one table merged into one multi-row upsert (across requests
 * too), the usage is written back, and all their ledger rows go in with one insert: each
 * request's rows contiguous and bracketed exactly as a lone request's, each request answered
 * with the seq of its last row. These statements are issued back to back, without waiting in
 * between (a session runs statements in the order they were issued).
 *
 * A merged statement that fails cannot say whose row it was. The batch then throws
 * {@linkcode IsolationNeeded}, its transaction rolls back and it runs again "isolated": each
 * accepted request's cookie step and statements under its own `SAVEPOINT`, so a request whose
 * statement fails (unknown table 404, bad value 400) is rolled back alone. Savepoints cost
 * round trips, so only this slow path pays them. An unreachable ctldb fails the whole batch.
 *
 * @module
 */
import { type CtldbSession, CtldbUnavailableError } from "../ctldb/mod.ts";
import { HttpError } from "../http/mod.ts";
import type { SqlValue } from "../schema/mod.ts";
import { errorMessage } from "../log/mod.ts";
import { BatchWriters, type CookieSwap, type WriterState } from "./batch_writers.ts";
import type { ExecutiveContext } from "./context.ts";
import { ctldbHttpError } from "./ctldb_errors.ts";
import type { LedgerTransaction } from "./ledger.ts";

/** What a batch needs of the executive. */
export type BatchContext = Pick<
  ExecutiveContext,
  "db" | "ledger" | "limiter" | "tables" | "metrics"
>;

/** One mutation of a request, checked and ready for ctldb and the ledger. */
export interface RowWrite {
  /** The physical table. */
  table: string;
  /** The table name as the client should see it in errors. */
  name: string;
  /** `true` for a delete by key. */
  delete: boolean;
  /** Every column (upsert) or the key columns (delete), in table order. */
  columns: string[];
  /** The key columns, in table order. */
  keyColumns: string[];
  /** One value per entry of `columns`. */
  values: SqlValue[];
  /** The statement as the ledger records it. */
  statement: string;
}

/** A validated mutation request waiting for its batch. */
export interface PendingMutation extends CookieSwap {
  /** The mutations in request order. */
  writes: RowWrite[];
  /** The ledger rows: the statements, bracketed when there are several. */
  ledgerRows: string[];
  /** Aborted (with the error to answer) when the request timed out. */
  signal: AbortSignal | undefined;
}

/** A request's answer: the seq of its last ledger row, or its error. */
export type BatchOutcome = { seq: number } | { error: unknown };

/** A merged statement failed: run the batch again with a savepoint per request. */
export class IsolationNeeded extends Error {
  /** @param cause The statement's error. */
  constructor(cause: unknown) {
    super(`a merged statement failed: ${errorMessage(cause)}`, { cause });
    this.name = "IsolationNeeded";
  }
}

/**
 * No request of the batch was accepted: its transaction rolls back (it changed nothing a
 * request may keep, and a lone rejected request leaves no trace, not even on the ledger lock's
 * clock) and the requests get these answers.
 */
export class NothingToCommit extends Error {
  /** @param outcomes The requests' answers, all errors. */
  constructor(readonly outcomes: BatchOutcome[]) {
    super("no request of the batch was accepted");
    this.name = "NothingToCommit";
  }
}

/** Accepted requests timed out before the commit: run the batch again without them. */
export class RequestsAborted extends Error {
  constructor() {
    super("requests of the batch timed out before its commit");
    this.name = "RequestsAborted";
  }
}

/** Largest merged upsert sent to ctldb, in characters of ledger text. */
const MAX_MERGED_CHARS = 4 * 1024 * 1024;

/** A ctldb statement of a batch failed. */
class StatementFailed extends Error {
  /**
   * @param cause The ctldb's error.
   * @param write The first mutation of the failed statement.
   */
  constructor(cause: unknown, readonly write: RowWrite) {
    super(errorMessage(cause), { cause });
    this.name = "StatementFailed";
  }
}

function mergeable(run: RowWrite[], write: RowWrite, chars: number): boolean {
  const last = run.at(-1);
  return last !== undefined && !last.delete && !write.delete && last.table === write.table &&
    last.columns.join("\n") === write.columns.join("\n") &&
    chars + write.statement.length < MAX_MERGED_CHARS;
}

/** Consecutive upserts of one table (and one column list) grouped; every delete on its own. */
function runsOf(writes: RowWrite[]): RowWrite[][] {
  const runs: RowWrite[][] = [];
  let chars = 0;
  for (const write of writes) {
    const run = runs.at(-1);
    if (run !== undefined && mergeable(run, write, chars)) {
      run.push(write);
      chars += write.statement.length;
    } else {
      runs.push([write]);
      chars = write.statement.length;
    }
  }
  return runs;
}

/**
 * Issues the statements that apply mutations to ctldb, in order and without waiting in
 * between: a run of upserts as one multi-row statement (the adapter's, which applies its rows
 * in order as separate statements would), each delete on its own. A failed statement rejects
 * with {@linkcode StatementFailed} (or the unreachable ctldb's error).
 */
function issueWrites(
  ctx: BatchContext,
  session: CtldbSession,
  writes: RowWrite[],
): Promise<void>[] {
  return runsOf(writes).map(async (run) => {
    const [first] = run as [RowWrite];
    try {
      await session.exec(
        first.delete
          ? ctx.db.deleteRowSql(first.table, first.keyColumns, first.values)
          : ctx.db.upsertRowsSql(
            first.table,
            first.columns,
            first.keyColumns,
            run.map((w) => w.values),
          ),
      );
    } catch (error) {
      // The cached columns may be stale (a table dropped or changed by another executive).
      ctx.tables.invalidate(first.table);
      if (error instanceof CtldbUnavailableError) throw error;
      throw new StatementFailed(error, first);
    }
  });
}

/**
 * Waits for statements issued back to back on one session (sessions run them in the order
 * issued; drivers that pipeline send them in one round trip) and throws the first failure in
 * that order: on PostgreSQL the statements after a failure fail only because of it.
 */
async function settleInOrder(issued: Promise<unknown>[]): Promise<void> {
  for (const result of await Promise.allSettled(issued)) {
    if (result.status === "rejected") throw result.reason;
  }
}

/**
 * One request's cookie step and statements under a savepoint, so that a failing statement
 * rolls back this request alone. Returns the request's error, `undefined` when it applied.
 */
async function applyIsolated(
  ctx: BatchContext,
  session: CtldbSession,
  writers: BatchWriters,
  state: WriterState,
  request: PendingMutation,
): Promise<unknown> {
  const cookie = state.cookie;
  await session.exec("SAVEPOINT ctlstore_request");
  try {
    await writers.swapCookie(session, state, request);
    await settleInOrder(issueWrites(ctx, session, request.writes));
    await session.exec("RELEASE SAVEPOINT ctlstore_request");
    return undefined;
  } catch (error) {
    if (!(error instanceof StatementFailed || error instanceof HttpError)) throw error;
    await session.exec("ROLLBACK TO SAVEPOINT ctlstore_request");
    await session.exec("RELEASE SAVEPOINT ctlstore_request");
    state.cookie = cookie;
    if (!(error instanceof StatementFailed)) return error;
    return ctldbHttpError(error.cause, { table: error.write.name }) ?? error.cause;
  }
}

/** The cookie step alone (the statements run merged later); returns the request's error. */
async function swapOnly(
  session: CtldbSession,
  writers: BatchWriters,
  state: WriterState,
  request: PendingMutation,
): Promise<unknown> {
  try {
    await writers.swapCookie(session, state, request);
    return undefined;
  } catch (error) {
    if (error instanceof HttpError) return error;
    throw error;
  }
}

/** A request that timed out must not be committed: the batch runs again without it. */
function throwIfAnyAborted(members: PendingMutation[]): void {
  if (members.some((r) => r.signal?.aborted)) throw new RequestsAborted();
}

/** Decides one request in arrival order; returns its error, `undefined` when accepted. */
async function admit(
  ctx: BatchContext,
  session: CtldbSession,
  writers: BatchWriters,
  request: PendingMutation,
  isolated: boolean,
): Promise<unknown> {
  const state = writers.find(request);
  if (state === undefined) return new HttpError(401, "Writer not found");
  const amount = request.writes.length;
  if (!writers.consume(state, amount, ctx.limiter.limitFor(request.writer))) {
    return new HttpError(429, "rate limit exceeded");
  }
  const error = isolated
    ? await applyIsolated(ctx, session, writers, state, request)
    : await swapOnly(session, writers, state, request);
  if (error !== undefined) writers.refund(state, amount);
  return error;
}

/**
 * Applies a batch of validated requests in one ledger transaction (see the module doc): takes
 * the ledger lock, decides each request, writes; the caller commits.
 *
 * @param isolated Run each request under its own savepoint (after {@linkcode IsolationNeeded}).
 * @returns One outcome per request, in order.
 * @throws {NothingToCommit} When every request was refused.
 * @throws {IsolationNeeded} When a merged statement failed (not isolated only).
 * @throws {RequestsAborted} When accepted requests timed out before the commit.
 * @example
 * ```ts
 * const outcomes = await ctx.ledger.transaction((tx) => applyBatch(ctx, tx, requests, false));
 * ```
 */
export async function applyBatch(
  ctx: BatchContext,
  tx: LedgerTransaction,
  requests: PendingMutation[],
  isolated: boolean,
): Promise<BatchOutcome[]> {
  const session = tx.session;
  const writers = new BatchWriters(ctx.db, ctx.limiter.bucket());
  // Issued together: the read runs after the lock on the session, in one round trip where the
  // session pipelines.
  await Promise.all([tx.lock(), writers.read(session, requests)]);
  const errors: unknown[] = [];
  for (const request of requests) {
    errors.push(await admit(ctx, session, writers, request, isolated));
  }
  const members = requests.filter((_, i) => errors[i] === undefined);
  if (members.length === 0) throw new NothingToCommit(errors.map((error) => ({ error })));
  throwIfAnyAborted(members);
  // Issued back to back: one round trip where the session pipelines, fewer event-loop turns
  // anyway. A failed statement consumes no seqs (MySQL and PostgreSQL never give them back, and
  // a gap holds reflectors back for its grace period): the ledger insert after it does not run
  // (MySQL stops a multi-statement query at its first failure, PostgreSQL ignores statements
  // in a failed transaction, SQLite rolls the sequence back with the transaction).
  const writes = isolated ? [] : issueWrites(ctx, session, members.flatMap((r) => r.writes));
  const usage = writers.saveUsage(session);
  const appended = tx.appendAll(members.flatMap((r) => r.ledgerRows));
  let seqs: number[];
  try {
    await settleInOrder([...writes, usage]);
    seqs = await appended;
  } catch (error) {
    // The ledger insert fails too once a statement before it failed.
    appended.catch(() => {});
    if (error instanceof StatementFailed) throw new IsolationNeeded(error.cause);
    throw error;
  }
  throwIfAnyAborted(members);
  let end = 0;
  return requests.map((request, i): BatchOutcome => {
    if (errors[i] !== undefined) return { error: errors[i] };
    end += request.ledgerRows.length;
    return { seq: seqs[end - 1]! };
  });
}
