/**
 * The one source of truth for ctlstore's schema rules: name validation (`names.ts`), field
 * types and their column types (`field_types.ts`), physical table names (`table_name.ts`),
 * limits (`limits.ts`), SQL literals and statement text (`sql_literal.ts`, `sql_gen.ts`),
 * value checking (`field_values.ts`) and Go-compatible JSON (`json.ts`).
 *
 * @example Generate the ledger statement of a mutation
 * ```ts
 * import { coerceFieldValue, ldbTableName, normalizeFamilyName, upsertSql } from "./mod.ts";
 *
 * const table = ldbTableName(normalizeFamilyName("MyFamily"), "mytable");
 * const sql = upsertSql(table, ["id", "data"], [
 *   coerceFieldValue("integer", "id", 1),
 *   coerceFieldValue("bytestring", "data", "3q2+7w=="),
 * ]);
 * // REPLACE INTO myfamily___mytable ("id","data") VALUES(1,x'deadbeef')
 * ```
 *
 * @module
 */

export * from "./names.ts";
export * from "./field_types.ts";
export * from "./table_name.ts";
export * from "./limits.ts";
export * from "./sql_literal.ts";
export * from "./sql_gen.ts";
export * from "./field_values.ts";
export * from "./json.ts";
export * from "./table_def.ts";
