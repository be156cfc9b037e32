/**
 * Parsing a mutation request body (spec §7.3 `POST /families/{f}/mutations`):
 * `{"cookie", "check_cookie", "mutations": [{"table", "delete", "values"}]}` with keys matched
 * case-insensitively, unknown keys ignored, cookies as standard base64 (or `null`). Every
 * shape error is a 400 `JSON Error: …`; value checking against columns is `mutations.ts`'s job.
 *
 * @module
 */
import { coerceFieldValue, ValueError } from "../schema/mod.ts";
import { getField, isObject, jsonError } from "./json_body.ts";

/** One entry of `mutations`. */
export interface MutationEntry {
  /** The table name as given (not yet validated). */
  table: string;
  /** `true` for a delete by key, `false` for an upsert. */
  delete: boolean;
  /** Field values as given; keys not yet validated. */
  values: Record<string, unknown>;
}

/** A parsed mutation request. */
export interface MutationRequest {
  /** The new cookie; `null` when absent or null. */
  cookie: Uint8Array | null;
  /** The cookie the stored one must equal; `null` for no check. */
  checkCookie: Uint8Array | null;
  mutations: MutationEntry[];
}

function decodeCookie(body: Record<string, unknown>, key: string): Uint8Array | null {
  const value = getField(body, key);
  if (value === undefined || value === null) return null;
  if (typeof value !== "string") throw jsonError(`${key} must be a base64 string or null`);
  try {
    return coerceFieldValue("binary", key, value) as Uint8Array;
  } catch (e) {
    if (e instanceof ValueError && e.cause instanceof Error) throw jsonError(e.cause.message);
    throw e;
  }
}

function parseEntry(value: unknown, index: number): MutationEntry {
  if (!isObject(value)) throw jsonError(`mutations[${index}] must be an object`);
  const table = getField(value, "table");
  if (typeof table !== "string") {
    throw jsonError(`mutations[${index}].table must be a string`);
  }
  const del = getField(value, "delete") ?? false;
  if (typeof del !== "boolean") throw jsonError(`mutations[${index}].delete must be a boolean`);
  const values = getField(value, "values") ?? {};
  if (!isObject(values)) throw jsonError(`mutations[${index}].values must be an object`);
  return { table, delete: del, values };
}

/**
 * Parses a decoded JSON body into a mutation request.
 *
 * @throws {HttpError} 400 `JSON Error: …` for a wrong shape or bad base64.
 * @example
 * ```ts
 * const request = parseMutationRequest({
 *   cookie: "AQ==",
 *   mutations: [{ table: "t1", values: { id: 1 } }],
 * });
 * ```
 */
export function parseMutationRequest(body: unknown): MutationRequest {
  if (!isObject(body)) throw jsonError("request body must be a JSON object");
  const cookie = decodeCookie(body, "cookie");
  const checkCookie = decodeCookie(body, "check_cookie");
  const list = getField(body, "mutations") ?? [];
  if (!Array.isArray(list)) throw jsonError("mutations must be an array");
  return { cookie, checkCookie, mutations: list.map(parseEntry) };
}
