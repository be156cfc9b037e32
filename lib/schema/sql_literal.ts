/**
 * SQL literals for the generated ledger statements, byte-identical to the original's `SQLQuote`
 * (spec §6.1): numbers in Go `FormatFloat(v, 'f', -1, 64)` form, strings single-quoted with
 * `'` doubled, strings containing NUL and byte arrays as `x'<hex>'`. Statement templates live in
 * `sql_gen.ts`.
 *
 * @module
 */

/**
 * A value that can be written as a SQL literal: what a validated mutation value becomes.
 *
 * @example A row of values
 * ```ts
 * import type { SqlValue } from "./sql_literal.ts";
 *
 * const row: SqlValue[] = [1, "it's", new Uint8Array([0xde, 0xad]), null];
 * ```
 */
export type SqlValue = null | boolean | number | bigint | string | Uint8Array;

const encoder = new TextEncoder();

function splitDigits(text: string): { digits: string; point: number } {
  const [mantissa = "", exponent] = text.split("e");
  const [intPart = "", fracPart = ""] = mantissa.split(".");
  const all = intPart + fracPart;
  const leading = all.length - all.replace(/^0+/, "").length;
  const digits = all.slice(leading).replace(/0+$/, "");
  return { digits, point: intPart.length + Number(exponent ?? 0) - leading };
}

/**
 * Formats a float64 like Go's `strconv.FormatFloat(v, 'f', -1, 64)`: the shortest digit string
 * that reads back as the same double, in plain positional notation (never an exponent).
 * Negative zero is `-0`; NaN and infinities are `NaN`, `+Inf` and `-Inf` as in Go.
 *
 * @param value The number to format.
 * @returns The positional decimal text.
 *
 * @example Large and small numbers
 * ```ts
 * import { formatGoFloat } from "./sql_literal.ts";
 *
 * console.log(formatGoFloat(1e21)); // 1000000000000000000000
 * console.log(formatGoFloat(1e-7)); // 0.0000001
 * console.log(formatGoFloat(10.5)); // 10.5
 * ```
 */
export function formatGoFloat(value: number): string {
  if (Number.isNaN(value)) return "NaN";
  if (value === Infinity) return "+Inf";
  if (value === -Infinity) return "-Inf";
  if (value === 0) return Object.is(value, -0) ? "-0" : "0";
  const sign = value < 0 ? "-" : "";
  const { digits, point } = splitDigits(String(Math.abs(value)));
  if (point <= 0) return `${sign}0.${"0".repeat(-point)}${digits}`;
  if (point >= digits.length) return sign + digits + "0".repeat(point - digits.length);
  return `${sign}${digits.slice(0, point)}.${digits.slice(point)}`;
}

function hexLiteral(bytes: Uint8Array): string {
  let hex = "";
  for (const byte of bytes) hex += byte.toString(16).padStart(2, "0");
  return `x'${hex}'`;
}

/**
 * Renders one value as a SQL literal exactly as the original does: `NULL`, `true`/`false`,
 * numbers via {@linkcode formatGoFloat}, bigints as their decimal digits, strings quoted with
 * `'` doubled (other bytes verbatim), strings containing NUL and byte arrays as lowercase
 * `x'<hex>'`.
 *
 * @param value The value.
 * @returns The literal text.
 *
 * @example Literals
 * ```ts
 * import { sqlLiteral } from "./sql_literal.ts";
 *
 * console.log(sqlLiteral("it's")); // 'it''s'
 * console.log(sqlLiteral(new Uint8Array([0xde, 0xad, 0xbe, 0xef]))); // x'deadbeef'
 * console.log(sqlLiteral(9223372036854775807n)); // 9223372036854775807
 * ```
 */
export function sqlLiteral(value: SqlValue): string {
  if (value === null) return "NULL";
  switch (typeof value) {
    case "boolean":
      return value ? "true" : "false";
    case "number":
      return formatGoFloat(value);
    case "bigint":
      return value.toString();
    case "string":
      if (value.includes("\0")) return hexLiteral(encoder.encode(value));
      return `'${value.replaceAll("'", "''")}'`;
    default:
      return hexLiteral(value);
  }
}
