/**
 * Group commit of mutation requests: validated requests of one family that arrive while a
 * ledger transaction of that family is on its way share the next one (`mutation_batch.ts`
 * decides each request's answer inside it). One transaction, one ledger lock, one multi-row
 * ledger insert and one commit for many requests is what lets the executive write more
 * requests per second than one transaction per request would.
 *
 * No timer: a family has at most one ledger transaction at a time. When a request arrives and
 * none is running, one starts at once; when it ends, the next starts at once with whatever
 * arrived meanwhile (up to {@linkcode MAX_BATCH_REQUESTS}, {@linkcode MAX_BATCH_LEDGER_ROWS}
 * and {@linkcode MAX_BATCH_CHARS}). The batch is taken before the ledger lock, so that the lock
 * and the read of the batch's writers go out together: on MySQL a batch costs three round trips
 * (lock and read, the writes with the usage and the ledger insert, the commit). One
 * transaction at a time makes batches larger and so costs less CPU per request; letting the
 * next one wait at the lock while the current one commits was measured to gain nothing, on
 * loopback or behind a proxy adding 5 ms of round trip. Families have separate queues and run
 * side by side. On SQLite a transaction runs without yielding to the event loop, so batches
 * form only from requests that had to wait (behind another transaction, a schema change, or a
 * lock held by another process).
 *
 * A batch is one transaction: until its commit succeeds, none of its requests is answered
 * with success, and if it fails every request of it gets the error. A request that timed out
 * while waiting is left out; one that times out during its batch makes the batch run again
 * without it, so a timed-out request never writes.
 *
 * @module
 */
import {
  applyBatch,
  type BatchContext,
  type BatchOutcome,
  IsolationNeeded,
  NothingToCommit,
  type PendingMutation,
  RequestsAborted,
} from "./mutation_batch.ts";

/** Most requests in one batch. */
export const MAX_BATCH_REQUESTS = 100;
/** Most ledger rows in one batch, unless its first request alone has more. */
export const MAX_BATCH_LEDGER_ROWS = 1000;
/** Most characters of ledger text in one batch, unless its first request alone has more. */
export const MAX_BATCH_CHARS = 1024 * 1024;

interface Waiter {
  request: PendingMutation;
  chars: number;
  resolve(seq: number): void;
  reject(error: unknown): void;
}

interface FamilyQueue {
  waiting: Waiter[];
  /** A ledger transaction of the family is running. */
  running: boolean;
}

/** Takes the longest prefix of `waiting` within the batch bounds (at least one request). */
function takeBatch(waiting: Waiter[]): Waiter[] {
  let rows = 0;
  let chars = 0;
  let count = 0;
  for (const waiter of waiting) {
    rows += waiter.request.ledgerRows.length;
    chars += waiter.chars;
    if (
      count > 0 &&
      (count === MAX_BATCH_REQUESTS || rows > MAX_BATCH_LEDGER_ROWS || chars > MAX_BATCH_CHARS)
    ) break;
    count++;
  }
  return waiting.splice(0, count);
}

/** Answers the requests that timed out; returns the others. */
function withoutAborted(waiters: Waiter[]): Waiter[] {
  return waiters.filter((waiter) => {
    const signal = waiter.request.signal;
    if (!signal?.aborted) return true;
    waiter.reject(signal.reason);
    return false;
  });
}

/**
 * Coalesces concurrent mutation requests of a family into shared ledger transactions.
 *
 * @example
 * ```ts
 * const groupCommit = new GroupCommit({ db, ledger, limiter, tables, metrics });
 * const seq = await groupCommit.submit("myfamily", pendingMutation);
 * ```
 */
export class GroupCommit {
  readonly #ctx: BatchContext;
  readonly #queues = new Map<string, FamilyQueue>();

  /** @param ctx The executive parts a batch uses. */
  constructor(ctx: BatchContext) {
    this.#ctx = ctx;
  }

  /**
   * Queues a validated request; resolves with the seq of its last ledger row once its batch
   * committed.
   *
   * @throws {HttpError} The request's own rejection (401, 409, 429, 404, 400).
   * @throws The batch's error (e.g. `CtldbUnavailableError`) when its transaction failed, or
   *   the request's abort reason when it timed out first.
   */
  submit(family: string, request: PendingMutation): Promise<number> {
    const { promise, resolve, reject } = Promise.withResolvers<number>();
    let queue = this.#queues.get(family);
    if (queue === undefined) {
      this.#queues.set(family, queue = { waiting: [], running: false });
    }
    const chars = request.ledgerRows.reduce((sum, row) => sum + row.length, 0);
    queue.waiting.push({ request, chars, resolve, reject });
    this.#form(queue);
    return promise;
  }

  /** Starts a transaction for the waiting requests unless the family has one running. */
  #form(queue: FamilyQueue): void {
    if (queue.running || queue.waiting.length === 0) return;
    queue.running = true;
    void this.#commit(queue).finally(() => {
      queue.running = false;
      this.#form(queue);
    });
  }

  async #commit(queue: FamilyQueue): Promise<void> {
    // Taken once, when the first transaction begins; a retry runs again with what is left.
    let batch: Waiter[] | undefined;
    let isolated = false;
    for (;;) {
      let outcomes: BatchOutcome[];
      try {
        outcomes = await this.#ctx.ledger.transaction(async (tx) => {
          batch = withoutAborted(batch ?? takeBatch(queue.waiting));
          if (batch.length === 0) throw new NothingToCommit([]);
          const requests = batch.map((w) => w.request);
          return await applyBatch(this.#ctx, tx, requests, isolated);
        });
      } catch (error) {
        if (error instanceof IsolationNeeded) {
          isolated = true;
          continue;
        }
        if (error instanceof RequestsAborted) continue;
        if (!(error instanceof NothingToCommit)) {
          for (const waiter of withoutAborted(batch ?? takeBatch(queue.waiting))) {
            waiter.reject(error);
          }
          return;
        }
        outcomes = error.outcomes;
      }
      this.#settle(batch ?? [], outcomes);
      return;
    }
  }

  #settle(batch: Waiter[], outcomes: BatchOutcome[]): void {
    for (const [i, waiter] of batch.entries()) {
      const outcome = outcomes[i]!;
      if ("error" in outcome) {
        waiter.reject(outcome.error);
        continue;
      }
      const { request } = waiter;
      this.#ctx.metrics.mutations.inc({ writer: request.writer }, request.writes.length);
      this.#ctx.metrics.ledgerRows.inc(request.ledgerRows.length);
      waiter.resolve(outcome.seq);
    }
  }
}
