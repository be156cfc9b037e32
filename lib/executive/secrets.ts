/**
 * Writer credentials (spec §7.6): the stored secret hash and the initial cookie a new writer
 * gets. Both are wire contracts with the original, so the odd initial cookie (a MAC of the
 * empty message appended to the name) is reproduced exactly. Storage lives in `writers.ts`.
 *
 * @module
 */
import { createHash, createHmac } from "node:crypto";
import { stringifyGoJson } from "../schema/mod.ts";

const COOKIE_KEY = "143zGC4aYAXdKBs9ZhcxgVcfCCv";
const encoder = new TextEncoder();

/**
 * The stored form of a writer secret: lowercase hex SHA-256 of its bytes, unsalted.
 *
 * @param secret The raw secret, as text (UTF-8) or bytes.
 * @returns 64 lowercase hex digits.
 * @example
 * ```ts
 * hashSecret(""); // "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
 * ```
 */
export function hashSecret(secret: string | Uint8Array): string {
  return createHash("sha256").update(secret).digest("hex");
}

/**
 * The cookie a newly registered writer starts with: the ASCII bytes of
 * `base64(name ‖ HMAC-SHA256(key, ""))`.
 *
 * @param writer The writer name as registered.
 * @returns The cookie bytes.
 * @example
 * ```ts
 * new TextDecoder().decode(initialCookie("writer1"));
 * // "d3JpdGVyMWvvyLhIjKvjOx0M5y3UgjITxDifKeSscYpRbLUKk7iS"
 * ```
 */
export function initialCookie(writer: string): Uint8Array {
  const mac = createHmac("sha256", COOKIE_KEY).update("").digest();
  const name = encoder.encode(writer);
  const raw = new Uint8Array(name.length + mac.length);
  raw.set(name);
  raw.set(mac, name.length);
  // A Uint8Array renders as a JSON string of standard base64: strip the quotes.
  return encoder.encode(stringifyGoJson(raw).slice(1, -1));
}

/**
 * Compares two secrets (or tokens) in time independent of where they differ.
 *
 * @example
 * ```ts
 * constantTimeEqual("abc", "abc"); // true
 * ```
 */
export function constantTimeEqual(a: string, b: string): boolean {
  const x = createHash("sha256").update(a).digest();
  const y = createHash("sha256").update(b).digest();
  let diff = 0;
  for (let i = 0; i < x.length; i++) diff |= x[i]! ^ y[i]!;
  return diff === 0;
}
