/**
 * The PostgreSQL ctldb adapter over a node-postgres pool (`npm:pg`).
 *
 * The executive's SQL (`?` placeholders, double-quoted identifiers) runs as is: placeholders
 * become `$n`. Every connection starts with `TimeZone=UTC` and `standard_conforming_strings=on`
 * (what the literals of `postgres_sql.ts` rely on). `BIGINT`s are read exactly (numbers when
 * safe, bigints beyond 2^53), timestamps as text, `BYTEA` as bytes. DDL is transactional, and
 * the ledger seq is an identity column whose values, like MySQL's auto-increment, are not
 * given back when a transaction rolls back (the reflector's gap handling covers that). Every
 * failure is thrown as a typed `CtldbError` (see `postgresErrorKind`). In a transaction, the
 * statements issued back to back go out as one simple query (`_pipeline.ts`), their parameters
 * written in as `postgresLiteral`s; outside one, parameters are sent apart.
 *
 * node-postgres rather than postgres.js (DESIGN §4's first choice): a transaction needs one
 * connection with our own `BEGIN`/`COMMIT` (so a statement rolled back to a `SAVEPOINT` does
 * not doom it), and postgres.js 3.4's `reserve()` hangs on a fresh pool without type fetching,
 * leaves a waiter behind for every connect that fails during an outage (a later transaction
 * then never starts), and throws from a timer, ending the process, when a reserved connection
 * that closed is written to. node-postgres checks a client out, fails its queries once its
 * connection is gone, and destroys it on release.
 *
 * @module
 */
import pg from "pg";
import type { SqlValue } from "../schema/mod.ts";
import { CtldbBase } from "./_base.ts";
import { StatementPipeline } from "./_pipeline.ts";
import { familyTablePattern, filterFamilyTables } from "./_family_tables.ts";
import { classified, type CtldbError } from "./errors.ts";
import { DEFAULT_LEDGER_TABLE, ledgerInsertSql, toSeq } from "./ledger.ts";
import {
  numberedPlaceholders,
  parsePostgresDsn,
  POSTGRES_COLUMN_TYPES,
  POSTGRES_DSN_FORMS,
  postgresDeleteRowSql,
  type PostgresDsn,
  postgresErrorKind,
  postgresFieldType,
  postgresLiteral,
  postgresUpsertRowsSql,
  postgresUpsertSql,
} from "./postgres_sql.ts";
import { idempotentStatements, POSTGRES_CTLDB_SCHEMA } from "./schema_sql.ts";
import type {
  ColumnInfo,
  ConnectOptions,
  Ctldb,
  CtldbAdapter,
  CtldbSession,
  ExecResult,
  SqlParam,
} from "./types.ts";

/** A pool or a checked-out client: both run queries. */
type Runner = Pick<pg.Pool, "query">;

function toCtldbError(error: unknown): CtldbError {
  return classified(error, postgresErrorKind(error));
}

/** Parses BIGINT text as a number when safe, else as a bigint. */
function parseInt8(text: string): number | bigint {
  const number = Number(text);
  return Number.isSafeInteger(number) ? number : BigInt(text);
}

const keepText = (text: string) => text;

/** Exact BIGINTs; timestamps and dates as text, as the other adapters return them. */
const TYPES = {
  getTypeParser(oid: number, format?: string): (value: string) => unknown {
    if (oid === pg.types.builtins.INT8) return parseInt8;
    if (
      oid === pg.types.builtins.TIMESTAMP || oid === pg.types.builtins.TIMESTAMPTZ ||
      oid === pg.types.builtins.DATE
    ) {
      return keepText;
    }
    return pg.types.getTypeParser(oid, format as "text");
  },
};

function toDriverParam(param: SqlParam): unknown {
  if (typeof param === "boolean") return param ? 1 : 0;
  if (typeof param === "bigint") return param.toString();
  return param;
}

