/**
 * A synthetic ledger for the crash test and the reflector benchmark: two families (`fam`, `oth`)
 * of two tables each, single upserts and deletes and `--- BEGIN`/`--- COMMIT` brackets of 2–8
 * statements of one family (as the executive writes them), generated with `lib/schema` from a
 * seeded PRNG, plus the final table contents, loaded straight into a ctldb (ledger rows and
 * matching family tables). Each family gets about half of the statements, so a partial
 * reflector of one family skips about half of the ledger.
 *
 * @module
 */
import type { Ctldb } from "../../lib/ctldb/mod.ts";
import {
  createTableSql,
  deleteRowSql,
  type FieldDef,
  LEDGER_BEGIN,
  LEDGER_COLUMN_TYPES,
  LEDGER_COMMIT,
  type SqlValue,
  upsertSql,
} from "../../lib/schema/mod.ts";

interface TableSpec {
  name: string;
  family: string;
  /** `alpha`: integer key, text and decimal; `beta`: text and integer key, bytes. */
  shape: "alpha" | "beta";
  fields: FieldDef[];
  keys: string[];
}

function tableSpec(family: string, table: string, shape: "alpha" | "beta"): TableSpec {
  const name = `${family}___${table}`;
  return shape === "alpha"
    ? {
      name,
      family,
      shape,
      fields: [{ name: "id", type: "integer" }, { name: "name", type: "string" }, {
        name: "score",
        type: "decimal",
      }],
      keys: ["id"],
    }
    : {
      name,
      family,
      shape,
      fields: [{ name: "tag", type: "string" }, { name: "id", type: "integer" }, {
        name: "data",
        type: "bytestring",
      }],
      keys: ["tag", "id"],
    };
}

/** The families of the synthetic ledger. */
export const FAMILIES = ["fam", "oth"] as const;

/** The family tables of the synthetic ledger: an alpha and a beta table per family. */
export const TABLES: TableSpec[] = [
  tableSpec("fam", "alpha", "alpha"),
  tableSpec("fam", "beta", "beta"),
  tableSpec("oth", "gamma", "alpha"),
  tableSpec("oth", "delta", "beta"),
];

/** A generated ledger. */
export interface SyntheticLedger {
  /** Statements; statement `i` has seq `i + 1`. */
  statements: string[];
  /** Seqs at which a committed LDB would be inside a bracket (never allowed). */
  insideBracket: Set<number>;
  /** Final rows per table, by key text. */
  finalRows: Map<string, Map<string, SqlValue[]>>;
  /** Every upserted row in order (for a bare-insert comparison). */
  upserts: { table: string; values: SqlValue[] }[];
  /**
   * The change history a reflector must record, in ledger order: one entry per table created
   * (`schema`), upsert and delete of an existing row; a delete of an absent row changes nothing.
   */
  history: ExpectedChange[];
}

/** An entry of {@linkcode SyntheticLedger.history}. */
export interface ExpectedChange {
  seq: number;
  /** The seq of the bracket's `--- BEGIN`, or `seq` for a lone statement. */
  tx: number;
  table: string;
  op: "schema" | "upsert" | "delete";
  /** Key column name to value; empty for `schema`. */
  key: Record<string, SqlValue>;
}

function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Generates at least `count` ledger statements.
 *
 * @example
 * ```ts
 * const ledger = generateLedger(20_000, 1);
 * ```
 */
