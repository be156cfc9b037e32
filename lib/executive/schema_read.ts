/**
 * Reading table schemas back from ctldb (spec §7.3 `GET /schema/table/…`, `GET /schema/family/…`):
 * fields in column order with their API types, key fields in column order. Names are
 * normalized first, so mixed-case requests get the schema rather than the original's `null`,
 * and only this database's tables of the family are listed.
 *
 * @module
 */
import type { ColumnInfo } from "../ctldb/mod.ts";
import { HttpError } from "../http/mod.ts";
import {
  type FieldType,
  ldbTableName,
  normalizeFamilyName,
  normalizeTableName,
  parseLdbTableName,
} from "../schema/mod.ts";
import type { ExecutiveContext } from "./context.ts";

/**
 * A table schema as the executive reports it.
 *
 * @example
 * ```ts
 * const schema: TableSchema = {
 *   family: "f", name: "t", fields: [["id", "integer"]], keyFields: ["id"],
 * };
 * ```
 */
export interface TableSchema {
  family: string;
  name: string;
  fields: [string, string][];
  keyFields: string[];
}

/**
 * The API type of a ctldb column.
 *
 * @throws {Error} `Could not resolve database type: '<t>'` for a column type outside the map.
 * @example
 * ```ts
 * columnFieldType({ name: "id", columnType: "bigint", fieldType: "integer", isKey: true }); // "integer"
 * ```
 */
export function columnFieldType(column: ColumnInfo): FieldType {
  if (!column.fieldType) throw new Error(`Could not resolve database type: '${column.columnType}'`);
  return column.fieldType;
}

/**
 * Builds a schema from ctldb column metadata.
 *
 * @throws {Error} `Could not resolve database type: '<t>'` for a column type outside the map.
 * @example
 * ```ts
 * toTableSchema("f", "t", [{ name: "id", columnType: "bigint", fieldType: "integer", isKey: true }]);
 * ```
 */
export function toTableSchema(family: string, table: string, columns: ColumnInfo[]): TableSchema {
  const fields = columns.map((column): [string, string] => [column.name, columnFieldType(column)]);
  const keyFields = columns.filter((c) => c.isKey).map((c) => c.name);
  return { family, name: table, fields, keyFields };
}

/**
 * The schema of one table.
 *
 * @throws {NameError} For invalid names (400).
 * @throws {HttpError} 404 `<f>___<t>: table does not exist` (with the original's newline).
 * @example
 * ```ts
 * const schema = await readTableSchema(ctx, "MyFamily", "MyTable");
 * ```
 */
export async function readTableSchema(
  ctx: ExecutiveContext,
  familyName: string,
  tableName: string,
): Promise<TableSchema> {
  const family = normalizeFamilyName(familyName);
  const table = normalizeTableName(tableName);
  const physical = ldbTableName(family, table);
  const columns = (await ctx.db.tableColumns([physical])).get(physical);
  if (!columns) throw new HttpError(404, `${physical}: table does not exist\n`);
  return toTableSchema(family, table, columns);
}

/**
 * The schemas of every table of a family in this database, ordered by table name; `null`
 * when it has none (as the original).
 *
 * @example
 * ```ts
 * const schemas = await readFamilySchema(ctx, "myfamily");
 * ```
 */
export async function readFamilySchema(
  ctx: ExecutiveContext,
  familyName: string,
): Promise<TableSchema[] | null> {
  const family = normalizeFamilyName(familyName);
  const tables = await ctx.db.listFamilyTables(family);
  if (tables.length === 0) return null;
  const columns = await ctx.db.tableColumns(tables);
  const schemas: TableSchema[] = [];
  for (const physical of tables) {
    const tableColumns = columns.get(physical);
    const names = parseLdbTableName(physical);
    if (tableColumns && names) schemas.push(toTableSchema(family, names.table, tableColumns));
  }
  return schemas.length > 0 ? schemas : null;
}
