/**
 * Changing and removing writers (`PUT /writers/{writerName}`, `DELETE /writers/{writerName}`,
 * not in the original, which could only register them): a new secret for a writer whose
 * secret changed, so a process registering with it (the heartbeat) is not refused with 409
 * forever, and removal with everything that belongs to the writer.
 *
 * Who may do it is decided by the caller ({@linkcode WriterAuthority}): the admin token when the
 * executive has one, otherwise the writer's current secret. Registration and the cookie routes
 * live in `writers.ts`.
 *
 * @module
 */
import type { CtldbSession } from "../ctldb/mod.ts";
import { HttpError } from "../http/mod.ts";
import { validateWriterName, validateWriterSecret } from "../schema/mod.ts";
import type { ExecutiveContext } from "./context.ts";
import { hashSecret } from "./secrets.ts";

const decoder = new TextDecoder();

/**
 * What authorizes a change of a writer: the admin token (already checked), or the writer's
 * current secret, which must match the stored one.
 *
 * @example
 * ```ts
 * const byAdmin: WriterAuthority = { admin: true };
 * const bySecret: WriterAuthority = { admin: false, currentSecret: "secret1" };
 * ```
 */
export type WriterAuthority = { admin: true } | { admin: false; currentSecret: string };

/** The `WHERE` clause of the writer's `mutators` row; with the current secret unless by admin. */
function writerRow(
  writer: string,
  authority: WriterAuthority,
): { where: string; params: string[] } {
  return authority.admin ? { where: "WHERE writer = ?", params: [writer] } : {
    where: "WHERE writer = ? AND secret = ?",
    params: [writer, hashSecret(authority.currentSecret)],
  };
}

/** Why a statement matched no writer row: no such writer (404) or a wrong secret (401). */
async function refusal(session: CtldbSession, writer: string): Promise<HttpError> {
  const rows = await session.query("SELECT writer FROM mutators WHERE writer = ?", [writer]);
  if (rows.length === 0) return new HttpError(404, "Writer not found");
  return new HttpError(
    401,
    "Unauthorized: changing or removing a writer requires its current secret (ctlstore-secret)",
  );
}

/**
 * Replaces a writer's secret in one statement; its cookie, clock and rate limit stay. Requests
 * that still carry the old secret get `401 Writer not found` from then on.
 *
 * @param ctx The executive.
 * @param writerName The writer, as registered.
 * @param authority The admin token, or the writer's current secret.
 * @param secret The new secret's raw bytes (the request body), 3–100 bytes.
 * @throws {NameError} Bad name or new secret length (400).
 * @throws {HttpError} 404 `Writer not found`, 401 for a wrong current secret.
 * @example
 * ```ts
 * await rotateWriterSecret(ctx, "writer1", { admin: true }, new TextEncoder().encode("secret2"));
 * ```
 */
export async function rotateWriterSecret(
  ctx: ExecutiveContext,
  writerName: string,
  authority: WriterAuthority,
  secret: Uint8Array,
): Promise<void> {
  const writer = validateWriterName(writerName);
  validateWriterSecret(decoder.decode(secret));
  const { where, params } = writerRow(writer, authority);
  const { affectedRows } = await ctx.db.exec(`UPDATE mutators SET secret = ? ${where}`, [
    hashSecret(secret),
    ...params,
  ]);
  if (affectedRows === 0) throw await refusal(ctx.db, writer);
}

/**
 * Removes a writer with its cookie, its rate limit and its rate usage, so a writer registered
 * later under the same name starts afresh. Runs under the ledger lock, which every writer of
 * rate usage holds, so no mutation in flight can leave usage behind.
 *
 * @param ctx The executive.
 * @param writerName The writer, as registered.
 * @param authority The admin token, or the writer's current secret.
 * @throws {NameError} Bad name (400).
 * @throws {HttpError} 404 `Writer not found`, 401 for a wrong current secret.
 * @example
 * ```ts
 * await deleteWriter(ctx, "writer1", { admin: true });
 * ```
 */
export async function deleteWriter(
  ctx: ExecutiveContext,
  writerName: string,
  authority: WriterAuthority,
): Promise<void> {
  const writer = validateWriterName(writerName);
  await ctx.ledger.transaction(async (tx) => {
    await tx.lock();
    const { where, params } = writerRow(writer, authority);
    const { affectedRows } = await tx.session.exec(`DELETE FROM mutators ${where}`, params);
    if (affectedRows === 0) throw await refusal(tx.session, writer);
    // The same comparison as the writer's row, so the same spellings match on every ctldb.
    await tx.session.exec("DELETE FROM max_writer_rates WHERE writer_name = ?", [writer]);
    await tx.session.exec("DELETE FROM writer_usage WHERE writer_name = ?", [writer]);
  });
  await ctx.limiter.refreshWriterLimits();
}
