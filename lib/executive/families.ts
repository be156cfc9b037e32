/**
 * Families (spec §7.3 `POST /families/{familyName}`): creating one and checking that one
 * exists. Families are rows of `families`; they produce no ledger rows.
 *
 * @module
 */
import { type CtldbSession, isDuplicateKeyError } from "../ctldb/mod.ts";
import { HttpError } from "../http/mod.ts";
import { normalizeFamilyName } from "../schema/mod.ts";

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
