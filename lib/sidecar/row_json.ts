/**
 * Row output of the sidecar: a row as a JSON object with its keys sorted the way Go sorts map
 * keys, values encoded by `stringifyGoJson` (base64 bytes, exact bigints, Go escapes). The key
 * order of each row shape (the reader's rows of one query share their keys) is worked out once
 * and cached, so the hot path does no sorting.
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
}

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
    shape = {
      keys: sorted,
      prefixes: sorted.map((key, i) => (i === 0 ? "{" : ",") + stringifyGoJson(key) + ":"),
    };
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
