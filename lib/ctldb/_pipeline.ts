/**
 * Sending a transaction's statements in fewer round trips, for adapters whose server runs
 * several statements sent as one text: the statements a session is given back to back (in the
 * same turn of the event loop, without awaiting in between) go out together, and each
 * statement's promise settles with its own result.
 *
 * The server runs them in order and stops at the first failure. Where the driver says how many
 * ran before it (MySQL), those resolve and the rest reject with the failure; where it cannot
 * (PostgreSQL), all of them reject, which is what the transaction sees anyway, since a failed
 * statement there aborts the whole transaction.
 *
 * Also the one scanner of `?` placeholders that every adapter's SQL uses.
 *
 * @module
 */
import type { SqlParam } from "./types.ts";

/**
 * `sql` with each `?` placeholder outside quotes (`'`, `"`, `` ` ``) replaced by
 * `replacement(i)` for the i-th placeholder (from 0).
 *
 * @example
 * ```ts ignore
 * replacePlaceholders("SELECT '?', ? FROM t WHERE a = ?", (i) => `$${i + 1}`);
 * // "SELECT '?', $1 FROM t WHERE a = $2"
 * ```
 */
export function replacePlaceholders(sql: string, replacement: (index: number) => string): string {
  if (!sql.includes("?")) return sql;
  let out = "";
  let next = 0;
  let quote: string | undefined;
  for (const char of sql) {
    if (quote !== undefined) {
      if (char === quote) quote = undefined;
    } else if (char === "'" || char === '"' || char === "`") {
      quote = char;
    } else if (char === "?") {
      out += replacement(next++);
      continue;
    }
    out += char;
  }
  return out;
}

/**
 * `sql` with each `?` placeholder replaced by its parameter written by `literal`.
 *
 * @throws {RangeError} When the placeholders and parameters do not pair up.
 * @example
 * ```ts ignore
 * inlineParams("SELECT ? + ?", [1, 2], String); // "SELECT 1 + 2"
 * ```
 */
export function inlineParams(
  sql: string,
  params: readonly SqlParam[],
  literal: (param: SqlParam) => string,
): string {
  let used = 0;
  const out = replacePlaceholders(sql, (i) => {
    if (i >= params.length) throw new RangeError("more placeholders than parameters");
    used++;
    return literal(params[i]!);
  });
  if (used !== params.length) throw new RangeError("more parameters than placeholders");
  return out;
}

/**
 * How a sent group of statements ended: every statement's result, or the failure with the
 * results of the statements that completed before it (none when the driver cannot tell).
 */
export type GroupOutcome = { results: unknown[] } | { error: unknown; results: unknown[] };

/** Sends statements as one text; calls `done` once with their outcome. */
export type SendGroup = (statements: string[], done: (outcome: GroupOutcome) => void) => void;

interface Queued {
  sql: string;
  /** The transaction cannot go on when this statement fails (its `BEGIN`). */
  critical: boolean;
  resolve(result: unknown): void;
  reject(error: unknown): void;
}

/**
 * The statements of one transaction on one connection, sent in groups (see the module doc).
 *
 * @example
 * ```ts ignore
 * const pipeline = new StatementPipeline(sendGroup, sqlLiteral);
 * await pipeline.transaction(async () => {
 *   // BEGIN and both statements: one round trip
 *   await Promise.all([pipeline.run("UPDATE t SET x = 1"), pipeline.run("UPDATE u SET y = 2")]);
 * });
 * ```
 */
export class StatementPipeline {
  readonly #send: SendGroup;
  readonly #literal: (param: SqlParam) => string;
  #queue: Queued[] = [];
  /** Why no statement may run any more: the transaction finished, or its `BEGIN` failed. */
  #closed: { reason: unknown } | undefined;

  /**
   * @param send Sends a group of statements on the transaction's connection.
   * @param literal Writes a parameter into a statement, in the database's literal form.
   */
  constructor(send: SendGroup, literal: (param: SqlParam) => string) {
    this.#send = send;
    this.#literal = literal;
  }

  /**
   * Runs `fn` between `BEGIN` and `COMMIT`. `BEGIN` goes out with the first statements of `fn`,
   * and if it fails no statement runs outside a transaction. Afterwards, committed or not, the
   * pipeline refuses statements, and those issued but not yet sent are dropped and reject; on
   * failure the caller rolls back on its connection.
   */
  async transaction<T>(fn: () => Promise<T>): Promise<T> {
    const begun = this.#enqueue("BEGIN", true);
    // Awaited below; its failure also fails the statements sent with it.
    begun.catch(() => {});
    try {
      const result = await fn();
      await begun;
      await this.run("COMMIT");
      return result;
    } finally {
      this.#closed ??= { reason: new Error("ctldb transaction already finished") };
      for (const queued of this.#queue) queued.reject(this.#closed.reason);
      this.#queue = [];
    }
  }

  /**
   * Queues a statement, its parameters written in; it goes out with the others queued in the
   * same turn of the event loop.
   */
  run(sql: string, params?: readonly SqlParam[]): Promise<unknown> {
    try {
      const text = params === undefined || params.length === 0
        ? sql
        : inlineParams(sql, params, this.#literal);
      return this.#enqueue(text, false);
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /** @param critical When it fails, no statement of the session may run any more (`BEGIN`). */
  #enqueue(sql: string, critical: boolean): Promise<unknown> {
    if (this.#closed) return Promise.reject(this.#closed.reason);
    const { promise, resolve, reject } = Promise.withResolvers<unknown>();
    if (this.#queue.length === 0) queueMicrotask(() => this.#flush());
    this.#queue.push({ sql, critical, resolve, reject });
    return promise;
  }

  #flush(): void {
    const group = this.#queue;
    if (group.length === 0) return;
    this.#queue = [];
    this.#send(group.map((q) => q.sql), (outcome) => {
      const { results } = outcome;
      if (!("error" in outcome)) {
        group.forEach((queued, i) => queued.resolve(results[i]));
        return;
      }
      const { error } = outcome;
      const ran = results.length;
      if (group.slice(ran).some((q) => q.critical)) this.#closed ??= { reason: error };
      group.forEach((queued, i) => i < ran ? queued.resolve(results[i]) : queued.reject(error));
    });
  }
}
