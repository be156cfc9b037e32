/**
 * The destructive operations behind `-enable-destructive-schema-changes` (spec §7.3, §7.5.3,
 * §7.5.4): drop a table, clear a table's rows, clear every table of a family. Clearing is plain
 * DML, so it runs with its ledger row in one transaction on both ctldbs; clearing a family
 * clears all its tables (of this database only) atomically, bracketed by `--- BEGIN`/`--- COMMIT`
 * when there are several.
 *
 * @module
 */
import { HttpError } from "../http/mod.ts";
import {
  clearTableSql,
  dropTableSql,
  ldbTableName,
  NameError,
  normalizeFamilyName,
  normalizeTableName,
} from "../schema/mod.ts";
import type { ExecutiveContext } from "./context.ts";
import { familyExists } from "./families.ts";
import { bracketed } from "./ledger.ts";
import { applySchemaChange } from "./schema_changes.ts";

/**
 * Validates a family and table name with the original's `sanitize …:` prefixes (400).
 *
 * @example
 * ```ts
 * sanitizeFamilyAndTable("MyFamily", "t1"); // { family: "myfamily", table: "t1", ... }
 * ```
 */
export function sanitizeFamilyAndTable(
  familyName: string,
  tableName: string,
): { family: string; table: string; physical: string } {
  let family: string;
  let table: string;
  try {
    family = normalizeFamilyName(familyName);
  } catch (e) {
    if (e instanceof NameError) throw new HttpError(400, `sanitize family: ${e.message}`);
    throw e;
  }
  try {
    table = normalizeTableName(tableName);
  } catch (e) {
    if (e instanceof NameError) throw new HttpError(400, `sanitize table: ${e.message}`);
    throw e;
  }
  return { family, table, physical: ldbTableName(family, table) };
}

async function requireTable(ctx: ExecutiveContext, familyName: string, tableName: string) {
  const names = sanitizeFamilyAndTable(familyName, tableName);
  const found = await ctx.db.tableColumns([names.physical]);
  if (!found.has(names.physical)) {
    throw new HttpError(404, `table "${names.family}${names.table}" not found`);
  }
  return names;
}

/**
 * Drops a table (spec §7.5.3) in ctldb and the ledger. Its limits rows stay, as in the original.
 *
 * @example
 * ```ts
 * await dropTable(ctx, "myfamily", "mytable");
 * ```
 */
export async function dropTable(
  ctx: ExecutiveContext,
  familyName: string,
  tableName: string,
  signal?: AbortSignal,
): Promise<void> {
  requireDestructive(ctx, "Dropping tables is not enabled.");
  const { physical } = await requireTable(ctx, familyName, tableName);
  const sql = dropTableSql(physical);
  await applySchemaChange(ctx, { table: physical, ledgerSql: sql, ctldbSql: sql }, signal);
}

/** Refuses a destructive change unless `-enable-destructive-schema-changes` is set. */
function requireDestructive(ctx: ExecutiveContext, refusal: string): void {
  if (!ctx.config.enableDestructiveSchemaChanges) throw new HttpError(400, refusal);
}

async function clearTables(
  ctx: ExecutiveContext,
  tables: string[],
  signal?: AbortSignal,
): Promise<void> {
  if (tables.length === 0) return;
  const statements = tables.map(clearTableSql);
  const ledgerRows = bracketed(statements);
  await ctx.ledger.transaction(async (tx) => {
    await tx.lock();
    for (const sql of statements) await tx.session.exec(sql);
    await tx.appendMany(ledgerRows);
    signal?.throwIfAborted();
  }, signal);
  ctx.metrics.ledgerRows.inc(ledgerRows.length);
}

/**
 * Deletes every row of a table (spec §7.5.4).
 *
 * @example
 * ```ts
 * await clearTable(ctx, "myfamily", "mytable");
 * ```
 */
export async function clearTable(
  ctx: ExecutiveContext,
  familyName: string,
  tableName: string,
  signal?: AbortSignal,
): Promise<void> {
  requireDestructive(ctx, "Clearing tables is not enabled.");
  const { physical } = await requireTable(ctx, familyName, tableName);
  await clearTables(ctx, [physical], signal);
}

/**
 * Deletes every row of every table of a family in this database, in one transaction.
 *
 * @throws {HttpError} 400 for an invalid name (the validation message, no prefix), 404
 *   `Family not found`.
 * @example
 * ```ts
 * await clearFamily(ctx, "myfamily");
 * ```
 */
export async function clearFamily(
  ctx: ExecutiveContext,
  familyName: string,
  signal?: AbortSignal,
): Promise<void> {
  requireDestructive(ctx, "Clearing tables is not enabled.");
  const family = normalizeFamilyName(familyName);
  if (!await familyExists(ctx.db, family)) throw new HttpError(404, "Family not found");
  await clearTables(ctx, await ctx.db.listFamilyTables(family), signal);
}
