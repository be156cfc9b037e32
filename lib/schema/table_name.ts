/**
 * Physical table names shared by ctldb and the LDB: `<family>___<table>` (spec §5.4).
 * Internal tables (`_ldb_seq`, ctldb control tables) never decode as family tables.
 *
 * @module
 */

import { NameError, normalizeFamilyName, normalizeTableName } from "./names.ts";

/**
 * The physical name of a family table. Both parts must already be normalized.
 *
 * @param family Normalized family name.
 * @param table Normalized table name.
 * @returns `family___table`.
 *
 * @example Build a physical name
 * ```ts
 * import { ldbTableName } from "./table_name.ts";
 *
 * console.log(ldbTableName("myfamily", "mytable")); // myfamily___mytable
 * ```
 */
export function ldbTableName(family: string, table: string): string {
  return `${family}___${table}`;
}

/**
 * Decodes a physical table name into its family and table, as the original does: split on
 * `___`, require exactly two parts, both valid names (returned normalized). Like the original,
 * `foo____bar` does not decode (its table part would be `_bar`).
 *
 * @param name A physical table name.
 * @returns The two parts, or `undefined` when the name is not a family table.
 *
 * @example Decode names
 * ```ts
 * import { parseLdbTableName } from "./table_name.ts";
 *
 * console.log(parseLdbTableName("myfamily___mytable")); // { family: "myfamily", table: "mytable" }
 * console.log(parseLdbTableName("_ldb_seq")); // undefined
 * ```
 */
export function parseLdbTableName(name: string): { family: string; table: string } | undefined {
  const parts = name.split("___");
  if (parts.length !== 2) return undefined;
  try {
    return { family: normalizeFamilyName(parts[0]!), table: normalizeTableName(parts[1]!) };
  } catch (e) {
    if (e instanceof NameError) return undefined;
    throw e;
  }
}
