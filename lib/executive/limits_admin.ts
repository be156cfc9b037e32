/**
 * The limit administration routes' logic (spec §7.3 `/limits/…`): reading, setting and
 * deleting table size limits and writer rate limits. Every change refreshes the limiter at
 * once, so it applies to the next mutation rather than after the next periodic refresh.
 * Client mistakes are 4xx here (the original answered most of them with 500).
 *
 * @module
 */
import { HttpError } from "../http/mod.ts";
import { parseGoDuration } from "../flags/mod.ts";
import { stringifyGoJson, validateWriterName } from "../schema/mod.ts";
import type { ExecutiveContext } from "./context.ts";
import { sanitizeFamilyAndTable } from "./destructive.ts";
import { getField, isObject, jsonError } from "./json_body.ts";
import { roundHalfEven } from "./limiter.ts";

const MINUTE_MS = 60_000;
const NS_PER_MS = 1_000_000;

/** `GET /limits/tables` body. */
export interface TableSizeLimits {
  global: { "max-size": number; "warn-size": number };
  tables: { "max-size": number; "warn-size": number; family: string; table: string }[] | null;
}

/** `GET /limits/writers` body; periods in nanoseconds. */
export interface WriterRateLimits {
  global: { amount: number; period: number };
  writers: { writer: string; "rate-limit": { amount: number; period: number } }[] | null;
}

/**
 * The default and per-table size limits.
 *
 * @example
 * ```ts
 * const limits = await readTableLimits(ctx);
 * console.log(limits.global["max-size"]);
 * ```
 */
export async function readTableLimits(ctx: ExecutiveContext): Promise<TableSizeLimits> {
  const rows = await ctx.db.query<
    { family: string; tbl: string; max: number | bigint; warn: number | bigint }
  >(
    "SELECT family_name AS family, table_name AS tbl, max_size_bytes AS max, " +
      "warn_size_bytes AS warn FROM max_table_sizes ORDER BY family_name, table_name",
  );
  return {
    global: { "max-size": ctx.config.maxTableSize, "warn-size": ctx.config.warnTableSize },
    tables: rows.length === 0 ? null : rows.map((row) => ({
      "max-size": Number(row.max),
      "warn-size": Number(row.warn),
      family: row.family,
      table: row.tbl,
    })),
  };
}

function sizeField(body: Record<string, unknown>, key: string): number {
  const value = getField(body, key);
  if (value === undefined) throw jsonError(`${key} is required`);
  if (typeof value !== "number" || !Number.isSafeInteger(value) || value < 0) {
    throw jsonError(`${key} must be a non-negative integer`);
  }
  return value;
}

/**
 * Sets a table's size limits from `{"max-size": <int>, "warn-size": <int>}`; both are
 * required (the original silently used 0 for a missing one).
 *
 * @throws {HttpError} 400 for bad names or values, 404 `table '<f>___<t>' not found`.
 * @example
 * ```ts
 * await updateTableLimit(ctx, "f1", "t1", { "max-size": 1000, "warn-size": 500 });
 * ```
 */
export async function updateTableLimit(
  ctx: ExecutiveContext,
  familyName: string,
  tableName: string,
  body: unknown,
): Promise<void> {
  const { family, table, physical } = sanitizeFamilyAndTable(familyName, tableName);
  if (!isObject(body)) throw jsonError("request body must be a JSON object");
  const max = sizeField(body, "max-size");
  const warn = sizeField(body, "warn-size");
  if (!(await ctx.db.tableColumns([physical])).has(physical)) {
    throw new HttpError(404, `table '${physical}' not found`);
  }
  await ctx.db.exec(
    ctx.db.upsertSql(
      "max_table_sizes",
      ["family_name", "table_name", "warn_size_bytes", "max_size_bytes"],
      ["family_name", "table_name"],
    ),
    [family, table, warn, max],
  );
  await ctx.limiter.refreshTableSizes();
}

/**
 * Removes a table's size limits (the defaults apply again).
 *
 * @throws {HttpError} 404 `could not find table limit for <f>___<t>`.
 * @example
 * ```ts
 * await deleteTableLimit(ctx, "f1", "t1");
 * ```
 */
export async function deleteTableLimit(
  ctx: ExecutiveContext,
  familyName: string,
  tableName: string,
): Promise<void> {
  const { family, table, physical } = sanitizeFamilyAndTable(familyName, tableName);
  const { affectedRows } = await ctx.db.exec(
    "DELETE FROM max_table_sizes WHERE family_name = ? AND table_name = ?",
    [family, table],
  );
  if (affectedRows === 0) throw new HttpError(404, `could not find table limit for ${physical}`);
  await ctx.limiter.refreshTableSizes();
}

