/**
 * Families (spec §7.3 `POST /families/{familyName}`): creating one, checking that one exists,
 * and listing them with their tables (`GET /families`, `GET /families/{familyName}/tables`, not
 * in the original). Families are rows of `families`; they produce no ledger rows. Tables are
 * the ctldb's physical `<family>___<table>` tables, found through the adapter.
 *
 * @module
 */
import { type Ctldb, type CtldbSession, isDuplicateKeyError } from "../ctldb/mod.ts";
import { HttpError } from "../http/mod.ts";
import { normalizeFamilyName, parseLdbTableName } from "../schema/mod.ts";

/**
 * A family and the names of its tables, as `GET /families` lists it.
 *
 * @example
 * ```ts
 * const family: FamilyTables = { name: "demo", tables: ["users"] };
 * ```
 */
export interface FamilyTables {
  /** The family name. */
  name: string;
  /** Its tables' names, sorted. */
  tables: string[];
}

/**
 * Creates a family.
 *
 * @param db Where to insert.
 * @param name The family name as given; it is validated and lower-cased.
 * @throws {NameError} When the name is invalid (400).
 * @throws {HttpError} 409 `Family already exists`.
 * @example
 * ```ts
 * await createFamily(ctldb, "MyFamily"); // stored as "myfamily"
 * ```
 */
export async function createFamily(db: CtldbSession, name: string): Promise<void> {
  const family = normalizeFamilyName(name);
  try {
    await db.exec("INSERT INTO families (name) VALUES(?)", [family]);
  } catch (e) {
    if (isDuplicateKeyError(e)) throw new HttpError(409, "Family already exists", { cause: e });
    throw e;
  }
}

/**
 * Whether a (normalized) family exists.
 *
 * @example
 * ```ts
 * if (!await familyExists(ctldb, "myfamily")) throw new HttpError(404, "Family not found");
 * ```
 */
export async function familyExists(db: CtldbSession, family: string): Promise<boolean> {
  const rows = await db.query("SELECT id FROM families WHERE name = ?", [family]);
  return rows.length > 0;
}

function byCodeUnit(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Every family with its tables, sorted by name (the same order on every ctldb, whatever its
 * collation).
 *
 * @example
 * ```ts
 * await listFamilies(ctldb); // [{ name: "demo", tables: ["users"] }]
 * ```
 */
export async function listFamilies(db: Ctldb): Promise<FamilyTables[]> {
  const rows = await db.query<{ name: string }>("SELECT name FROM families");
  const families = new Map(rows.map((row) => [row.name, [] as string[]]));
  // The adapter lists tables sorted, so each family's tables arrive in name order.
  for (const physical of await db.listFamilyTables()) {
    const names = parseLdbTableName(physical);
    if (names) families.get(names.family)?.push(names.table);
  }
  return [...families.keys()].sort(byCodeUnit).map((name) => ({
    name,
    tables: families.get(name)!,
  }));
}

/**
 * The tables of one family, sorted by name.
 *
 * @param db The ctldb.
 * @param name The family name as given; it is validated and lower-cased.
 * @throws {NameError} When the name is invalid (400).
 * @throws {HttpError} 404 `Family not found`.
 * @example
 * ```ts
 * await listFamilyTables(ctldb, "Demo"); // { name: "demo", tables: ["users"] }
 * ```
 */
export async function listFamilyTables(db: Ctldb, name: string): Promise<FamilyTables> {
  const family = normalizeFamilyName(name);
  if (!await familyExists(db, family)) throw new HttpError(404, "Family not found");
  const tables = (await db.listFamilyTables(family)).flatMap((physical) => {
    const names = parseLdbTableName(physical);
    return names ? [names.table] : [];
  });
  return { name: family, tables };
}
