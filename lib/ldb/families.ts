/**
 * The family set of a partial LDB (DESIGN §7): `_ldb_families` lists the families whose tables,
 * rows and change-history entries the LDB holds. A full LDB, which holds every family, has no
 * such table, so LDBs written by the Go original or by a reflector without `-families` read as
 * full. Go readers ignore `_ldb_*` tables. Which statements a partial reflector applies, and
 * when the set may be written, belong to the reflector; this module only stores and reads it.
 *
 * @module
 */
import type { DatabaseSync } from "node:sqlite";
import { isNoSuchTable, statement } from "./_statements.ts";

/** The table listing a partial LDB's families, one row each. */
export const FAMILIES_TABLE = "_ldb_families";

const SELECT_FAMILIES = `SELECT family FROM ${FAMILIES_TABLE} ORDER BY family`;

/**
 * The families a partial LDB holds, sorted.
 *
 * @param db An LDB connection.
 * @returns The families, or `undefined` for a full LDB (no `_ldb_families` table).
 *
 * @example
 * ```ts
 * import { openLdbForRead, readLdbFamilies } from "./mod.ts";
 *
 * const families = readLdbFamilies(openLdbForRead("/var/spool/ctlstore/ldb.db"));
 * console.log(families ? `partial: ${families.join(", ")}` : "every family");
 * ```
 */
export function readLdbFamilies(db: DatabaseSync): readonly string[] | undefined {
  try {
    return statement(db, SELECT_FAMILIES).all().map((row) => String(row.family));
  } catch (e) {
    if (isNoSuchTable(e)) return undefined;
    throw e;
  }
}

/**
 * Records the family set of an LDB, replacing any recorded one: the families of a partial LDB,
 * or `undefined` to make it a full LDB again (the table is dropped). Run it inside a
 * transaction together with whatever makes the LDB's content match the set.
 *
 * @param db A read-write LDB connection.
 * @param families Normalized family names, or `undefined` for every family.
 *
 * @example Make an LDB partial
 * ```ts
 * import { openLdbForWrite, writeLdbFamilies } from "./mod.ts";
 *
 * writeLdbFamilies(openLdbForWrite("/tmp/ldb.db"), ["accounts", "ctlstore"]);
 * ```
 */
export function writeLdbFamilies(db: DatabaseSync, families: readonly string[] | undefined): void {
  if (families === undefined) {
    db.exec(`DROP TABLE IF EXISTS ${FAMILIES_TABLE}`);
    return;
  }
  db.exec(
    `CREATE TABLE IF NOT EXISTS ${FAMILIES_TABLE} (family TEXT PRIMARY KEY NOT NULL) WITHOUT ROWID`,
  );
  db.exec(`DELETE FROM ${FAMILIES_TABLE}`);
  const insert = db.prepare(`INSERT INTO ${FAMILIES_TABLE} (family) VALUES (?)`);
  for (const family of families) insert.run(family);
}

/**
 * Tells whether two family sets are the same (`undefined` is every family).
 *
 * @example
 * ```ts
 * import { sameFamilySet } from "./families.ts";
 *
 * sameFamilySet(["b", "a"], ["a", "b"]); // true
 * sameFamilySet(undefined, ["a"]); // false
 * ```
 */
export function sameFamilySet(
  a: readonly string[] | undefined,
  b: readonly string[] | undefined,
): boolean {
  if (a === undefined || b === undefined) return a === b;
  const set = new Set(a);
  return set.size === new Set(b).size && b.every((family) => set.has(family));
}

/**
 * A family set in words, for messages: `every family` or `families a, b`.
 *
 * @example
 * ```ts
 * import { describeFamilies } from "./families.ts";
 *
 * describeFamilies(["a", "b"]); // "families a, b"
 * describeFamilies(undefined); // "every family"
 * ```
 */
export function describeFamilies(families: readonly string[] | undefined): string {
  if (families === undefined) return "every family";
  return families.length === 1 ? `family ${families[0]}` : `families ${families.join(", ")}`;
}
