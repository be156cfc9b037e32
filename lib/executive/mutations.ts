/**
 * The mutation algorithm (spec §7.4): validate every value against its column before anything
 * is written, then in one ctldb transaction: cookie compare-and-swap (authenticating the
 * writer), ledger lock, rate-limit accounting, and for each mutation the statement on ctldb
 * plus its ledger row, bracketed by `--- BEGIN`/`--- COMMIT` when there are several.
 *
 * A caller that is not a writer learns nothing about the schema: when validation fails, the
 * writer and secret are checked before the answer, and an unknown writer or wrong secret gets
 * 401 `Writer not found` instead of `Table not found: …` or `Missing field …`. A request that
 * validates is authenticated by the transaction's cookie compare-and-swap, as before, so the
 * common path costs no extra query.
 *
 * Stricter than the original where it keeps ctldb and LDBs identical or catches client bugs
 * (DESIGN §3.2): values are type-checked (400), key values must not be null, unknown and
 * duplicate field names are rejected (400), invalid table names are reported (400) instead of
 * silently becoming "table not found". Upserts still need every column (`Missing field`).
 *
 * @module
 */
import type { ColumnInfo, CtldbSession } from "../ctldb/mod.ts";
import { HttpError } from "../http/mod.ts";
import {
  coerceFieldValue,
  deleteRowSql,
  type FieldType,
  ldbTableName,
  MAX_DML_STATEMENT_BYTES,
  MAX_MUTATIONS_PER_REQUEST,
  normalizeFamilyName,
  normalizeFieldName,
  normalizeTableName,
  type SqlValue,
  upsertSql,
  validateWriterName,
} from "../schema/mod.ts";
import { errorMessage } from "../log/mod.ts";
import type { ExecutiveContext } from "./context.ts";
import { bracketed } from "./ledger.ts";
import type { MutationEntry, MutationRequest } from "./mutation_request.ts";
import { columnFieldType } from "./schema_read.ts";
import { hashSecret } from "./secrets.ts";
import { swapCookie, writerExists } from "./writers.ts";

/** Who mutates what. */
export interface MutateInput {
  /** The family from the path, as given. */
  family: string;
  /** The `ctlstore-writer` header. */
  writer: string;
  /** The `ctlstore-secret` header (empty when absent). */
  secret: string;
  request: MutationRequest;
  /** Aborted (with the error to throw) when the request timed out; checked before commit. */
  signal?: AbortSignal;
}

interface Column {
  name: string;
  type: FieldType;
  isKey: boolean;
}

interface TableMeta {
  table: string;
  physical: string;
  columns: Column[];
  byName: Map<string, Column>;
}

const encoder = new TextEncoder();

/** A value for a column the table (as last read) does not have. */
class UnknownFieldError extends HttpError {}

function tableMeta(table: string, physical: string, info: ColumnInfo[]): TableMeta {
  const columns = info.map((c) => ({ name: c.name, type: columnFieldType(c), isKey: c.isKey }));
  return { table, physical, columns, byName: new Map(columns.map((c) => [c.name, c])) };
}

function valueOf(column: Column, given: Map<string, unknown>): SqlValue {
  if (!given.has(column.name)) throw new HttpError(400, `Missing field ${column.name}`);
  const value = coerceFieldValue(column.type, column.name, given.get(column.name));
  if (value === null && column.isKey) {
    throw new HttpError(400, `Key field ${column.name} cannot be null`);
  }
  return value;
}

function statementOf(meta: TableMeta, entry: MutationEntry): string {
  const given = new Map<string, unknown>();
  for (const [key, value] of Object.entries(entry.values)) {
    const name = normalizeFieldName(key);
    if (given.has(name)) throw new HttpError(400, `Field ${name} is given more than once`);
    if (!meta.byName.has(name)) {
      throw new UnknownFieldError(400, `Unknown field ${name} in table ${meta.table}`);
    }
    given.set(name, value);
  }
  let sql: string;
  if (entry.delete) {
    const keys = meta.columns.filter((c) => c.isKey);
    sql = deleteRowSql(meta.physical, keys.map((c) => c.name), keys.map((c) => valueOf(c, given)));
  } else {
    const values = meta.columns.map((c) => valueOf(c, given));
    sql = upsertSql(meta.physical, meta.columns.map((c) => c.name), values);
  }
  if (
    sql.length * 3 > MAX_DML_STATEMENT_BYTES && encoder.encode(sql).length > MAX_DML_STATEMENT_BYTES
  ) {
    throw new HttpError(400, "Request generated too large of a DML statement");
  }
  return sql;
}

/**
 * Validates a request and builds its statements, reading the tables' columns from ctldb.
 *
 * @returns The statements in request order, and per statement its normalized table name and
 *   physical table.
 * @example
 * ```ts
 * const { statements } = await prepareMutations(ctx, "myfamily", request.mutations);
 * ```
 */
