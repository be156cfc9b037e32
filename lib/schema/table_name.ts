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
 * Decodes a physical table name into its family and table: split at the last `___` and require
 * two valid names (returned normalized). A family may end in `_` but no name contains `__`, so
 * the last `___` is always the separator: unlike the original, `foo____bar` decodes to family
 * `foo_` and table `bar`.
 *
 * @param name A physical table name.
 * @returns The two parts, or `undefined` when the name is not a family table.
 *
 * @example Decode names
 * ```ts
 * import { parseLdbTableName } from "./table_name.ts";
 *
 * console.log(parseLdbTableName("myfamily___mytable")); // { family: "myfamily", table: "mytable" }
 * console.log(parseLdbTableName("foo____bar")); // { family: "foo_", table: "bar" }
 * console.log(parseLdbTableName("_ldb_seq")); // undefined
 * ```
 */
export function parseLdbTableName(name: string): { family: string; table: string } | undefined {
  const separator = name.lastIndexOf("___");
  if (separator < 0) return undefined;
  try {
    return {
      family: normalizeFamilyName(name.slice(0, separator)),
      table: normalizeTableName(name.slice(separator + 3)),
    };
  } catch (e) {
    if (e instanceof NameError) return undefined;
    throw e;
  }
}