async function run(
  runner: Runner,
  sql: string,
  params: SqlParam[] | undefined,
): Promise<pg.QueryResult<Record<string, unknown>>> {
  try {
    if (params === undefined || params.length === 0) return await runner.query(sql);
    return await runner.query(numberedPlaceholders(sql), params.map(toDriverParam));
  } catch (e) {
    throw toCtldbError(e);
  }
}

function sessionOn(runner: Runner): CtldbSession {
  return {
    query: async <T>(sql: string, params?: SqlParam[]) =>
      (await run(runner, sql, params)).rows as T[],
    exec: async (sql: string, params?: SqlParam[]): Promise<ExecResult> => ({
      affectedRows: (await run(runner, sql, params)).rowCount ?? 0,
      lastInsertId: 0,
    }),
  };
}

/** A parameter written into the statement, as `toDriverParam` would pass it. */
function paramLiteral(param: SqlParam): string {
  return postgresLiteral(typeof param === "boolean" ? Number(param) : param);
}

/**
 * A transaction's statements on `client`, sent in groups as one simple query each
 * (`_pipeline.ts`). PostgreSQL runs a group's statements in order and skips the rest after a
 * failure, which aborts the transaction; node-postgres does not say which one failed, so every
 * statement of the group rejects with it.
 */
function pipelineOn(client: pg.PoolClient): StatementPipeline {
  return new StatementPipeline((statements, done) => {
    client.query(statements.join(";\n")).then(
      (result: pg.QueryResult | pg.QueryResult[]) =>
        done({ results: Array.isArray(result) ? result : [result] }),
      (error: unknown) => done({ error: toCtldbError(error), results: [] }),
    );
  }, paramLiteral);
}

function pipelinedSession(pipeline: StatementPipeline): CtldbSession {
  const run = (sql: string, params: SqlParam[] | undefined) =>
    pipeline.run(sql, params) as Promise<pg.QueryResult<Record<string, unknown>>>;
  return {
    query: async <T>(sql: string, params?: SqlParam[]) => (await run(sql, params)).rows as T[],
    exec: async (sql: string, params?: SqlParam[]): Promise<ExecResult> => ({
      affectedRows: (await run(sql, params)).rowCount ?? 0,
      lastInsertId: 0,
    }),
  };
}

/** A constant key for `pg_advisory_xact_lock`, so concurrent `ensureSchema` calls take turns. */
const SCHEMA_LOCK_KEY = 0x6374_6c73; // "ctls"

const RELATIONS = "FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace " +
  "WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p')";

class PostgresCtldb extends CtldbBase implements Ctldb {
  readonly dialect = "postgres";
  readonly transactionalDdl = true;
  readonly reportsTableSizes = true;
  readonly embedded = false;
  readonly maxIdentifierLength = 63;
  readonly columnTypes = POSTGRES_COLUMN_TYPES;
  readonly #pool: pg.Pool;
  readonly #session: CtldbSession;

  constructor(pool: pg.Pool) {
    super();
    this.#pool = pool;
    this.#session = sessionOn(pool);
  }

  query<T = Record<string, unknown>>(sql: string, params?: SqlParam[]): Promise<T[]> {
    return this.#session.query<T>(sql, params);
  }

  exec(sql: string, params?: SqlParam[]): Promise<ExecResult> {
    return this.#session.exec(sql, params);
  }

  async transaction<T>(fn: (tx: CtldbSession) => Promise<T>): Promise<T> {
    let client: pg.PoolClient;
    try {
      client = await this.#pool.connect();
    } catch (e) {
      throw toCtldbError(e);
    }
    // A checked-out client reports a lost connection as an 'error' event: without a listener
    // it would end the process. Its next query fails, and it is destroyed on release.
    let broken: unknown;
    const onError = (error: unknown) => broken ??= error;
    client.on("error", onError);
    const pipeline = pipelineOn(client);
    const session = pipelinedSession(pipeline);
    try {
      return await pipeline.transaction(() => fn(session));
    } catch (e) {
      await client.query("ROLLBACK").catch((error: unknown) => broken ??= error);
      throw e;
    } finally {
      client.removeListener("error", onError);
      client.release(broken === undefined ? undefined : true);
    }
  }

