/**
 * The writers of one group-commit batch, inside its ledger transaction: who they are (the
 * writer/secret check), their cookies and their rate-limit usage in the current bucket (spec
 * §7.4 steps 6 and 8 for many requests at once).
 *
 * Everything is read in one query (rarely two) once the ledger lock is taken, then kept in
 * memory while the batch's requests are decided in arrival order, and the new usage totals are
 * written back in one statement before the ledger rows. This is exact because every writer of
 * `writer_usage` for the current bucket holds the ledger lock (the garbage collection only
 * deletes old buckets), and because the read runs after the lock is taken, so it sees every
 * earlier batch's commit (also in MySQL's repeatable read, whose snapshot starts at a
 * transaction's first read).
 *
 * Cookies: a request with a cookie or a check cookie runs the cookie compare-and-swap of
 * `writers.ts` itself. A request without either sets the stored cookie to empty bytes, as the
 * original does; that statement is skipped when the cookie this transaction last saw is
 * already empty. A cookie written by `POST /cookie` in between (it does not take the ledger
 * lock) is then kept, which is the same as that write arriving just after the request.
 *
 * Writers are told apart by their stored names, so two spellings of one writer that the
 * ctldb's collation treats as equal (MySQL compares names case-insensitively) share one cookie
 * and one usage count, as separate transactions would.
 *
 * @module
 */
import type { Ctldb, CtldbSession, SqlParam } from "../ctldb/mod.ts";
import { cookieBytes, swapCookie } from "./writers.ts";

/** Who a request claims to be. */
export interface WriterCredentials {
  /** The `ctlstore-writer` header. */
  writer: string;
  /** The SHA-256 hex of the `ctlstore-secret` header. */
  secretHash: string;
}

/** A request's cookie step. */
export interface CookieSwap extends WriterCredentials {
  /** The new cookie; `null` stores empty bytes. */
  cookie: Uint8Array | null;
  /** The cookie the stored one must equal; `null` for no check. */
  checkCookie: Uint8Array | null;
}

/** One writer as this transaction has left it so far. */
export interface WriterState {
  /** The writer's name as stored. */
  readonly name: string;
  /** The stored cookie; `undefined` when not known (after a failed compare-and-swap). */
  cookie: Uint8Array | undefined;
  /** Mutations counted in the current bucket, this batch's included. */
  used: number;
  /** Mutations this batch counted. */
  consumed: number;
}

const EMPTY = new Uint8Array();

interface WriterRow {
  writer: string;
  secret: string;
  cookie: unknown;
  used: unknown;
}

function credentialsKey(credentials: WriterCredentials): string {
  return `${credentials.writer}\n${credentials.secretHash}`;
}

/**
 * The writers of one batch, read under the ledger lock.
 *
 * @example
 * ```ts
 * const writers = new BatchWriters(ctldb, limiter.bucket());
 * await writers.read(tx.session, requests);
 * const state = writers.find(requests[0]);
 * if (state && writers.consume(state, 1, limiter.limitFor(requests[0].writer))) {
 *   await writers.swapCookie(tx.session, state, requests[0]);
 * }
 * await writers.saveUsage(tx.session);
 * ```
 */
export class BatchWriters {
  readonly #db: Pick<Ctldb, "upsertRowsSql">;
  readonly #bucket: number;
  /** Per writer/secret pair: the writer's state, `undefined` when no such writer. */
  readonly #states = new Map<string, WriterState | undefined>();
  /** The states by stored name. */
  readonly #byName = new Map<string, WriterState>();

  /**
   * @param db Builds the usage statement.
   * @param bucket The rate-limit bucket the batch counts in.
   */
  constructor(db: Pick<Ctldb, "upsertRowsSql">, bucket: number) {
    this.#db = db;
    this.#bucket = bucket;
  }

