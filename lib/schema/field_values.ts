/**
 * Strict checking of mutation values against their column types (DESIGN §3.2), so that a
 * statement ctldb accepts always applies identically on every SQLite LDB. Values come from
 * {@linkcode parseJsonExact}; the result is ready for `sql_gen.ts`. Whether a key column may be
 * null is the caller's concern.
 *
 * @module
 */

import { Base64Error, decodeBase64 } from "./_base64.ts";
import type { FieldType } from "./field_types.ts";
import { MAX_BYTESTRING_BYTES, MAX_STRING_FIELD_CHARS } from "./limits.ts";
import { formatGoFloat, type SqlValue } from "./sql_literal.ts";

/**
 * A mutation value that its column cannot hold. The message names the field; the executive
 * answers it with HTTP 400.
 *
 * @example Report a bad value
 * ```ts
 * import { coerceFieldValue, ValueError } from "./field_values.ts";
 *
 * try {
 *   coerceFieldValue("integer", "id", 1.5);
 * } catch (e) {
 *   if (e instanceof ValueError) console.log(e.field, e.message);
 * }
 * ```
 */
export class ValueError extends Error {
  /**
   * Creates the error.
   *
   * @param field The field whose value was rejected.
   * @param detail What was wrong; the message is `field '<field>': <detail>`.
   * @param options Standard error options (cause).
   */
  constructor(readonly field: string, detail: string, options?: ErrorOptions) {
    super(`field '${field}': ${detail}`, options);
    this.name = "ValueError";
  }
}

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  return typeof value;
}

function codePointLength(text: string): number {
  let length = 0;
  for (const _ of text) length++;
  return length;
}

/**
 * Tells whether a number is an integer within the signed 64-bit range of an `integer` column.
 *
 * @param value A number or bigint.
 * @returns Whether it is integral and within −2^63 … 2^63 − 1.
 *
 * @example
 * ```ts
 * import { isInt64 } from "./field_values.ts";
 *
 * isInt64(9223372036854775807n); // true
 * isInt64(9223372036854775808n); // false
 * isInt64(1.5); // false
 * ```
 */
export function isInt64(value: number | bigint): boolean {
  if (typeof value === "bigint") return value >= INT64_MIN && value <= INT64_MAX;
  return Number.isInteger(value) && value >= -(2 ** 63) && value < 2 ** 63;
}

/**
 * A scalar for a string or text column. Integers within int64 and booleans read back as the same
 * text on MySQL and SQLite, so they pass through as the original writes them; other numbers would
 * not (SQLite renders reals with 15 digits), so they become their exact decimal text.
 */
function coerceScalarText(field: string, value: unknown): string | number | bigint | boolean {
  switch (typeof value) {
    case "string":
    case "boolean":
      return value;
    case "number":
      coerceDecimal(field, value);
      return isInt64(value) ? value : formatGoFloat(value);
    case "bigint":
      return isInt64(value) ? value : value.toString();
    default:
      throw new ValueError(field, `expected a string, got ${describe(value)}`);
  }
}

function coerceString(field: string, value: unknown): string | number | bigint | boolean {
  const scalar = coerceScalarText(field, value);
  const text = typeof scalar === "string" ? scalar : String(scalar);
  if (text.length > MAX_STRING_FIELD_CHARS) {
    const length = codePointLength(text);
    if (length > MAX_STRING_FIELD_CHARS) {
      throw new ValueError(
        field,
        `string values can be at most ${MAX_STRING_FIELD_CHARS} characters, got ${length}`,
      );
    }
  }
  return scalar;
}

function coerceInteger(field: string, value: unknown): number | bigint {
  if (typeof value === "bigint") {
    if (!isInt64(value)) {
      throw new ValueError(field, `integer ${value} is outside the 64-bit range`);
    }
    return value;
  }
  if (typeof value !== "number") {
    throw new ValueError(field, `expected an integer, got ${describe(value)}`);
  }
  if (!Number.isInteger(value)) {
    throw new ValueError(field, `expected an integer, got ${formatGoFloat(value)}`);
  }
  if (!isInt64(value)) {
    throw new ValueError(field, `integer ${formatGoFloat(value)} is outside the 64-bit range`);
  }
  return value;
}

function coerceDecimal(field: string, value: unknown): number {
  const number = typeof value === "bigint" ? Number(value) : value;
  if (typeof number !== "number") {
    throw new ValueError(field, `expected a number, got ${describe(value)}`);
  }
  if (!Number.isFinite(number)) {
    throw new ValueError(field, "numbers must be finite");
  }
  return number;
}

function coerceBytes(type: "binary" | "bytestring", field: string, value: unknown): Uint8Array {
  if (typeof value !== "string") throw new ValueError(field, "maybeDecodeBase64 input not string");
  let bytes: Uint8Array;
  try {
    bytes = decodeBase64(value);
  } catch (e) {
    if (!(e instanceof Base64Error)) throw e;
    throw new ValueError(field, `maybeDecodeBase64: ${e.message}`, { cause: e });
  }
  if (type === "bytestring" && bytes.length > MAX_BYTESTRING_BYTES) {
    throw new ValueError(
      field,
      `bytestring values can be at most ${MAX_BYTESTRING_BYTES} bytes, got ${bytes.length}`,
    );
  }
  return bytes;
}

/**
 * Checks one mutation value against its column type and returns what to write:
 * - any type: `null` stays `null`; objects and arrays are rejected;
 * - `string`: a string, number, bigint or boolean whose text is at most 191 characters;
 *   integers within int64 and booleans pass through (the original writes them as literals),
 *   other numbers become their exact decimal text so MySQL and SQLite store the same string;
 * - `text`: the same without the length limit;
 * - `integer`: an integral number or bigint within the 64-bit signed range;
 * - `decimal`: a finite number (a bigint becomes a number);
 * - `binary` / `bytestring`: standard padded base64 text, decoded to bytes (bytestring at most
 *   255 bytes), with Go's error messages.
 *
 * @param type The column's field type.
 * @param field The column name, used in error messages.
 * @param value The decoded JSON value (from {@linkcode parseJsonExact}).
 * @returns The value to pass to the SQL generator.
 * @throws {ValueError} When the column cannot hold the value.
 *
 * @example Decode a bytestring and accept an integer
 * ```ts
 * import { coerceFieldValue } from "./field_values.ts";
 *
 * console.log(coerceFieldValue("bytestring", "data", "3q2+7w==")); // Uint8Array [222, 173, 190, 239]
 * console.log(coerceFieldValue("integer", "id", 9223372036854775807n)); // 9223372036854775807n
 * ```
 */
export function coerceFieldValue(type: FieldType, field: string, value: unknown): SqlValue {
  if (value === null) return null;
  if (value === undefined) throw new ValueError(field, "missing value");
  if (typeof value === "object") {
    throw new ValueError(field, "objects and arrays are not supported");
  }
  switch (type) {
    case "string":
      return coerceString(field, value);
    case "text":
      return coerceScalarText(field, value);
    case "integer":
      return coerceInteger(field, value);
    case "decimal":
      return coerceDecimal(field, value);
    case "binary":
    case "bytestring":
      return coerceBytes(type, field, value);
  }
}
