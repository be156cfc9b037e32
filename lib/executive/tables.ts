/**
 * Creating tables and adding fields (spec §7.3, §7.5.1–7.5.2): request parsing (`fields` as
 * `[name, type]` pairs, `keyFields`), the validation order of the original, and the DDL in
 * both flavours. Applying DDL to ctldb and the ledger is `schema_changes.ts`'s job.
 *
 * @module
 */
import { isDuplicateColumnError, isTableExistsError } from "../ctldb/mod.ts";
import { HttpError } from "../http/mod.ts";
import {
  addColumnSql,
  checkKeyFields,
  createTableSql,
  type FieldDef,
  type FieldType,
  ldbTableName,
  LEDGER_COLUMN_TYPES,
  normalizeFamilyName,
  normalizeFieldName,
  normalizeTableName,
  requireKeyFields,
  TableDefinitionError,
  unzipFieldPair,
} from "../schema/mod.ts";
import type { ExecutiveContext } from "./context.ts";
import { familyExists } from "./families.ts";
import { getField, isObject, jsonError } from "./json_body.ts";
import { applySchemaChange } from "./schema_changes.ts";

/** A field as given in a request: name not yet validated. */
export interface RawField {
  name: string;
  type: FieldType;
}

function stringList(value: unknown, what: string): string[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw jsonError(`${what} must be an array of strings`);
  return value.map((item, i) => {
    if (typeof item !== "string") throw jsonError(`${what}[${i}] must be a string`);
    return item;
  });
}

/**
 * Reads the `fields` of a request body: a JSON array of `[name, type]` string pairs.
 *
 * @throws {HttpError} 400 `JSON Error: …` when the shape is not a list of string lists.
 * @throws {TableDefinitionError} When a pair has the wrong length or an unknown type.
 * @example
 * ```ts
 * unzipFields({ fields: [["id", "integer"]] }); // [{ name: "id", type: "integer" }]
 * ```
 */
export function unzipFields(body: Record<string, unknown>): RawField[] {
  const raw = getField(body, "fields");
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) throw jsonError("fields must be an array of [name, type] pairs");
  const tuples = raw.map((tuple, i) => stringList(tuple, `fields[${i}]`));
  return tuples.map(unzipFieldPair);
}

/**
 * Reads the `keyFields` of a request body.
 *
 * @throws {HttpError} 400 `JSON Error: …` when it is not a list of strings.
 * @example
 * ```ts
 * keyFieldsOf({ keyFields: ["id"] }); // ["id"]
 * ```
 */
export function keyFieldsOf(body: Record<string, unknown>): string[] {
  return stringList(getField(body, "keyFields"), "keyFields");
}

/**
 * Parses a single-table request body (`POST`/`PUT /families/{f}/tables/{t}`).
 *
 * @throws {HttpError} 400 `JSON Error: …` or `Error unzipping fields: …`.
 * @example
 * ```ts
 * parseTableBody({ fields: [["id", "integer"]], keyFields: ["id"] });
 * ```
 */
export function parseTableBody(body: unknown): { fields: RawField[]; keyFields: string[] } {
  if (!isObject(body)) throw jsonError("request body must be a JSON object");
  let fields: RawField[];
  try {
    fields = unzipFields(body);
  } catch (e) {
    if (e instanceof TableDefinitionError) {
      throw new HttpError(400, `Error unzipping fields: ${e.message}`);
    }
    throw e;
  }
  return { fields, keyFields: keyFieldsOf(body) };
}

/** The physical table name, within the ctldb's identifier length limit (names are ASCII). */
function physicalName(ctx: ExecutiveContext, family: string, table: string): string {
  const name = ldbTableName(family, table);
  const max = ctx.db.maxIdentifierLength;
  if (name.length > max) {
    throw new HttpError(400, `Table name '${name}' is longer than ${max} characters`);
  }
  return name;
}

function normalizeFields(fields: RawField[]): FieldDef[] {
  const seen = new Set<string>();
  return fields.map((field) => {
    const name = normalizeFieldName(field.name);
    if (seen.has(name)) throw new HttpError(400, `Field '${name}' is declared more than once`);
    seen.add(name);
    return { name, type: field.type };
  });
}

/**
 * Creates a family table (spec §7.5.1) after the original's checks, in its order: names
 * (400), at least one key field (400), the family exists (404), key fields declared and of a
 * key type (400), the table is new (409).
 *
 * @example
 * ```ts
 * await createTable(ctx, "myfamily", "mytable", [{ name: "id", type: "integer" }], ["id"]);
 * ```
 */
export async function createTable(
  ctx: ExecutiveContext,
  familyName: string,
  tableName: string,
  rawFields: RawField[],
  rawKeyFields: string[],
  signal?: AbortSignal,
): Promise<void> {
  const family = normalizeFamilyName(familyName);
  const table = normalizeTableName(tableName);
  const fields = normalizeFields(rawFields);
  const keyFields = rawKeyFields.map(normalizeFieldName);
  requireKeyFields(keyFields);
  if (!await familyExists(ctx.db, family)) throw new HttpError(404, "Family not found");
  checkKeyFields(fields, keyFields);
  const physical = physicalName(ctx, family, table);
  const existing = await ctx.db.tableColumns([physical]);
  if (existing.has(physical)) throw new HttpError(409, "Table already exists");
  try {
    await applySchemaChange(ctx, {
      table: physical,
      ledgerSql: createTableSql(LEDGER_COLUMN_TYPES, physical, fields, keyFields),
      ctldbSql: createTableSql(ctx.db.columnTypes, physical, fields, keyFields),
    }, signal);
  } catch (e) {
    if (isTableExistsError(e)) throw new HttpError(409, "Table already exists", { cause: e });
    throw e;
  }
  // Let the table-size limit see the new table now rather than at the next refresh.
  await ctx.limiter.refreshTableSizes().catch((error) => {
    ctx.log.warn("table size refresh after create table failed", { error });
  });
}

/**
 * Adds fields to a table (spec §7.5.2), one DDL change per field, in order; fields added
 * before a failing one stay added, as in the original. Every name is checked before the
 * first change.
 *
 * @example
 * ```ts
 * await addFields(ctx, "myfamily", "mytable", [{ name: "extra", type: "text" }]);
 * ```
 */
export async function addFields(
  ctx: ExecutiveContext,
  familyName: string,
  tableName: string,
  rawFields: RawField[],
  signal?: AbortSignal,
): Promise<void> {
  const family = normalizeFamilyName(familyName);
  const table = normalizeTableName(tableName);
  const fields = normalizeFields(rawFields);
  if (!await familyExists(ctx.db, family)) throw new HttpError(404, "Family does not exist");
  const physical = ldbTableName(family, table);
  const columns = (await ctx.db.tableColumns([physical])).get(physical);
  if (!columns) throw new HttpError(404, `Table not found: ${table}`);
  for (const field of fields) {
    if (columns.some((c) => c.name.toLowerCase() === field.name)) {
      throw new HttpError(409, "Column already exists");
    }
    try {
      await applySchemaChange(ctx, {
        table: physical,
        ledgerSql: addColumnSql(LEDGER_COLUMN_TYPES, physical, field),
        ctldbSql: addColumnSql(ctx.db.columnTypes, physical, field),
      }, signal);
    } catch (e) {
      if (isDuplicateColumnError(e)) {
        throw new HttpError(409, "Column already exists", { cause: e });
      }
      throw e;
    }
  }
}
