/**
 * Row output of the sidecar: a row as a JSON object with its keys sorted the way Go sorts map
 * keys, values encoded by `stringifyGoJson` (base64 bytes, exact bigints, Go escapes). The key
 * order of each row shape (the reader's rows of one query share their keys) is worked out once
 * and cached, so the hot path does no sorting. {@linkcode RowJsonWriter} writes the same JSON
 * straight into UTF-8 bytes, for answers too large to build as one string.
 *
 * @module
 */
import type { Row } from "../reader/mod.ts";
import { stringifyGoJson } from "../schema/mod.ts";

interface Shape {
  /** The row's keys in Go's sorted order. */
  keys: string[];
  /** `{"key":` for the first key, `,"key":` for the others, escaped. */
  prefixes: string[];
  /** The prefixes in UTF-8. */
  prefixBytes: Uint8Array[];
}

const utf8 = new TextEncoder();

const MAX_SHAPES = 1024;
const shapes = new Map<string, Shape>();

let lastKeys: string[] = [];
let lastShape: Shape | undefined;

function sameKeys(a: string[], b: string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function shapeOf(keys: string[]): Shape {
  if (lastShape !== undefined && sameKeys(keys, lastKeys)) return lastShape;
  lastKeys = keys;
  lastShape = cachedShape(keys);
  return lastShape;
}

function cachedShape(keys: string[]): Shape {
  const id = keys.join("\u0000");
  let shape = shapes.get(id);
  if (shape === undefined) {
    const probe = Object.fromEntries(keys.map((key) => [key, 0]));
    const sorted = Object.keys(JSON.parse(stringifyGoJson(probe, { sortKeys: true })));
    const prefixes = sorted.map((key, i) => (i === 0 ? "{" : ",") + stringifyGoJson(key) + ":");
    shape = { keys: sorted, prefixes, prefixBytes: prefixes.map((p) => utf8.encode(p)) };
    if (shapes.size >= MAX_SHAPES) shapes.clear();
    shapes.set(id, shape);
  }
  return shape;
}

function encodeValue(value: unknown): string {
  if (value === null) return "null";
  if (typeof value === "bigint") return value.toString();
  // Integers print the same in Go and JavaScript; -0 and fractions go the general way.
  if (typeof value === "number" && Number.isSafeInteger(value) && !Object.is(value, -0)) {
    return String(value);
  }
  return stringifyGoJson(value);
}

/**
 * Encodes a row as `stringifyGoJson(row, { sortKeys: true })` does, faster.
 *
 * @example
 * ```ts
 * encodeRow({ name: "<b>", id: 9007199254740993n, data: new Uint8Array([0xde, 0xad]) });
 * // {"data":"3q0=","id":9007199254740993,"name":"\u003cb\u003e"}
 * ```
 */
export function encodeRow(row: Row): string {
  const { keys, prefixes } = shapeOf(Object.keys(row));
  if (keys.length === 0) return "{}";
  let out = "";
  for (let i = 0; i < keys.length; i++) out += prefixes[i] + encodeValue(row[keys[i]!]);
  return out + "}";
}

/**
 * Encodes rows as a JSON array of {@linkcode encodeRow} objects (`[]` when empty).
 *
 * @example
 * ```ts
 * encodeRows([{ id: 1 }, { id: 2 }]); // [{"id":1},{"id":2}]
 * ```
 */
export function encodeRows(rows: readonly Row[]): string {
  let out = "[";
  for (let i = 0; i < rows.length; i++) out += (i === 0 ? "" : ",") + encodeRow(rows[i]!);
  return out + "]";
}

/**
 * A string Go writes as `"` + itself + `"`: no control character, `"`, `\\`, `<`, `>`, `&`,
 * U+2028, U+2029 or surrogate (a pair is plain too, but rare enough to take the general way).
 */
const PLAIN_STRING =
  /^[\u0020\u0021\u0023-\u0025\u0027-\u003b\u003d\u003f-\u005b\u005d-\u2027\u202a-\ud7ff\ue000-\uffff]*$/;
const QUOTE = 0x22;
const COMMA = 0x2c;
const OPEN = 0x7b;
const CLOSE = 0x7d;
/** Strings up to this long are copied a code unit at a time when ASCII (no view to allocate). */
const SHORT = 64;

/** Whether `row` has exactly `keys`, in that order (without allocating an array). */
function hasKeys(row: Row, keys: readonly string[]): boolean {
  let i = 0;
  for (const key in row) if (key !== keys[i++]) return false;
  return i === keys.length;
}

/**
 * Writes rows as {@linkcode encodeRow} does, straight into a growing UTF-8 buffer: keys come
 * from cached bytes, and values are written without building the row's string, so large
 * answers allocate little per row.
 *
 * @example
 * ```ts
 * const writer = new RowJsonWriter(64 * 1024);
 * writer.text("[");
 * writer.row({ id: 1, name: "ada" });
 * writer.text("]");
 * new TextDecoder().decode(writer.take()); // [{"id":1,"name":"ada"}]
 * ```
 */
export class RowJsonWriter {
  #buffer = new Uint8Array(0);
  #length = 0;
  readonly #size: number;
  /** The last row's keys in its own order, and their shape. */
  #rowKeys: string[] | undefined;
  #shape: Shape | undefined;

  /**
   * @param size The size of each buffer, allocated by the first write after a
   *   {@linkcode RowJsonWriter.take} (it grows for a larger content).
   */
  constructor(size: number) {
    this.#size = size;
  }

  /** Bytes written since the last {@linkcode RowJsonWriter.take}. */
  get length(): number {
    return this.#length;
  }

  /** Writes text as UTF-8. */
  text(text: string): void {
    // A UTF-16 code unit takes at most 3 bytes of UTF-8.
    this.#reserve(text.length * 3);
    const buffer = this.#buffer;
    if (text.length <= SHORT) {
      let at = this.#length;
      for (let i = 0; i < text.length; i++) {
        const code = text.charCodeAt(i);
        if (code >= 0x80) {
          at = -1;
          break;
        }
        buffer[at++] = code;
      }
      if (at >= 0) {
        this.#length = at;
        return;
      }
    }
    this.#length += utf8.encodeInto(text, buffer.subarray(this.#length)).written;
  }

  /** Writes a row as {@linkcode encodeRow} does. */
  row(row: Row): void {
    // The rows of one scan share their keys: the shape is looked up once.
    if (this.#rowKeys === undefined || !hasKeys(row, this.#rowKeys)) {
      this.#rowKeys = Object.keys(row);
      this.#shape = shapeOf(this.#rowKeys);
    }
    const { keys, prefixBytes } = this.#shape!;
    if (keys.length === 0) this.#byte(OPEN);
    for (let i = 0; i < keys.length; i++) {
      const prefix = prefixBytes[i]!;
      this.#reserve(prefix.length);
      this.#buffer.set(prefix, this.#length);
      this.#length += prefix.length;
      const value = row[keys[i]!];
      if (typeof value === "string" && PLAIN_STRING.test(value)) {
        this.#byte(QUOTE);
        this.text(value);
        this.#byte(QUOTE);
      } else {
        this.text(encodeValue(value));
      }
    }
    this.#byte(CLOSE);
  }

  /** Writes the `,` between two rows. */
  comma(): void {
    this.#byte(COMMA);
  }

  /** Returns what was written and starts a new buffer. */
  take(): Uint8Array<ArrayBuffer> {
    const written = this.#buffer.subarray(0, this.#length);
    this.#buffer = new Uint8Array(0);
    this.#length = 0;
    return written;
  }

  #byte(byte: number): void {
    this.#reserve(1);
    this.#buffer[this.#length++] = byte;
  }

  #reserve(bytes: number): void {
    if (this.#buffer.length - this.#length >= bytes) return;
    const larger = new Uint8Array(
      Math.max(this.#size, this.#buffer.length * 2, this.#length + bytes),
    );
    larger.set(this.#buffer.subarray(0, this.#length));
    this.#buffer = larger;
  }
}
