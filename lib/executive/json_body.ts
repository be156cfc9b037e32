/**
 * Request JSON as the original's Go decoder sees it: exact integers (via `parseJsonExact`),
 * object keys matched case-insensitively, and every decoding failure reported as
 * 400 `JSON Error: <detail>`. Reading the bytes (and the size limit) is `routes.ts`'s job.
 *
 * @module
 */
import { HttpError } from "../http/mod.ts";
import { errorMessage } from "../log/mod.ts";
import { parseJsonExact } from "../schema/mod.ts";

const decoder = new TextDecoder("utf-8", { fatal: true });

/**
 * A 400 `JSON Error: <detail>`.
 *
 * @example
 * ```ts
 * throw jsonError("mutations must be an array");
 * ```
 */
export function jsonError(detail: string): HttpError {
  return new HttpError(400, `JSON Error: ${detail}`);
}

/**
 * Decodes a request body as UTF-8 JSON.
 *
 * @throws {HttpError} 400 `JSON Error: …` for invalid UTF-8 or JSON.
 * @example
 * ```ts
 * parseJsonBody(new TextEncoder().encode('{"a":1}')); // { a: 1 }
 * ```
 */
export function parseJsonBody(body: Uint8Array): unknown {
  let text: string;
  try {
    text = decoder.decode(body);
  } catch {
    throw jsonError("request body is not valid UTF-8");
  }
  try {
    return parseJsonExact(text);
  } catch (e) {
    throw jsonError(errorMessage(e));
  }
}

/**
 * Whether a value is a plain JSON object.
 *
 * @example
 * ```ts
 * isObject({}); // true
 * isObject([]); // false
 * ```
 */
export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value) &&
    !(value instanceof Uint8Array);
}

/**
 * Reads a key of a JSON object as Go's decoder does: the exact key wins, else the first key
 * equal ignoring case. Absent keys give `undefined`.
 *
 * @example
 * ```ts
 * getField({ Cookie: "AQ==" }, "cookie"); // "AQ=="
 * ```
 */
export function getField(object: Record<string, unknown>, key: string): unknown {
  if (Object.hasOwn(object, key)) return object[key];
  const lower = key.toLowerCase();
  for (const [name, value] of Object.entries(object)) {
    if (name.toLowerCase() === lower) return value;
  }
  return undefined;
}

/**
 * Reads an optional string field.
 *
 * @throws {HttpError} 400 `JSON Error: …` when present and not a string (or null).
 * @example
 * ```ts
 * optionalString({ family: "f1" }, "family"); // "f1"
 * ```
 */
export function optionalString(object: Record<string, unknown>, key: string): string {
  const value = getField(object, key);
  if (value === undefined || value === null) return "";
  if (typeof value !== "string") throw jsonError(`${key} must be a string`);
  return value;
}
