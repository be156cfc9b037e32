/**
 * Fitting a downloaded snapshot to the family set of the reflector that bootstraps from it
 * (DESIGN §7), before the file is moved into place. A snapshot that holds more than this host
 * may see (a full snapshot, or one of a larger family set) has the other families' tables and
 * change-history entries removed and is vacuumed, so their rows are not left behind in free
 * pages; the set is recorded and a warning logged. The snapshot's `_ldb_seq` stays: the
 * removed families' statements up to it count as skipped. A snapshot that lacks a family this
 * host needs cannot be completed (the ledger before its seq is not replayed), so it is refused,
 * as is a partial snapshot for a full reflector. Downloading and verifying is `bootstrap.ts`'s
 * job; deciding which statements to apply afterwards is `family_filter.ts`'s.
 *
 * @module
 */
import { DatabaseSync } from "node:sqlite";
import {
  CHANGES_TABLE,
  describeFamilies,
  FAMILIES_TABLE,
  readLdbFamilies,
  writeLdbFamilies,
} from "../ldb/mod.ts";
import type { Logger } from "../log/mod.ts";
import { parseLdbTableName, quoteIdentifier } from "../schema/mod.ts";

/** What {@linkcode fitSnapshotToFamilies} removed. */
export interface SnapshotTrim {
  /** Family tables dropped. */
  tables: number;
  /** Families those tables (or removed history entries) belonged to. */
  families: number;
  /** Change-history entries of other families deleted. */
  historyEntries: number;
}

/**
 * Makes a snapshot file hold exactly the given families, or refuses it.
 *
 * @param path The downloaded snapshot (not yet in place; nobody else has it open).
 * @param families The reflector's family set (`undefined`: every family).
 * @param log Where the warning about a snapshot holding more is logged.
 * @returns What was removed (all zero when the snapshot already fit).
 * @throws {Error} When the snapshot lacks a family of the set, or is partial and the reflector
 *   is not.
 *
 * @example
 * ```ts
 * import { silentLogger } from "../log/mod.ts";
 * import { fitSnapshotToFamilies } from "./partial_snapshot.ts";
 *
 * fitSnapshotToFamilies("/var/spool/ctlstore/ldb.db.tmp", ["accounts", "ctlstore"], silentLogger);
 * ```
 */
export function fitSnapshotToFamilies(
  path: string,
  families: readonly string[] | undefined,
  log: Logger,
): SnapshotTrim {
  const trim: SnapshotTrim = { tables: 0, families: 0, historyEntries: 0 };
  const db = new DatabaseSync(path);
  try {
    const held = readLdbFamilies(db);
    if (families === undefined) {
      if (held !== undefined) {
        throw new Error(
          `the snapshot holds only ${describeFamilies(held)}, but this reflector is for every ` +
            `family: bootstrap it from a snapshot of a full LDB`,
        );
      }
      return trim;
    }
    const missing = held?.filter((family) => !families.includes(family)) ?? [];
    const lacking = held === undefined ? [] : families.filter((family) => !held.includes(family));
    if (lacking.length > 0) {
      throw new Error(
        `the snapshot holds only ${describeFamilies(held)}, but this reflector is for ` +
          `${describeFamilies(families)}: bootstrap it from a snapshot that also holds ` +
          `${describeFamilies(lacking)}`,
      );
    }
    if (held !== undefined && missing.length === 0) return trim;
    const carried = new Set(families);
    const others = new Set<string>();
    db.exec("BEGIN IMMEDIATE");
    try {
      const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all()
        .map((row) => String(row.name));
      for (const table of tables) {
        const family = parseLdbTableName(table)?.family;
        if (family === undefined || carried.has(family)) continue;
        db.exec(`DROP TABLE ${quoteIdentifier(table)}`);
        others.add(family);
        trim.tables++;
      }
      writeLdbFamilies(db, families);
      if (tables.includes(CHANGES_TABLE)) {
        for (const row of db.prepare(`SELECT DISTINCT family FROM ${CHANGES_TABLE}`).all()) {
          if (!carried.has(String(row.family))) others.add(String(row.family));
        }
        trim.historyEntries = Number(
          db.prepare(
            `DELETE FROM ${CHANGES_TABLE} WHERE family NOT IN (SELECT family FROM ${FAMILIES_TABLE})`,
          ).run().changes,
        );
      }
      db.exec("COMMIT");
    } catch (error) {
      db.exec("ROLLBACK");
      throw error;
    }
    trim.families = others.size;
    if (trim.tables > 0 || trim.historyEntries > 0) {
      // Dropped pages keep their bytes until overwritten; VACUUM rewrites the file without them.
      db.exec("VACUUM");
      log.warn(
        `the snapshot holds more than this host may see (${describeFamilies(held)}); ` +
          "removed the other families before using it",
        { keeps: describeFamilies(families), ...trim },
      );
    }
    return trim;
  } finally {
    db.close();
  }
}
