/**
 * Primary keys in the console's URLs and forms: each key part is one query parameter, typed as
 * text and parsed by its column's field type — integers exactly (64-bit, as `bigint`), strings
 * as given, binary columns as `0x`-prefixed hex or else the UTF-8 bytes of the text (as the
 * reader binds a string for a binary key). Links are made with {@linkcode keyPartText}, so a
 * key read from a row round-trips through a URL unchanged.
 *
 * @module
 */
import { HttpError } from "../http/mod.ts";
import type { KeyColumnInfo } from "../reader/mod.ts";
import { isInt64 } from "../schema/mod.ts";

/** A parsed key part, ready to bind. */
export type KeyValue = string | number | bigint | Uint8Array;

const INTEGER = /^[-+]?\d+$/;
const HEX = /^0x((?:[0-9a-fA-F]{2})*)$/;
const encoder = new TextEncoder();
const decoder = new TextDecoder("utf-8", { fatal: true });

function isBinary(column: KeyColumnInfo): boolean {
  return column.fieldType === "binary" || column.fieldType === "bytestring";
}

/**
 * Parses one key part typed for `column`.
 *
 * @throws {HttpError} 400 naming the column when the text is not a value of its type.
 * @example
 * ```ts
 * parseKeyPart({ name: "id", fieldType: "integer" } as KeyColumnInfo, "9007199254740993"); // 9007199254740993n
 * ```
 */
export function parseKeyPart(column: KeyColumnInfo, text: string): KeyValue {
  if (column.fieldType === "integer") {
    const value = INTEGER.test(text.trim()) ? BigInt(text.trim()) : undefined;
    if (value === undefined || !isInt64(value)) {
      throw new HttpError(
        400,
        `Invalid key: ${column.name} is an integer column, and "${text}" is not a 64-bit integer`,
      );
    }
    return value;
  }
  if (column.fieldType === "decimal") {
    const value = Number(text);
    if (text.trim() === "" || !Number.isFinite(value)) {
      throw new HttpError(400, `Invalid key: ${column.name} is a number column, not "${text}"`);
    }
    return value;
  }
  if (isBinary(column)) {
    const hex = HEX.exec(text);
    if (hex) return Uint8Array.fromHex(hex[1]!);
    if (/^0x/i.test(text)) {
      throw new HttpError(
        400,
        `Invalid key: ${column.name} is binary; "${text}" starts with 0x but is not whole bytes ` +
          "of hex",
      );
    }
    return encoder.encode(text);
  }
  return text;
}

/**
 * Parses a full key (every key column, in key order).
 *
 * @throws {HttpError} 400 when parts are missing, extra, or not of their column's type.
 * @example
 * ```ts
 * parseFullKey(info.keyColumns, new URLSearchParams("k=42").getAll("k")); // [42n]
 * ```
 */
export function parseFullKey(
  columns: readonly KeyColumnInfo[],
  texts: readonly string[],
): KeyValue[] {
  if (texts.length !== columns.length) {
    const names = columns.map((c) => c.name).join(", ");
    throw new HttpError(
      400,
      `Invalid key: this table's key has ${columns.length} column(s) (${names}), ` +
        `but ${texts.length} value(s) were given`,
    );
  }
  return texts.map((text, i) => parseKeyPart(columns[i]!, text));
}

/**
 * Parses a key prefix from one form input per key column: trailing empty inputs are left out,
 * and the given ones must come first.
 *
 * @throws {HttpError} 400 for a gap (an empty input before a filled one), more inputs than key
 *   columns, or a value not of its column's type.
 * @example
 * ```ts
 * parseKeyPrefix(info.keyColumns, ["team-1", ""]); // ["team-1"]
 * ```
 */
export function parseKeyPrefix(
  columns: readonly KeyColumnInfo[],
  texts: readonly string[],
): KeyValue[] {
  if (texts.length > columns.length) {
    throw new HttpError(
      400,
      `Invalid key prefix: ${texts.length} values for a key of ${columns.length} column(s)`,
    );
  }
  let given = texts.length;
  while (given > 0 && texts[given - 1] === "") given--;
  const gap = texts.slice(0, given).indexOf("");
  if (gap >= 0) {
    throw new HttpError(
      400,
      `Invalid key prefix: fill the key columns from the first; ${columns[gap]!.name} is empty ` +
        "but a later one is given",
    );
  }
  return texts.slice(0, given).map((text, i) => parseKeyPart(columns[i]!, text));
}

/**
 * The text of a key part for a URL or form, which {@linkcode parseKeyPart} reads back as the same
 * value: binary values as `0x` hex, numbers with their exact digits.
 *
 * @example
 * ```ts
 * keyPartText(new Uint8Array([0xde, 0xad])); // "0xdead"
 * keyPartText(9007199254740993n); // "9007199254740993"
 * ```
 */
export function keyPartText(value: unknown): string {
  if (value instanceof Uint8Array) return `0x${value.toHex()}`;
  return String(value);
}

/**
 * The key of a change entry or row as {@linkcode parseFullKey} returns it, so the two compare
 * with {@linkcode sameKey}.
 *
 * @example
 * ```ts
 * keyOf(info.keyColumns, { id: 42, name: "x" }); // [42] for a table keyed by id
 * ```
 */
export function keyOf(columns: readonly KeyColumnInfo[], row: Record<string, unknown>): unknown[] {
  return columns.map((column) => row[column.name]);
}

/**
 * Tells whether two keys are equal part by part (numbers and bigints by value, bytes by content,
 * a string and the bytes of a binary column by their UTF-8 encoding).
 *
 * @example
 * ```ts
 * sameKey([42n, "a"], [42, "a"]); // true
 * ```
 */
export function sameKey(a: readonly unknown[], b: readonly unknown[]): boolean {
  if (a.length !== b.length) return false;
  return a.every((part, i) => samePart(part, b[i]));
}

function samePart(a: unknown, b: unknown): boolean {
  if ((typeof a === "number" || typeof a === "bigint") && typeof b === typeof a) return a === b;
  if (typeof a === "number" && typeof b === "bigint") return Number.isInteger(a) && BigInt(a) === b;
  if (typeof a === "bigint" && typeof b === "number") return samePart(b, a);
  const bytesA = typeof a === "string" && b instanceof Uint8Array ? encoder.encode(a) : a;
  const bytesB = typeof b === "string" && a instanceof Uint8Array ? encoder.encode(b) : b;
  if (bytesA instanceof Uint8Array && bytesB instanceof Uint8Array) {
    return bytesA.length === bytesB.length && bytesA.every((byte, i) => byte === bytesB[i]);
  }
  return a === b;
}

/**
 * The UTF-8 text of bytes when they are valid UTF-8 without control characters, else
 * `undefined` (for showing a binary key readably).
 *
 * @example
 * ```ts
 * printableText(new TextEncoder().encode("team-1")); // "team-1"
 * printableText(new Uint8Array([0xff])); // undefined
 * ```
 */
export function printableText(bytes: Uint8Array): string | undefined {
  try {
    const text = decoder.decode(bytes);
    // deno-lint-ignore no-control-regex
    return /[\u0000-\u001f\u007f]/.test(text) ? undefined : text;
  } catch {
    return undefined;
  }
}
