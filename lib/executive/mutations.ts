/**
 * The mutation algorithm (spec §7.4), first half: validate every value against its column
 * before anything is written and build each mutation's ledger statement, then hand the request
 * to group commit (`group_commit.ts`), which applies it with other requests of its family in
 * one ctldb transaction: writer check, rate-limit accounting, cookie compare-and-swap, and the
 * statements on ctldb plus their ledger rows, bracketed by `--- BEGIN`/`--- COMMIT` when there
 * are several.
 *
 * A caller that is not a writer learns nothing about the schema: when validation fails, the
 * writer and secret are checked before the answer, and an unknown writer or wrong secret gets
 * 401 `Writer not found` instead of `Table not found: …` or `Missing field …`. A request that
 * validates is authenticated inside its batch, so the common path costs no extra query.
 *
 * Stricter than the original where it keeps ctldb and LDBs identical or catches client bugs
 * (DESIGN §3.2): values are type-checked (400), key values must not be null, unknown and
 * duplicate field names are rejected (400), invalid table names are reported (400) instead of
 * silently becoming "table not found". Upserts still need every column (`Missing field`).
 *
 * @module
 */
import type { ColumnInfo } from "../ctldb/mod.ts";
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
import type { ExecutiveContext } from "./context.ts";
import { bracketed } from "./ledger.ts";
import type { RowWrite } from "./mutation_batch.ts";
import type { MutationEntry, MutationRequest } from "./mutation_request.ts";
import { columnFieldType } from "./schema_read.ts";
import { hashSecret } from "./secrets.ts";
import { checkCookieLengths, writerExists } from "./writers.ts";

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

function writeOf(meta: TableMeta, entry: MutationEntry): RowWrite {
  const given = new Map<string, unknown>();
  for (const [key, value] of Object.entries(entry.values)) {
    const name = normalizeFieldName(key);
    if (given.has(name)) throw new HttpError(400, `Field ${name} is given more than once`);
    if (!meta.byName.has(name)) {
      throw new UnknownFieldError(400, `Unknown field ${name} in table ${meta.table}`);
    }
    given.set(name, value);
  }
  const keys = meta.columns.filter((c) => c.isKey).map((c) => c.name);
  const columns = entry.delete ? meta.columns.filter((c) => c.isKey) : meta.columns;
  const names = columns.map((c) => c.name);
  const values = columns.map((c) => valueOf(c, given));
  const statement = entry.delete
    ? deleteRowSql(meta.physical, names, values)
    : upsertSql(meta.physical, names, values);
  if (
    statement.length * 3 > MAX_DML_STATEMENT_BYTES &&
    encoder.encode(statement).length > MAX_DML_STATEMENT_BYTES
  ) {
    throw new HttpError(400, "Request generated too large of a DML statement");
  }
  return {
    table: meta.physical,
    name: meta.table,
    delete: entry.delete,
    columns: names,
    keyColumns: keys,
    values,
    statement,
  };
}

/**
 * Validates a request and builds its mutations, reading the tables' columns from ctldb.
 *
 * @returns The family's normalized name and the mutations in request order.
 * @example
 * ```ts
 * const { writes } = await prepareMutations(ctx, "myfamily", request.mutations);
 * ```
 */
export async function prepareMutations(
  ctx: ExecutiveContext,
  familyName: string,
  mutations: MutationEntry[],
): Promise<{ family: string; writes: RowWrite[] }> {
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
    return mutations.map((m, i) => writeOf(metas.get(physical[i]!)!, m));
  };
  try {
    return { family, writes: build(await ctx.tables.get(unique)) };
  } catch (e) {
    if (!(e instanceof UnknownFieldError)) throw e;
    // The cached columns may predate a field another executive just added: read them again.
    for (const table of unique) ctx.tables.invalidate(table);
    return { family, writes: build(await ctx.tables.get(unique)) };
  }
}

/**
 * Applies a mutation request; returns the seq of its last ledger row.
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
    checkCookieLengths(request.cookie, request.checkCookie);
    prepared = await prepareMutations(ctx, input.family, request.mutations);
    ctx.limiter.checkTableSizes(prepared.writes.map((w) => w.table));
  } catch (error) {
    if (!await writerExists(ctx.db, writer, secretHash)) {
      throw new HttpError(401, "Writer not found");
    }
    throw error;
  }
  input.signal?.throwIfAborted();
  const { family, writes } = prepared;
  return await ctx.groupCommit.submit(family, {
    writer,
    secretHash,
    cookie: request.cookie,
    checkCookie: request.checkCookie,
    writes,
    ledgerRows: bracketed(writes.map((w) => w.statement)),
    signal: input.signal,
  });
}
