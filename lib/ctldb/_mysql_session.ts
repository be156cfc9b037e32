/**
 * Running statements on one mysql2 connection: typed results and errors, and the pipelined
 * session of a transaction.
 *
 * A transaction's statements that are issued back to back (in the same turn of the event loop,
 * without awaiting in between) are sent as one multi-statement query: one round trip instead of
 * one each. The server runs them in order and stops at the first failure, so each statement's
 * promise settles as if it had been sent alone, and the ones after a failure reject with that
 * failure without having run (a ledger insert after a failed upsert consumes no seq).
 *
 * To be joined, a statement's parameters are written into its text as literals, in the
 * ledger's own literal form (the one every ledger statement already runs with on MySQL): a
 * string is quoted with `'` doubled, which is its only escape because the session runs with
 * `NO_BACKSLASH_ESCAPES`; a string with NUL and bytes are hex literals. Identifiers are the
 * adapter's own, always quoted. Outside transactions, parameters go to server-side prepared
 * statements.
 *
 * @module
 */
import type mysql from "mysql2/promise";
import { toMysqlCtldbError } from "./mysql_errors.ts";
import type { CtldbSession, ExecResult, SqlParam } from "./types.ts";
import { sqlLiteral } from "../schema/mod.ts";
import { StatementPipeline } from "./_pipeline.ts";
import { Buffer } from "node:buffer";

interface CastField {
  type: string;
}

/**
 * Reads BIGINT columns as numbers when safe and as bigints otherwise. With `bigNumberStrings`
 * both protocols hand BIGINTs over as decimal text.
 */
function typeCast(field: CastField, next: () => unknown): unknown {
  const value = next();
  if (field.type !== "LONGLONG" || typeof value !== "string") return value;
  const number = Number(value);
  return Number.isSafeInteger(number) ? number : BigInt(value);
}

function toDriverParam(param: SqlParam): string | number | null | Uint8Array {
  if (typeof param === "boolean") return param ? 1 : 0;
  if (typeof param === "bigint") return param.toString();
  if (param instanceof Uint8Array && !Buffer.isBuffer(param)) {
    return Buffer.from(param.buffer, param.byteOffset, param.byteLength);
  }
  return param;
}

function toNumber(value: unknown): number {
  return typeof value === "number" ? value : Number(value ?? 0);
}

function toExecResult(result: unknown): ExecResult {
  const header = result as Partial<mysql.ResultSetHeader>;
  return { affectedRows: toNumber(header.affectedRows), lastInsertId: toNumber(header.insertId) };
}

function toRows<T>(result: unknown): T[] {
  return Array.isArray(result) ? result as T[] : [];
}

/**
 * Runs one statement: text as is, with parameters as a prepared statement.
 *
 * @throws {CtldbError} The classified failure.
 */
export async function runStatement(
  connection: mysql.PoolConnection,
  sql: string,
  params: SqlParam[] | undefined,
): Promise<unknown> {
  try {
    if (params === undefined || params.length === 0) {
      const [result] = await connection.query({ sql, typeCast });
      return result;
    }
    const [result] = await connection.execute({ sql, typeCast }, params.map(toDriverParam));
    return result;
  } catch (e) {
    throw toMysqlCtldbError(e);
  }
}

/** A statement's rows. */
export async function queryOn<T>(
  connection: mysql.PoolConnection,
  sql: string,
  params?: SqlParam[],
): Promise<T[]> {
  return toRows<T>(await runStatement(connection, sql, params));
}

/** A statement's affected rows and insert id. */
export async function execOn(
  connection: mysql.PoolConnection,
  sql: string,
  params?: SqlParam[],
): Promise<ExecResult> {
  return toExecResult(await runStatement(connection, sql, params));
}

/** What the callback API of a mysql2 core connection needs and gives. */
interface CoreConnection {
  query(
    options: { sql: string; typeCast: typeof typeCast },
    callback: (error: unknown, results: unknown) => void,
  ): { _rows?: unknown[] };
}

/**
 * The session of one transaction on a connection whose pool allows multiple statements (see
 * the module doc).
 *
 * @example
 * ```ts ignore
 * const session = new PipelinedSession(connection);
 * await session.transaction(async () => {
 *   // BEGIN and both statements: one round trip
 *   await Promise.all([session.exec("UPDATE t SET x = 1"), session.exec("UPDATE u SET y = 2")]);
 * });
 * ```
 */
export class PipelinedSession implements CtldbSession {
  readonly #pipeline: StatementPipeline;

  /** @param connection A connection of a pool made with `multipleStatements`. */
  constructor(connection: mysql.PoolConnection) {
    const core = connection.connection as unknown as CoreConnection;
    this.#pipeline = new StatementPipeline((statements, done) => {
      const command = core.query(
        { sql: statements.join(";\n"), typeCast },
        (error, results) => {
          if (error === null || error === undefined) {
            done({ results: statements.length === 1 ? [results] : results as unknown[] });
          } else {
            // The statements before the failed one ran; it and the rest did not.
            done({ error: toMysqlCtldbError(error), results: command._rows ?? [] });
          }
        },
      );
    }, sqlLiteral);
  }

  /** Runs `fn` in a transaction on this session (`StatementPipeline.transaction`). */
  transaction<T>(fn: () => Promise<T>): Promise<T> {
    return this.#pipeline.transaction(fn);
  }

  async query<T = Record<string, unknown>>(sql: string, params?: SqlParam[]): Promise<T[]> {
    return toRows<T>(await this.#pipeline.run(sql, params));
  }

  async exec(sql: string, params?: SqlParam[]): Promise<ExecResult> {
    return toExecResult(await this.#pipeline.run(sql, params));
  }
}