  async execDdl(sql: string): Promise<void> {
    await this.#session.exec(sql);
  }

  async ensureSchema(): Promise<void> {
    await this.transaction(async (tx) => {
      await tx.query("SELECT pg_advisory_xact_lock(?)", [SCHEMA_LOCK_KEY]);
      const existing = new Set(
        (await tx.query<{ name: string }>(`SELECT c.relname AS name ${RELATIONS}`))
          .map((row) => row.name),
      );
      const [domain] = await tx.query<{ present: boolean }>(
        "SELECT to_regtype('ctlstore_bytestring') IS NOT NULL AS present",
      );
      // Only missing objects are created, so a user without the CREATE privilege can run the
      // executive on a complete ctldb.
      for (
        const sql of idempotentStatements(
          POSTGRES_CTLDB_SCHEMA,
          (insert) => `${insert} ON CONFLICT DO NOTHING`,
        )
      ) {
        const created = /^CREATE TABLE IF NOT EXISTS (\w+)/.exec(sql)?.[1];
        if (created !== undefined && existing.has(created)) continue;
        if (sql.startsWith("CREATE DOMAIN") && domain?.present) continue;
        await tx.exec(sql);
      }
    });
  }

  async tableColumns(tables: string[]): Promise<Map<string, ColumnInfo[]>> {
    const columns = new Map<string, ColumnInfo[]>();
    const wanted = [...new Set(tables)];
    if (wanted.length === 0) return columns;
    const rows = await this.query<
      { t: string; c: string; d: string; typ: string; k: boolean }
    >(
      "SELECT c.relname AS t, a.attname AS c, format_type(a.atttypid, a.atttypmod) AS d, " +
        "ty.typname AS typ, COALESCE(a.attnum = ANY(pk.indkey::int2[]), false) AS k " +
        "FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace " +
        "JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped " +
        "JOIN pg_type ty ON ty.oid = a.atttypid " +
        "LEFT JOIN pg_index pk ON pk.indrelid = c.oid AND pk.indisprimary " +
        "WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p') AND c.relname IN (" +
        wanted.map(() => "?").join(", ") + ") ORDER BY c.relname, a.attnum",
      wanted,
    );
    for (const row of rows) {
      let list = columns.get(row.t);
      if (list === undefined) columns.set(row.t, list = []);
      list.push({
        name: row.c,
        columnType: row.d,
        fieldType: postgresFieldType(row.typ),
        isKey: row.k,
      });
    }
    return columns;
  }

  async listFamilyTables(family?: string): Promise<string[]> {
    const rows = await this.query<{ name: string }>(
      `SELECT c.relname AS name ${RELATIONS} AND c.relname LIKE ? ESCAPE '!'`,
      [familyTablePattern(family)],
    );
    return filterFamilyTables(rows.map((row) => row.name), family);
  }

  async tableSizes(): Promise<Map<string, number>> {
    const rows = await this.query<{ name: string; size: number | bigint }>(
      `SELECT c.relname AS name, pg_total_relation_size(c.oid) AS size ${RELATIONS} ` +
        "AND c.relname LIKE ? ESCAPE '!'",
      [familyTablePattern()],
    );
    const family = new Set(filterFamilyTables(rows.map((row) => row.name)));
    return new Map(
      rows.filter((row) => family.has(row.name)).map((row) => [row.name, Number(row.size)]),
    );
  }

  async ledgerRowEstimate(): Promise<number> {
    // The planner's estimate (cheap on any ledger size), as MySQL's table_rows; a table never
    // analyzed yet (reltuples -1) is small enough to count.
    const [row] = await this.query<{ n: number }>(
      `SELECT c.reltuples AS n ${RELATIONS} AND c.relname = ?`,
      [DEFAULT_LEDGER_TABLE],
    );
    if (row === undefined) return 0;
    if (row.n >= 0) return Math.round(row.n);
    const [counted] = await this.query<{ n: number }>(
      `SELECT COUNT(*) AS n FROM "${DEFAULT_LEDGER_TABLE}"`,
    );
    return counted?.n ?? 0;
  }

