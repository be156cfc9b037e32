/**
 * Finding physical family tables (`<family>___<table>`) by name, for both adapters.
 *
 * @module
 */

/**
 * The `LIKE` pattern (escape character `!`) matching physical family tables, of one family
 * or of all.
 *
 * @example
 * ```ts
 * import { familyTablePattern } from "./_family_tables.ts";
 *
 * familyTablePattern("my_fam"); // "my!_fam!_!_!_%"
 * ```
 */
export function familyTablePattern(family?: string): string {
  const escape = (text: string) => text.replace(/[!%_]/g, "!$&");
  return family === undefined ? "%!_!_!_%" : `${escape(family)}!_!_!_%`;
}

/**
 * Keeps the family table names (exact, case-sensitive match of the pattern) and sorts them.
 * With a family, the table part must start with a letter, as every table name does: family
 * `foo_`'s table `bar` is `foo____bar`, which is not a table of family `foo`.
 *
 * @example
 * ```ts
 * import { filterFamilyTables } from "./_family_tables.ts";
 *
 * filterFamilyTables(["b___x", "locks", "a___y"]); // ["a___y", "b___x"]
 * filterFamilyTables(["foo___a", "foo____b"], "foo"); // ["foo___a"]
 * ```
 */
export function filterFamilyTables(names: string[], family?: string): string[] {
  const prefix = family === undefined ? "" : `${family}___`;
  return names
    .filter((name) =>
      name.includes("___") && name.startsWith(prefix) &&
      (family === undefined || /^[a-z]/.test(name.slice(prefix.length)))
    )
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}
