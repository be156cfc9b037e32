/**
 * Partial LDBs (DESIGN §7): which families a reflector carries and which ledger statements it
 * therefore applies. The family set comes from `-families` (the heartbeat family is added unless
 * excluded with `-<name>`), is recorded in the LDB (`lib/ldb/families.ts`) and cannot change
 * afterwards: an LDB that skipped another family's statements can never get them back, so a
 * different set needs a new LDB (a re-bootstrap).
 *
 * A statement belongs to the family of the table it names (`<family>___<table>`, decoded by
 * `parseLdbTableName` from the table `statement.ts` found): upserts, deletes, clears and table
 * DDL (create, alter, drop). Statements of other families are not executed, yet `_ldb_seq` and
 * `_ldb_last_update` advance over them as over any other entry, so the applied seq, waits for a
 * seq and the ledger latency mean what they mean on a full LDB. Brackets (`--- BEGIN` …
 * `--- COMMIT`) are kept whole by the applier; since the executive writes one family per
 * request, a bracket is either applied entirely or skipped entirely. A bracket mixing families
 * (no ctlstore writer produces one) gets the carried family's statements applied, atomically,
 * and the others skipped: the partial LDB is then exactly the carried projection of the ledger,
 * and treating it as an error would stall the reflector on an entry it can never apply.
 * Statements that name no family table (unknown SQL, DDL without a table) are skipped on a
 * partial LDB with a warning: a partial host applies only what it can attribute to its
 * families. This module does not execute statements (`applier.ts`) or trim snapshots
 * (`partial_snapshot.ts`).
 *
 * @module
 */
import type { DatabaseSync } from "node:sqlite";
import {
  describeFamilies,
  getLdbSeq,
  readLdbFamilies,
  sameFamilySet,
  writeLdbFamilies,
} from "../ldb/mod.ts";
import type { Logger } from "../log/mod.ts";
import type { Registry } from "../metrics/mod.ts";
import {
  DEFAULT_HEARTBEAT_FAMILY,
  NameError,
  normalizeFamilyName,
  parseLdbTableName,
} from "../schema/mod.ts";
import { reflectorMetrics } from "./metrics.ts";
import type { ParsedStatement } from "./statement.ts";

/**
 * Turns `-families` entries into the family set of a partial LDB: the listed families plus the
 * heartbeat family (`ctlstore`), which an entry `-ctlstore` excludes. Names are validated and
 * lower-cased; the result is sorted and free of duplicates.
 *
 * @param entries The entries, e.g. `["accounts", "billing"]` or `["accounts", "-ctlstore"]`.
 * @returns The set, or `undefined` (every family: a full LDB) when there are no entries.
 * @throws {TypeError} For an invalid name, an exclusion of anything but the heartbeat family,
 *   a family both listed and excluded, or a set left empty.
 *
 * @example
 * ```ts
 * import { resolveFamilySet } from "./family_filter.ts";
 *
 * resolveFamilySet(["Billing", "accounts"]); // ["accounts", "billing", "ctlstore"]
 * resolveFamilySet(["accounts", "-ctlstore"]); // ["accounts"]
 * resolveFamilySet([]); // undefined
 * ```
 */
export function resolveFamilySet(entries: readonly string[]): readonly string[] | undefined {
  if (entries.length === 0) return undefined;
  const listed = new Set<string>();
  const excluded = new Set<string>();
  for (const entry of entries) {
    const exclude = entry.startsWith("-");
    const family = familyName(exclude ? entry.slice(1) : entry);
    if (exclude && family !== DEFAULT_HEARTBEAT_FAMILY) {
      throw new TypeError(
        `invalid families entry "${entry}": only the heartbeat family, which is added ` +
          `implicitly, can be excluded (-${DEFAULT_HEARTBEAT_FAMILY})`,
      );
    }
    (exclude ? excluded : listed).add(family);
  }
  for (const family of excluded) {
    if (listed.has(family)) {
      throw new TypeError(`invalid families: ${family} is both listed and excluded`);
    }
  }
  if (!excluded.has(DEFAULT_HEARTBEAT_FAMILY)) listed.add(DEFAULT_HEARTBEAT_FAMILY);
  if (listed.size === 0) throw new TypeError("invalid families: no family is left to carry");
  return [...listed].sort();
}

function familyName(name: string): string {
  try {
    return normalizeFamilyName(name);
  } catch (error) {
    if (error instanceof NameError) {
      throw new TypeError(`invalid families entry "${name}": ${error.message}`);
    }
    throw error;
  }
}

/**
 * The `families` label value of the family-set metrics: the families joined by commas, or `*`
 * for a full LDB (no family name contains `*` or `,`).
 *
 * @example
 * ```ts
 * import { familiesLabel } from "./family_filter.ts";
 *
 * familiesLabel(["accounts", "ctlstore"]); // "accounts,ctlstore"
 * familiesLabel(undefined); // "*"
 * ```
 */
export function familiesLabel(families: readonly string[] | undefined): string {
  return families === undefined ? "*" : families.join(",");
}