export function generateLedger(count: number, seed: number): SyntheticLedger {
  const random = prng(seed);
  const statements: string[] = [];
  const history: ExpectedChange[] = [];
  for (const table of TABLES) {
    const seq = statements.push(
      createTableSql(LEDGER_COLUMN_TYPES, table.name, table.fields, table.keys),
    );
    history.push({ seq, tx: seq, table: table.name, op: "schema", key: {} });
  }
  const insideBracket = new Set<number>();
  const finalRows = new Map(TABLES.map((t) => [t.name, new Map<string, SqlValue[]>()]));
  const upserts: SyntheticLedger["upserts"] = [];
  const keySpace = Math.max(100, Math.floor(count / 3));
  const pickFamily = () => FAMILIES[random() < 0.5 ? 0 : 1]!;
  /** Appends one change of `family` at `tx` (`undefined`: a lone statement). */
  const change = (family: string, tx?: number) => {
    const table = TABLES.filter((t) => t.family === family)[random() < 0.6 ? 0 : 1]!;
    const rows = finalRows.get(table.name)!;
    const n = Math.floor(random() * keySpace);
    const key: SqlValue[] = table.shape === "alpha" ? [n] : [`tag-${n % 50}`, n];
    const keyText = JSON.stringify(key);
    const seq = statements.length + 1;
    const entry = {
      seq,
      tx: tx ?? seq,
      table: table.name,
      key: Object.fromEntries(table.keys.map((name, i) => [name, key[i]!])),
    };
    if (random() < 0.15 && rows.size > 0) {
      if (rows.delete(keyText)) history.push({ ...entry, op: "delete" });
      statements.push(deleteRowSql(table.name, table.keys, key));
      return;
    }
    const values: SqlValue[] = table.shape === "alpha"
      ? [n, `name ${n} it's <${Math.floor(random() * 1000)}>`, n + 0.25]
      : [`tag-${n % 50}`, n, new Uint8Array([n & 255, (n >> 8) & 255, 7])];
    rows.set(keyText, values);
    upserts.push({ table: table.name, values });
    history.push({ ...entry, op: "upsert" });
    statements.push(upsertSql(table.name, table.fields.map((f) => f.name), values));
  };
  while (statements.length < count) {
    if (random() < 0.3) {
      const size = 2 + Math.floor(random() * 7);
      const tx = statements.push(LEDGER_BEGIN);
      const family = pickFamily();
      for (let i = 0; i < size; i++) {
        insideBracket.add(statements.length);
        change(family, tx);
      }
      insideBracket.add(statements.length);
      statements.push(LEDGER_COMMIT);
    } else {
      change(pickFamily());
    }
  }
  return { statements, insideBracket, finalRows, upserts, history };
}

/**
 * Writes the ledger rows and the matching family tables (MySQL DDL, final rows) to a ctldb
 * whose schema exists.
 *
 * @example
 * ```ts
 * await loadLedger(ctldb, generateLedger(20_000, 1));
 * ```
 */
export async function loadLedger(ctldb: Ctldb, ledger: SyntheticLedger): Promise<void> {
  const chunk = 1000;
  for (let start = 0; start < ledger.statements.length; start += chunk) {
    const part = ledger.statements.slice(start, start + chunk);
    await ctldb.exec(
      `INSERT INTO ctlstore_dml_ledger (seq, statement) VALUES ${
        part.map(() => "(?, ?)").join(",")
      }`,
      part.flatMap((statement, i) => [start + i + 1, statement]),
    );
  }
  for (const table of TABLES) {
    await ctldb.execDdl(createTableSql(ctldb.columnTypes, table.name, table.fields, table.keys));
    const rows = [...ledger.finalRows.get(table.name)!.values()];
    for (let start = 0; start < rows.length; start += chunk) {
      const part = rows.slice(start, start + chunk);
      const placeholders = `(${table.fields.map(() => "?").join(", ")})`;
      await ctldb.exec(
        `INSERT INTO ${table.name} VALUES ${part.map(() => placeholders).join(",")}`,
        part.flat() as (string | number | Uint8Array | null)[],
      );
    }
  }
}

/** A row as comparable text: integers (number or bigint) as digit strings, bytes as hex. */
export function rowText(row: Record<string, unknown>, columns: string[]): string {
  return JSON.stringify(columns.map((column) => {
    const value = row[column];
    if (value instanceof Uint8Array) return `x${[...value].map((b) => b.toString(16)).join(",")}`;
    if (typeof value === "bigint" || Number.isInteger(value)) return String(value);
    return value;
  }));
}
