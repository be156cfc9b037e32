/**
 * Recognises the machine-generated ledger statements of spec §6 (`--- BEGIN`, `--- COMMIT`,
 * `REPLACE INTO <t> (…) VALUES(…)`, `DELETE FROM <t>[ WHERE …]`, DDL) so the reflector knows
 * which transaction marker it sees and which table a statement changes. Anything else is
 * `other`: it is still executed verbatim, it just yields no changelog entry. This module does
 * not execute anything.
 *
 * @module
 */
import { LEDGER_BEGIN, LEDGER_COMMIT } from "../schema/mod.ts";

/** What a ledger statement is, as far as the reflector cares. */
export type ParsedStatement =
  | { kind: "begin" }
  | { kind: "commit" }
  /** `REPLACE INTO <table> (…) VALUES(…)`: one row written. */
  | { kind: "upsert"; table: string }
  /** `DELETE FROM <table>` with an optional `WHERE` condition text. */
  | { kind: "delete"; table: string; where?: string }
  /**
   * `CREATE`, `ALTER` or `DROP`: changes the schema, no row keys. `table` is set for
   * `CREATE TABLE`, `ALTER TABLE` and `DROP TABLE`; `drop` tells a drop from the others.
   */
  | { kind: "ddl"; table?: string; drop: boolean }
  /** Any other SQL. */
  | { kind: "other" };

const IDENT = String.raw`"?([A-Za-z0-9_]+)"?`;
const UPSERT = new RegExp(
  String.raw`^(?:REPLACE|INSERT\s+OR\s+REPLACE)\s+INTO\s+${IDENT}\s*\(`,
  "i",
);
const DELETE = new RegExp(
  String.raw`^DELETE\s+FROM\s+${IDENT}(?:\s+WHERE\s+([\s\S]+?))?\s*;?\s*$`,
  "i",
);
const DDL = /^\s*(CREATE|ALTER|DROP)\s/i;
const TABLE_DDL = new RegExp(
  String.raw`^\s*(?:CREATE|ALTER|DROP)\s+TABLE\s+(?:IF\s+(?:NOT\s+)?EXISTS\s+)?${IDENT}`,
  "i",
);

/**
 * Classifies one ledger statement.
 *
 * @param statement The statement text exactly as stored in the ledger.
 * @returns Its kind and, for row changes, the physical table name and delete condition.
 *
 * @example
 * ```ts
 * import { parseStatement } from "./statement.ts";
 *
 * parseStatement(`DELETE FROM fam___tbl WHERE "id" = 1`);
 * // { kind: "delete", table: "fam___tbl", where: '"id" = 1' }
 * parseStatement("--- BEGIN"); // { kind: "begin" }
 * parseStatement("DROP TABLE IF EXISTS fam___tbl"); // { kind: "ddl", table: "fam___tbl", drop: true }
 * ```
 */
export function parseStatement(statement: string): ParsedStatement {
  if (statement === LEDGER_BEGIN) return { kind: "begin" };
  if (statement === LEDGER_COMMIT) return { kind: "commit" };
  const upsert = UPSERT.exec(statement);
  if (upsert) return { kind: "upsert", table: upsert[1]! };
  const del = DELETE.exec(statement);
  if (del) {
    return del[2] === undefined ? { kind: "delete", table: del[1]! } : {
      kind: "delete",
      table: del[1]!,
      where: del[2],
    };
  }
  const ddl = DDL.exec(statement);
  if (ddl) {
    const drop = ddl[1]!.toUpperCase() === "DROP";
    const table = TABLE_DDL.exec(statement)?.[1];
    return table === undefined ? { kind: "ddl", drop } : { kind: "ddl", table, drop };
  }
  return { kind: "other" };
}
