/**
 * The reader's view of a partial LDB (DESIGN §7): a family the LDB does not carry is reported
 * as such (`family-not-carried`), never as a missing table or an empty history, so a caller
 * on a partial host learns that it asked the wrong host. Private to the reader.
 *
 * @module
 */
import type { DatabaseSync } from "node:sqlite";
import { describeFamilies, readLdbFamilies } from "../ldb/mod.ts";
import { ReaderError } from "./errors.ts";

/**
 * Throws `family-not-carried` when the LDB is partial and does not carry `family`.
 *
 * @param db The reader's connection.
 * @param family A normalized family name.
 */
export function checkFamilyCarried(db: DatabaseSync, family: string): void {
  const families = readLdbFamilies(db);
  if (families === undefined || families.includes(family)) return;
  throw new ReaderError(
    "family-not-carried",
    `family "${family}" is not carried by this LDB (partial LDB of ${describeFamilies(families)})`,
  );
}