  async appendLedger(session: CtldbSession, statements: readonly string[]): Promise<number[]> {
    const rows = await session.query<{ seq: unknown }>(
      `${ledgerInsertSql(statements.length)} RETURNING seq`,
      [...statements],
    );
    // Identity values are drawn row by row in VALUES order: ascending seqs are in row order.
    return rows.map((row) => toSeq(row.seq)).sort((a, b) => a - b);
  }

  override upsertRowsSql(
    table: string,
    columns: readonly string[],
    keyColumns: readonly string[],
    rows: readonly (readonly SqlValue[])[],
  ): string {
    return postgresUpsertRowsSql(table, columns, keyColumns, rows);
  }

  override deleteRowSql(
    table: string,
    keyColumns: readonly string[],
    values: readonly SqlValue[],
  ): string {
    return postgresDeleteRowSql(table, keyColumns, values);
  }

  override upsertSql(
    table: string,
    columns: readonly string[],
    keyColumns: readonly string[],
  ): string {
    return postgresUpsertSql(table, columns, keyColumns);
  }

  async close(): Promise<void> {
    await this.#pool.end();
  }
}

function poolConfig(dsn: PostgresDsn, options: ConnectOptions): pg.PoolConfig {
  const config: pg.PoolConfig = {
    port: dsn.port,
    max: options.poolSize ?? 10,
    connectionTimeoutMillis: options.connectTimeoutMs ?? 5000,
    application_name: dsn.applicationName ?? "ctlstore",
    options: "-c TimeZone=UTC -c standard_conforming_strings=on",
    types: TYPES,
  };
  // A socket directory is given as the host, as libpq does.
  const host = dsn.socketDir ?? dsn.host;
  if (host !== undefined) config.host = host;
  if (dsn.user !== undefined) config.user = dsn.user;
  if (dsn.password !== undefined) config.password = dsn.password;
  if (dsn.database !== undefined) config.database = dsn.database;
  if (dsn.sslmode === "require") config.ssl = { rejectUnauthorized: false };
  if (dsn.sslmode === "verify-ca" || dsn.sslmode === "verify-full") config.ssl = true;
  return config;
}

/**
 * Opens a pooled PostgreSQL ctldb. Connections are made lazily, so this does not fail when the
 * server is down; the first statement (or {@linkcode Ctldb.ping}) does.
 *
 * @throws {DsnError} When the DSN is malformed.
 *
 * @example
 * ```ts
 * import { openPostgresCtldb } from "./postgres.ts";
 *
 * const ctldb = openPostgresCtldb("postgres://ctl@127.0.0.1:5432/ctldb");
 * await ctldb.ensureSchema();
 * await ctldb.close();
 * ```
 */
export function openPostgresCtldb(dsn: string, options: ConnectOptions = {}): Ctldb {
  const pool = new pg.Pool(poolConfig(parsePostgresDsn(dsn), options));
  // An idle pooled connection that fails is dropped by the pool; the next query reconnects.
  pool.on("error", () => {});
  return new PostgresCtldb(pool);
}

/**
 * The PostgreSQL adapter: `postgres://` and `postgresql://` URLs; reflector driver `postgres`
 * (also `postgresql`).
 *
 * @example
 * ```ts
 * import { postgresAdapter } from "./postgres.ts";
 *
 * postgresAdapter.claims("postgres://ctl@db/ctldb"); // true
 * ```
 */
export const postgresAdapter: CtldbAdapter = {
  dialect: "postgres",
  upstreamDrivers: ["postgres", "postgresql"],
  dsnForms: POSTGRES_DSN_FORMS,
  schemaSql: POSTGRES_CTLDB_SCHEMA,
  claims: (dsn) => /^postgres(ql)?:\/\//i.test(dsn),
  checkDsn: (dsn) => void parsePostgresDsn(dsn),
  upstreamDsn: (dsn) => dsn,
  open: (dsn, options) => Promise.resolve(openPostgresCtldb(dsn, options)),
};