/**
 * The default and per-writer rate limits.
 *
 * @example
 * ```ts
 * const limits = await readWriterLimits(ctx);
 * console.log(limits.global.amount);
 * ```
 */
export async function readWriterLimits(ctx: ExecutiveContext): Promise<WriterRateLimits> {
  const rows = await ctx.db.query<{ writer: string; perMinute: number | bigint }>(
    'SELECT writer_name AS writer, max_rows_per_minute AS "perMinute" FROM max_writer_rates ' +
      "ORDER BY writer_name",
  );
  return {
    global: {
      amount: ctx.config.writerLimit,
      period: ctx.config.writerLimitPeriodMs * NS_PER_MS,
    },
    writers: rows.length === 0 ? null : rows.map((row) => ({
      writer: row.writer,
      "rate-limit": { amount: Number(row.perMinute), period: MINUTE_MS * NS_PER_MS },
    })),
  };
}

function display(value: unknown): string {
  return typeof value === "string" ? value : stringifyGoJson(value);
}

/** Reads `{"amount", "period"}` and converts it to the stored mutations per minute. */
function parseRateLimit(body: unknown): { perMinute: number } {
  if (!isObject(body)) throw jsonError("request body must be a JSON object");
  const amount = getField(body, "amount") ?? 0;
  if (typeof amount !== "number" || !Number.isFinite(amount) || amount < 0) {
    throw new HttpError(400, `invalid amount: '${display(amount)}'`);
  }
  const period = getField(body, "period") ?? 0;
  let periodMs: number;
  if (typeof period === "number") {
    periodMs = period / NS_PER_MS;
  } else if (typeof period === "string") {
    try {
      periodMs = parseGoDuration(period);
    } catch {
      throw new HttpError(400, `invalid period: '${period}'`);
    }
  } else {
    throw new HttpError(400, `invalid period: '${display(period)}'`);
  }
  if (!(periodMs > 0) || !Number.isFinite(periodMs)) {
    throw new HttpError(400, `invalid period: '${display(period)}': the period must be positive`);
  }
  const perMinute = roundHalfEven(Math.trunc(amount) * MINUTE_MS / periodMs);
  if (!Number.isSafeInteger(perMinute)) {
    throw new HttpError(
      400,
      `invalid amount: '${display(amount)}': the rate per minute is too large`,
    );
  }
  return { perMinute };
}

/**
 * Sets a writer's rate limit from `{"amount": <n>, "period": "1m" | <nanoseconds>}`, stored
 * as rows per minute.
 *
 * @throws {HttpError} 400 for a bad name, amount or period (including 0, or a rate beyond
 *   2^53 per minute), 404
 *   `no writer with the name '<w>' exists`.
 * @example
 * ```ts
 * await updateWriterLimit(ctx, "writer1", { amount: 100, period: "1m" });
 * ```
 */
export async function updateWriterLimit(
  ctx: ExecutiveContext,
  writerName: string,
  body: unknown,
): Promise<void> {
  const writer = validateWriterName(writerName);
  const { perMinute } = parseRateLimit(body);
  const exists = await ctx.db.query("SELECT writer FROM mutators WHERE writer = ?", [writer]);
  if (exists.length === 0) throw new HttpError(404, `no writer with the name '${writer}' exists`);
  await ctx.db.exec(
    ctx.db.upsertSql("max_writer_rates", ["writer_name", "max_rows_per_minute"], ["writer_name"]),
    [writer, perMinute],
  );
  await ctx.limiter.refreshWriterLimits();
}

/**
 * Removes a writer's rate limit (the default applies again).
 *
 * @throws {HttpError} 404 `no writer limit for the writer '<w>' was found`.
 * @example
 * ```ts
 * await deleteWriterLimit(ctx, "writer1");
 * ```
 */
export async function deleteWriterLimit(ctx: ExecutiveContext, writerName: string): Promise<void> {
  const writer = validateWriterName(writerName);
  const { affectedRows } = await ctx.db.exec(
    "DELETE FROM max_writer_rates WHERE writer_name = ?",
    [writer],
  );
  if (affectedRows === 0) {
    throw new HttpError(404, `no writer limit for the writer '${writer}' was found`);
  }
  await ctx.limiter.refreshWriterLimits();
}
