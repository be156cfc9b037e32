/**
 * Applying a DDL change (create table, add column, drop table) to ctldb and the ledger so the
 * two never silently disagree (spec §7.5, fixing §19.2 #13–14).
 *
 * Where DDL is transactional (`ctldb.transactionalDdl`: SQLite, PostgreSQL), the DDL and its
 * ledger row commit or roll back together in one transaction holding the ledger lock.
 *
 * Where DDL commits implicitly and so cannot share the ledger transaction (MySQL):
 * 1. `BEGIN`; take the ledger lock; insert the ledger row.
 * 2. Run the DDL on a separate connection (`ctldb.execDdl`) while the ledger lock is held.
 *    No mutation can reference the new table or column in the ledger before its DDL row,
 *    because every ledger writer waits for the lock, and mutations only touch family tables
 *    after taking it, so the DDL never waits for a lock holder (no deadlock).
 * 3. `COMMIT`.
 * A failure before or in step 2 rolls the ledger row back and leaves ctldb unchanged (a
 * failed DDL changes nothing). Only a failed `COMMIT` after a successful DDL can leave ctldb
 * ahead of the ledger; then the row is rolled forward: it is queued in the ledger writer, which
 * writes it (unless the seq it got did commit) under the ledger lock, retrying a few times now
 * and otherwise first thing in the next ledger transaction, so it still precedes anything this
 * process writes later. The request answers 200 once repaired, 503 while queued; both cases
 * are logged and counted. Rolling forward also covers drop table, which cannot be undone.
 *
 * @module
 */
import { HttpError } from "../http/mod.ts";
import { errorMessage } from "../log/mod.ts";
import type { ExecutiveContext } from "./context.ts";

/** One DDL change in its two flavours. */
export interface SchemaChange {
  /** The physical table changed (its cached columns are dropped). */
  table: string;
  /** The statement written to the ledger (the ledger's column types). */
  ledgerSql: string;
  /** The statement run on ctldb (the ctldb's own column types). */
  ctldbSql: string;
}

/**
 * Applies a DDL change to ctldb and appends it to the ledger, atomically where DDL is
 * transactional and with the ordering described in the module doc elsewhere.
 *
 * @param ctx The executive.
 * @param change The two statements.
 * @param signal Aborted (with the error to throw) when the request timed out: checked before
 *   the DDL runs.
 * @throws The DDL's own error when it failed (nothing changed), or {@linkcode HttpError} 503
 *   when ctldb changed but the ledger row could not be written yet.
 * @example
 * ```ts
 * await applySchemaChange(ctx, {
 *   table: "f___t",
 *   ledgerSql: 'ALTER TABLE f___t ADD COLUMN "x" INTEGER',
 *   ctldbSql: 'ALTER TABLE f___t ADD COLUMN "x" BIGINT',
 * });
 * ```
 */
export async function applySchemaChange(
  ctx: ExecutiveContext,
  change: SchemaChange,
  signal?: AbortSignal,
): Promise<void> {
  try {
    await apply(ctx, change, signal);
  } finally {
    ctx.tables.invalidate(change.table);
  }
}

async function apply(
  ctx: ExecutiveContext,
  change: SchemaChange,
  signal: AbortSignal | undefined,
): Promise<void> {
  if (ctx.db.transactionalDdl) {
    await ctx.ledger.transaction(async (tx) => {
      await tx.lock();
      await tx.session.exec(change.ctldbSql);
      await tx.append(change.ledgerSql);
      signal?.throwIfAborted();
    }, signal);
    ctx.metrics.ledgerRows.inc();
    return;
  }
  let seq: number | undefined;
  let applied = false;
  try {
    await ctx.ledger.transaction(async (tx) => {
      await tx.lock();
      seq = await tx.append(change.ledgerSql);
      signal?.throwIfAborted();
      await ctx.db.execDdl(change.ctldbSql);
      applied = true;
    }, signal);
    ctx.metrics.ledgerRows.inc();
  } catch (error) {
    if (!applied) throw error;
    ctx.metrics.error("schema-change-ledger-commit");
    ctx.log.error("ctldb changed but the ledger commit failed; writing the ledger row again", {
      statement: change.ledgerSql,
      error,
    });
    const repaired = await ctx.ledger.repair(change.ledgerSql, seq);
    if (repaired) {
      ctx.metrics.ledgerRows.inc();
      return;
    }
    ctx.log.error("ledger row of a schema change is queued until the ctldb answers", {
      statement: change.ledgerSql,
    });
    throw new HttpError(
      503,
      `ctldb changed but its ledger row could not be written yet (it is queued and will be ` +
        `written before the next ledger write): ${errorMessage(error)}`,
      { cause: error },
    );
  }
}
