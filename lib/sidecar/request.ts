/**
 * Decoding of the sidecar's read request body `{"Key":[{"Value":…} | {"Binary":"<base64>"}, …]}`
 * (spec §13) into key values for the reader. Field names match case-insensitively, as Go's
 * `encoding/json` does; integers beyond 2^53 keep their exact digits.
 *
 * @module
 */
import { HttpError } from "../http/mod.ts";
import type { KeyPart } from "../reader/mod.ts";
import { parseJsonExact } from "../schema/mod.ts";

function fail(detail: string): never {
  throw new HttpError(400, `decode body: ${detail}`);
}

function isKeyName(name: string, lower: string): boolean {
  return name.length === lower.length && name.toLowerCase() === lower;
}

function decodeBinary(text: unknown, index: number): Uint8Array {
  if (typeof text !== "string") fail(`Key[${index}].Binary must be a base64 string`);
  try {
    return Uint8Array.fromBase64(text, { lastChunkHandling: "strict" });
  } catch {
    return fail(`Key[${index}].Binary is not valid base64`);
  }
}

function keyPart(part: unknown, index: number): KeyPart {
  if (part === null) return null;
  if (typeof part !== "object" || Array.isArray(part)) {
    fail(`Key[${index}] must be an object with Value or Binary`);
  }
  const fields = part as Record<string, unknown>;
  let value: unknown = null;
  let binary: unknown = null;
  const names = Object.keys(fields);
  if (names.length === 1 && names[0] === "Value") {
    value = fields.Value;
  } else {
    for (const name of names) {
      if (isKeyName(name, "value")) value = fields[name];
      else if (isKeyName(name, "binary")) binary = fields[name];
    }
  }
  if (binary !== null) return decodeBinary(binary, index);
  switch (typeof value) {
    case "string":
    case "number":
    case "bigint":
      return value;
    case "boolean":
      return value ? 1 : 0;
    default:
      if (value === null) return null;
      return fail(`Key[${index}].Value must be a string, number, boolean or null`);
  }
}

/**
 * Decodes a read request body into the key parts to look up, in order. A part uses `Binary`
 * (decoded base64) when present and non-null, else `Value`; booleans become 1/0 as SQLite stores
 * them. A missing or null `Key` is no key parts.
 *
 * @throws {HttpError} 400 `decode body: <reason>` on malformed JSON or shapes.
 * @example
 * ```ts
 * parseKeyRequest('{"key":[{"value":"abc"},{"binary":"3q0="}]}');
 * // ["abc", Uint8Array [222, 173]]
 * ```
 */
export function parseKeyRequest(text: string): KeyPart[] {
  let body: unknown;
  try {
    body = parseJsonExact(text);
  } catch (error) {
    fail(text.trim() === "" ? "EOF" : (error as Error).message);
  }
  if (body === null) return [];
  if (typeof body !== "object" || Array.isArray(body)) fail("expected a JSON object");
  let key: unknown = null;
  for (const name of Object.keys(body)) {
    if (isKeyName(name, "key")) key = (body as Record<string, unknown>)[name];
  }
  if (key === null) return [];
  if (!Array.isArray(key)) fail("Key must be an array");
  const parts = new Array<KeyPart>(key.length);
  for (let i = 0; i < key.length; i++) parts[i] = keyPart(key[i], i);
  return parts;
}