export async function prepareMutations(
  ctx: ExecutiveContext,
  familyName: string,
  mutations: MutationEntry[],
): Promise<{ statements: string[]; names: string[]; tables: string[] }> {
  if (mutations.length > MAX_MUTATIONS_PER_REQUEST) {
    throw new HttpError(413, "Number of requests exceeds maximum");
  }
  if (mutations.length === 0) {
    throw new HttpError(
      400,
      "fetch meta tables error: fetchMetaTablesByName needs at least one table to fetch",
    );
  }
  const family = normalizeFamilyName(familyName);
  const tables = mutations.map((m) => normalizeTableName(m.table));
  const physical = tables.map((t) => ldbTableName(family, t));
  const unique = [...new Set(physical)];
  const build = (info: Map<string, ColumnInfo[]>) => {
    const metas = new Map<string, TableMeta>();
    for (const [i, name] of physical.entries()) {
      if (metas.has(name)) continue;
      const columns = info.get(name);
      if (!columns) throw new HttpError(404, `Table not found: ${tables[i]}`);
      metas.set(name, tableMeta(tables[i]!, name, columns));
    }
    return mutations.map((m, i) => statementOf(metas.get(physical[i]!)!, m));
  };
  let statements: string[];
  try {
    statements = build(await ctx.tables.get(unique));
  } catch (e) {
    if (!(e instanceof UnknownFieldError)) throw e;
    // The cached columns may predate a field another executive just added: read them again.
    for (const table of unique) ctx.tables.invalidate(table);
    statements = build(await ctx.tables.get(unique));
  }
  return { statements, names: tables, tables: physical };
}

function errorCode(error: unknown): string | number | undefined {
  if (typeof error !== "object" || error === null) return undefined;
  const { code, errno } = error as { code?: unknown; errno?: unknown };
  if (typeof code === "string") return code;
  return typeof errno === "number" ? errno : undefined;
}

/** MySQL strict-mode data errors: the value does not fit the column. */
const DATA_ERRORS = new Set<string | number>([
  "ER_DATA_TOO_LONG",
  "ER_TRUNCATED_WRONG_VALUE_FOR_FIELD",
  "ER_WARN_DATA_OUT_OF_RANGE",
  "ER_TRUNCATED_WRONG_VALUE",
  "WARN_DATA_TRUNCATED",
  "ER_BAD_NULL_ERROR",
]);

async function execStatement(
  ctx: ExecutiveContext,
  session: CtldbSession,
  sql: string,
  table: string,
  physical: string,
): Promise<void> {
  try {
    await session.exec(sql);
  } catch (e) {
    ctx.tables.invalidate(physical);
    const code = errorCode(e);
    const message = errorMessage(e);
    if (code === "ER_NO_SUCH_TABLE" || /no such table/i.test(message)) {
      throw new HttpError(404, `Table not found: ${table}`, { cause: e });
    }
    if (code !== undefined && DATA_ERRORS.has(code)) {
      throw new HttpError(400, `dml exec error: ${message}`, { cause: e });
    }
    throw e;
  }
}

/** Largest merged upsert sent to ctldb, in characters. */
const MAX_MERGED_CHARS = 4 * 1024 * 1024;

interface CtldbRun {
  sql: string;
  /** Index of the run's first mutation. */
  first: number;
}

/**
 * Groups consecutive upserts of one table into one multi-row `REPLACE` for ctldb (one round
 * trip instead of many). Multi-row `REPLACE` applies its rows in order, exactly as the
 * separate statements the ledger records; deletes run as they are.
 */
function ctldbRuns(statements: string[], tables: string[]): CtldbRun[] {
  const runs: (CtldbRun & { prefix?: string; table: string })[] = [];
  for (const [i, sql] of statements.entries()) {
    const last = runs.at(-1);
    const prefix = sql.startsWith("REPLACE INTO ")
      ? sql.slice(0, sql.indexOf(") VALUES(") + ") VALUES".length)
      : undefined;
    if (
      prefix !== undefined && last?.prefix === prefix && last.table === tables[i] &&
      last.sql.length + sql.length < MAX_MERGED_CHARS
    ) {
      last.sql += "," + sql.slice(prefix.length);
    } else {
      runs.push({ sql, first: i, table: tables[i]!, ...(prefix === undefined ? {} : { prefix }) });
    }
  }
  return runs;
}

/**
 * Applies a mutation request; returns the seq of the last ledger row written.
 *
 * @throws {HttpError} 400/401/404/409/413/429/507 as described in the module doc; 401 for an
 *   unknown writer or wrong secret whatever else is wrong with the request.
 * @example
 * ```ts
 * const seq = await mutate(ctx, {
 *   family: "myfamily", writer: "writer1", secret: "secret1",
 *   request: { cookie: null, checkCookie: null, mutations: [{ table: "t1", delete: false, values: { id: 1 } }] },
 * });
 * ```
 */
export async function mutate(ctx: ExecutiveContext, input: MutateInput): Promise<number> {
  const { writer, request } = input;
  validateWriterName(writer);
  const secretHash = hashSecret(input.secret);
  let prepared: Awaited<ReturnType<typeof prepareMutations>>;
  try {
    prepared = await prepareMutations(ctx, input.family, request.mutations);
    ctx.limiter.checkTableSizes(prepared.tables);
  } catch (error) {
    if (!await writerExists(ctx.db, writer, secretHash)) {
      throw new HttpError(401, "Writer not found");
    }
    throw error;
  }
  const { statements, names, tables } = prepared;
  const ledgerRows = bracketed(statements);
  const seq = await ctx.ledger.transaction(async (tx) => {
    await swapCookie(tx.session, writer, secretHash, request.cookie, request.checkCookie);
    await tx.lock();
    await ctx.limiter.consume(tx.session, writer, statements.length);
    for (const run of ctldbRuns(statements, tables)) {
      await execStatement(ctx, tx.session, run.sql, names[run.first]!, tables[run.first]!);
    }
    const last = await tx.appendMany(ledgerRows);
    input.signal?.throwIfAborted();
    return last;
  }, input.signal);
  ctx.metrics.mutations.inc({ writer }, statements.length);
  ctx.metrics.ledgerRows.inc(ledgerRows.length);
  return seq;
}