  /**
   * Reads the batch's writers: stored name, secret, cookie and usage in the bucket, by name in
   * one query. A pair that query cannot settle by exact comparison (no writer of exactly that
   * name, or another secret) is looked up again by the database's own comparison of name and
   * secret, so an unknown writer, a wrong secret or a name the collation folds costs one more
   * query and is answered as separate statements would. Must be issued after the ledger lock
   * statement on the same session (it may be issued before that one answers: a session runs its
   * statements in order) and awaited before any request is decided.
   */
  async read(session: CtldbSession, credentials: WriterCredentials[]): Promise<void> {
    const pairs = new Map(credentials.map((c) => [credentialsKey(c), c]));
    const names = [...new Set(credentials.map((c) => c.writer))];
    const rows = await session.query<WriterRow>(
      "SELECT m.writer AS writer, m.secret AS secret, m.cookie AS cookie, u.amount AS used " +
        "FROM mutators m LEFT JOIN writer_usage u ON u.writer_name = m.writer AND u.bucket = ? " +
        `WHERE m.writer IN (${names.map(() => "?").join(", ")})`,
      [this.#bucket, ...names],
    );
    const byName = new Map(rows.map((row) => [row.writer, row]));
    const unsettled: [string, WriterCredentials][] = [];
    for (const [key, pair] of pairs) {
      const row = byName.get(pair.writer);
      if (row?.secret === pair.secretHash) this.#states.set(key, this.#stateOf(row));
      else unsettled.push([key, pair]);
    }
    if (unsettled.length > 0) await this.#readExactly(session, unsettled);
  }

  /** One query with the name and secret compared by the database, pair by pair. */
  async #readExactly(session: CtldbSession, pairs: [string, WriterCredentials][]): Promise<void> {
    const params: SqlParam[] = [];
    const arms = pairs.map(([, pair], i) => {
      params.push(this.#bucket, pair.writer, pair.secretHash);
      return `SELECT ${i} AS i, writer, secret, cookie, (SELECT amount FROM writer_usage ` +
        "WHERE writer_name = mutators.writer AND bucket = ?) AS used " +
        "FROM mutators WHERE writer = ? AND secret = ?";
    });
    for (const [key] of pairs) this.#states.set(key, undefined);
    const rows = await session.query<WriterRow & { i: number }>(arms.join(" UNION ALL "), params);
    for (const row of rows) this.#states.set(pairs[Number(row.i)]![0], this.#stateOf(row));
  }

  #stateOf(row: WriterRow): WriterState {
    let state = this.#byName.get(row.writer);
    if (state === undefined) {
      const used = row.used === null || row.used === undefined ? 0 : Number(row.used);
      state = { name: row.writer, cookie: cookieBytes(row.cookie), used, consumed: 0 };
      this.#byName.set(row.writer, state);
    }
    return state;
  }

  /** The writer a request authenticates as; `undefined` for an unknown writer or wrong secret. */
  find(credentials: WriterCredentials): WriterState | undefined {
    return this.#states.get(credentialsKey(credentials));
  }

  /**
   * Counts `amount` mutations when the writer stays within `limit`; counts nothing and returns
   * `false` when they would pass it.
   */
  consume(state: WriterState, amount: number, limit: number): boolean {
    if (state.used + amount > limit) return false;
    state.used += amount;
    state.consumed += amount;
    return true;
  }

  /** Takes back what {@linkcode BatchWriters.consume} counted for a request that failed later. */
  refund(state: WriterState, amount: number): void {
    state.used -= amount;
    state.consumed -= amount;
  }

  /**
   * The cookie step of one request (see the module doc).
   *
   * @throws {HttpError} 401 `Writer not found`, 409 `Cookie conflict`.
   */
  async swapCookie(session: CtldbSession, state: WriterState, swap: CookieSwap): Promise<void> {
    const unchanged = swap.cookie === null && swap.checkCookie === null &&
      state.cookie?.length === 0;
    if (unchanged) return;
    try {
      await swapCookie(session, swap.writer, swap.secretHash, swap.cookie, swap.checkCookie);
    } catch (error) {
      state.cookie = undefined;
      throw error;
    }
    state.cookie = swap.cookie ?? EMPTY;
  }

  /** Writes the usage this batch counted: one statement sets the writers' new totals. */
  async saveUsage(session: CtldbSession): Promise<void> {
    const counted = [...this.#byName.values()].filter((s) => s.consumed > 0);
    if (counted.length === 0) return;
    await session.exec(this.#db.upsertRowsSql(
      "writer_usage",
      ["writer_name", "bucket", "amount"],
      ["writer_name", "bucket"],
      counted.map((s) => [s.name, this.#bucket, s.used]),
    ));
  }
}
