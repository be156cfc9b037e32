/**
 * JSON in and out with the conventions ctlstore needs (DESIGN §3.3, spec §10.6, §20 item 7):
 * parsing that keeps integer literals beyond 2^53 exact as `bigint`, and output that follows
 * Go's `encoding/json` (HTML-safe escapes, Go float formatting, `[]byte` as base64, optional
 * sorted map keys). This module does not decide which values a column accepts; see
 * `field_values.ts`.
 *
 * @module
 */

import { encodeBase64 } from "./_base64.ts";

// A safe integer has at most 16 digits, so text without a 16-digit run parses exactly as is.
const LONG_DIGITS = /\d{16}/;
const NOT_INTEGER_LITERAL = /[.eE]/;

interface ReviverContext {
  source?: string;
}

function exactIntegers(_key: string, value: unknown, context?: ReviverContext): unknown {
  if (
    typeof value === "number" && !Number.isSafeInteger(value) && context?.source !== undefined &&
    !NOT_INTEGER_LITERAL.test(context.source)
  ) {
    return BigInt(context.source);
  }
  return value;
}

/**
 * Parses JSON like `JSON.parse`, except that an integer literal (no `.`, `e` or `E`) outside
 * ±(2^53 − 1) becomes a `bigint` with its exact digits. Every other number stays a `number`.
 *
 * @param text The JSON text.
 * @returns The parsed value.
 * @throws {SyntaxError} When `text` is not valid JSON.
 *
 * @example Keep a large id exact
 * ```ts
 * import { parseJsonExact } from "./json.ts";
 *
 * const value = parseJsonExact('{"id":1700000000123456789,"x":1.5}') as { id: bigint; x: number };
 * console.log(value.id); // 1700000000123456789n
 * ```
 */
export function parseJsonExact(text: string): unknown {
  if (!LONG_DIGITS.test(text)) return JSON.parse(text);
  return JSON.parse(text, exactIntegers as (key: string, value: unknown) => unknown);
}

const HTML_UNSAFE = /[<>&\u2028\u2029]/g;
const ESCAPES: Record<string, string> = {
  "<": "\\u003c",
  ">": "\\u003e",
  "&": "\\u0026",
  "\u2028": "\\u2028",
  "\u2029": "\\u2029",
};

function goString(text: string): string {
  const json = JSON.stringify(text.isWellFormed() ? text : text.toWellFormed());
  return json.replace(HTML_UNSAFE, (c) => ESCAPES[c]!);
}

function goNumber(value: number): string {
  if (!Number.isFinite(value)) throw new TypeError(`json: unsupported value: ${value}`);
  // JS switches to exponent form at the same thresholds as Go (1e-6, 1e21) with the same text.
  return Object.is(value, -0) ? "-0" : String(value);
}

function codeUnitRank(c: number): number {
  // Surrogates encode code points above U+FFFF, so they sort after U+E000..U+FFFF.
  return c >= 0xd800 && c <= 0xdfff ? c + 0x10000 : c;
}

/** Go sorts map keys by UTF-8 bytes, which is code point order. */
function compareKeys(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) return codeUnitRank(x) - codeUnitRank(y);
  }
  return a.length - b.length;
}

function encode(value: unknown, sortKeys: boolean, out: string[]): void {
  if (value === null || value === undefined) {
    out.push("null");
    return;
  }
  switch (typeof value) {
    case "string":
      out.push(goString(value));
      return;
    case "number":
      out.push(goNumber(value));
      return;
    case "bigint":
      out.push(value.toString());
      return;
    case "boolean":
      out.push(value ? "true" : "false");
      return;
    case "object":
      break;
    default:
      throw new TypeError(`json: unsupported type: ${typeof value}`);
  }
  if (value instanceof Uint8Array) {
    out.push(`"${encodeBase64(value)}"`);
    return;
  }
  if (Array.isArray(value)) {
    out.push("[");
    value.forEach((item, i) => {
      if (i > 0) out.push(",");
      encode(item, sortKeys, out);
    });
    out.push("]");
    return;
  }
  const toJSON = (value as { toJSON?: unknown }).toJSON;
  if (typeof toJSON === "function") {
    encode(toJSON.call(value), sortKeys, out);
    return;
  }
  const entries = value instanceof Map
    ? [...value].map(([k, v]) => [String(k), v] as [string, unknown])
    : Object.entries(value);
  if (sortKeys) {
    entries.sort((a, b) => compareKeys(a[0], b[0]));
  }
  out.push("{");
  let first = true;
  for (const [key, item] of entries) {
    if (item === undefined) continue;
    if (!first) out.push(",");
    first = false;
    out.push(goString(key), ":");
    encode(item, sortKeys, out);
  }
  out.push("}");
}

/**
 * Serializes a value the way Go's `encoding/json` `Marshal` does, without a trailing newline:
 * `<`, `>`, `&`, U+2028 and U+2029 escaped as `\u003c` etc., numbers in Go's float64 form
 * (`1e+21`, `1e-7`, `-0`), `bigint` as its digits, `Uint8Array` as standard padded base64,
 * `Map`s and plain objects as JSON objects (properties whose value is `undefined` skipped),
 * `toJSON()` honoured, lone surrogates replaced by U+FFFD.
 *
 * @param value The value to encode.
 * @param options `sortKeys`: sort object keys in code point order at every level, as Go does
 *   for maps; otherwise insertion order (Go struct field order).
 * @returns The JSON text.
 * @throws {TypeError} For NaN, infinities, functions and symbols, which Go cannot encode.
 *
 * @example A sidecar row
 * ```ts
 * import { stringifyGoJson } from "./json.ts";
 *
 * const row = { name: "<b>", id: 9007199254740993n, data: new Uint8Array([0xde, 0xad]) };
 * console.log(stringifyGoJson(row, { sortKeys: true }));
 * // {"data":"3q0=","id":9007199254740993,"name":"\u003cb\u003e"}
 * ```
 */
export function stringifyGoJson(value: unknown, options?: { sortKeys?: boolean }): string {
  const out: string[] = [];
  encode(value, options?.sortKeys ?? false, out);
  return out.join("");
}
