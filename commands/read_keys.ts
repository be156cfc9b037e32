// deno-lint-ignore-file no-console
/**
 * `ctlstore read-keys [key…]`: prints one row of a local LDB as a `COLUMN VALUE` table
 * (spec §3, the original `ctlstore-cli read-keys`).
 *
 * @module
 */
import type { KeyPart, TableInfo } from "../lib/mod.ts";
import { CliError, defineCommand } from "./_command.ts";
import { FAMILY_FLAG, formatTable, TABLE_FLAG } from "./_admin.ts";
import { checkKeyLength, LDB_FLAG, openReader, readerCall } from "./_ldb.ts";

const HEX_KEY = /^0x[0-9a-fA-F]*$/;
const INTEGER_TEXT = /^[+-]?\d+$/;

/**
 * Turns command-line keys into key parts: `0x…` is hex bytes, digits for an integer key
 * column are a number (bigint beyond 2^53), anything else a string.
 */
function parseKeys(args: string[], info: TableInfo): KeyPart[] {
  return args.map((arg, i) => {
    if (HEX_KEY.test(arg)) {
      const hex = arg.slice(2);
      if (hex.length % 2 !== 0) throw new CliError(`invalid key '${arg}': odd length hex string`);
      return Uint8Array.fromHex(hex);
    }
    if (info.keyColumns[i]?.fieldType === "integer" && INTEGER_TEXT.test(arg)) {
      const value = BigInt(arg);
      return Number.isSafeInteger(Number(value)) ? Number(value) : value;
    }
    return arg;
  });
}

/** Go's `%v` of a float64: shortest digits, exponent form below 1e-4 and from 1e6 (`1e+06`). */
function formatFloatV(value: number): string {
  if (Number.isNaN(value)) return "NaN";
  if (!Number.isFinite(value)) return value > 0 ? "+Inf" : "-Inf";
  if (value === 0) return Object.is(value, -0) ? "-0" : "0";
  const [mantissa, exponent] = value.toExponential().split("e") as [string, string];
  const exp = Number(exponent);
  if (exp >= -4 && exp < 6) return String(value);
  const sign = exp < 0 ? "-" : "+";
  return `${mantissa}e${sign}${String(Math.abs(exp)).padStart(2, "0")}`;
}

/** A value as the original prints it: Go `%v`, bytes as `0x<hex>`. */
function formatValue(value: unknown, decimal: boolean): string {
  if (value === null || value === undefined) return "<nil>";
  if (value instanceof Uint8Array) {
    return "0x" + value.toHex();
  }
  if (typeof value === "number") {
    return Number.isInteger(value) && !decimal ? String(value) : formatFloatV(value);
  }
  return String(value);
}

/** The `read-keys` command. */
export const readKeysCommand = defineCommand({
  name: "read-keys",
  summary: "print a row of a local LDB by its primary key",
  args: "[key…]",
  description: "Looks up a row in a local LDB and prints it as a COLUMN VALUE table, columns " +
    "sorted by name. Keys matching ^0x[0-9a-fA-F]*$ are hex bytes, others strings (digits for an " +
    "integer key column are numbers). Put '--' before keys starting with '-'.",
  flags: {
    ...LDB_FLAG,
    ...FAMILY_FLAG,
    ...TABLE_FLAG,
    quiet: { type: "bool", short: "q", help: "omit the header line" },
  },
  run(values, positionals) {
    const { family, table } = values;
    using reader = openReader(values.ldb);
    const info = readerCall(() => reader.tableInfo(family, table));
    checkKeyLength(info, positionals.length);
    const key = parseKeys(positionals, info);
    const row = readerCall(() => reader.getRowByKey(family, table, key));
    if (row === undefined) throw new CliError("Not found");
    const decimal = new Set(
      info.columns.filter((c) => c.fieldType === "decimal").map((c) => c.name),
    );
    const lines = values.quiet ? [] : [["COLUMN", "VALUE"], ["------", "-----"]];
    for (const name of Object.keys(row).sort()) {
      lines.push([name, formatValue(row[name], decimal.has(name))]);
    }
    console.log(formatTable(lines).slice(0, -1));
    return Promise.resolve();
  },
});