/**
 * Decides, statement by statement, what a partial LDB applies.
 *
 * @example
 * ```ts
 * import { silentLogger } from "../log/mod.ts";
 * import { FamilyFilter } from "./family_filter.ts";
 * import { parseStatement } from "./statement.ts";
 *
 * const filter = new FamilyFilter(["accounts", "ctlstore"], silentLogger);
 * filter.carries(parseStatement(`DELETE FROM billing___invoices`), 7); // false
 * filter.carries(parseStatement(`REPLACE INTO accounts___users ("id") VALUES(1)`), 8); // true
 * ```
 */
export class FamilyFilter {
  /** The carried families, sorted. */
  readonly families: readonly string[];
  readonly #carried: ReadonlySet<string>;
  readonly #log: Logger;
  /** Physical table name to whether it is carried; `null` for a table of no family. */
  readonly #tables = new Map<string, boolean | null>();

  /**
   * @param families The carried families, normalized (see {@linkcode resolveFamilySet}).
   * @param log Where statements of no family are reported.
   */
  constructor(families: readonly string[], log: Logger) {
    this.families = families;
    this.#carried = new Set(families);
    this.#log = log;
  }

  /**
   * Tells whether the LDB applies a statement: markers always, family statements when their
   * family is carried, statements of no family never (with a warning).
   *
   * @param parsed The classified statement.
   * @param seq Its ledger seq, for the warning.
   */
  carries(parsed: ParsedStatement, seq: number): boolean {
    if (parsed.kind === "begin" || parsed.kind === "commit") return true;
    const table = parsed.kind === "upsert" || parsed.kind === "delete" || parsed.kind === "ddl"
      ? parsed.table
      : undefined;
    const carried = table === undefined ? null : this.#carriesTable(table);
    if (carried !== null) return carried;
    this.#log.warn("skipping a ledger statement that names no family table (partial LDB)", {
      seq,
      kind: parsed.kind,
    });
    return false;
  }

  #carriesTable(table: string): boolean | null {
    let carried = this.#tables.get(table);
    if (carried === undefined) {
      const family = parseLdbTableName(table)?.family;
      carried = family === undefined ? null : this.#carried.has(family);
      this.#tables.set(table, carried);
    }
    return carried;
  }
}

/**
 * Checks that an LDB holds the family set a reflector is configured for, before it applies
 * anything. An LDB that has applied nothing yet (`_ldb_seq` 0) takes the configured set; any
 * other LDB must already have it recorded (no record: a full LDB).
 *
 * @param db The LDB, opened for writing, no transaction open.
 * @param families The configured set (`undefined`: every family).
 * @param ldbPath The LDB's path, for the message.
 * @throws {Error} One line naming both sets when they differ.
 *
 * @example
 * ```ts
 * import { openLdbForWrite } from "../ldb/mod.ts";
 * import { checkLdbFamilySet } from "./family_filter.ts";
 *
 * checkLdbFamilySet(openLdbForWrite("/tmp/ldb.db"), ["accounts", "ctlstore"], "/tmp/ldb.db");
 * ```
 */
export function checkLdbFamilySet(
  db: DatabaseSync,
  families: readonly string[] | undefined,
  ldbPath: string,
): void {
  db.exec("BEGIN IMMEDIATE");
  try {
    const recorded = readLdbFamilies(db);
    if (!sameFamilySet(recorded, families)) {
      if (getLdbSeq(db) !== 0) {
        throw new Error(
          `the LDB at ${ldbPath} holds ${describeFamilies(recorded)}, but this reflector is ` +
            `configured for ${describeFamilies(families)}; the family set of an LDB cannot ` +
            `change: remove the LDB file (with its -wal and -shm) to bootstrap a new one`,
        );
      }
      writeLdbFamilies(db, families);
    }
    db.exec("COMMIT");
  } catch (error) {
    db.exec("ROLLBACK");
    throw error;
  }
}

/**
 * Exports a reflector's family set as the `ldb_families_info` metric (and, for a partial LDB, the
 * skipped-statements counter from 0) and logs it.
 *
 * @param registry The reflector's registry.
 * @param id The reflector ID (`id` label).
 * @param families The carried families; `undefined` for every family.
 * @param log Where a partial LDB is announced.
 *
 * @example
 * ```ts
 * import { silentLogger } from "../log/mod.ts";
 * import { createRegistry } from "../metrics/mod.ts";
 * import { reportFamilySet } from "./family_filter.ts";
 *
 * reportFamilySet(createRegistry("reflector", "0.1.0"), "ldb.db-0", ["accounts"], silentLogger);
 * ```
 */
export function reportFamilySet(
  registry: Registry,
  id: string,
  families: readonly string[] | undefined,
  log: Logger,
): void {
  const metrics = reflectorMetrics(registry);
  metrics.ldbFamilies.set({ id, families: familiesLabel(families) }, 1);
  if (families === undefined) return;
  metrics.statementsSkipped.inc({ id }, 0);
  log.info("partial LDB: only the statements of its families are applied", {
    families: familiesLabel(families),
  });
}
