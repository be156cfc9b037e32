/**
 * The console's own URLs, built in one place: path segments are percent-encoded and query
 * parameters written by `URLSearchParams`, so a name or key from data can never change a link's
 * meaning (and `markup` (`html.ts`) escapes the result where it lands in an attribute).
 *
 * @module
 */
import { keyPartText } from "./keys.ts";

function path(...segments: string[]): string {
  return "/" + segments.map(encodeURIComponent).join("/");
}

function withQuery(base: string, params: [string, string][]): string {
  const query = new URLSearchParams(params).toString();
  return query ? `${base}?${query}` : base;
}

/**
 * `/families/<family>`.
 *
 * @example
 * ```ts
 * familyUrl("demo"); // "/families/demo"
 * ```
 */
export function familyUrl(family: string): string {
  return path("families", family);
}

/**
 * `/families/<family>/tables/<table>[/<page>]`, with query parameters.
 *
 * @example
 * ```ts
 * tableUrl("demo", "users", "history"); // "/families/demo/tables/users/history"
 * ```
 */
export function tableUrl(
  family: string,
  table: string,
  page?: "history" | "row" | "clear",
  params: [string, string][] = [],
): string {
  const base = path("families", family, "tables", table);
  return withQuery(page ? `${base}/${page}` : base, params);
}

/**
 * The row page of a key (`k` once per key part, in key order).
 *
 * @example
 * ```ts
 * rowUrl("demo", "users", [42n]); // "/families/demo/tables/users/row?k=42"
 * ```
 */
export function rowUrl(family: string, table: string, key: readonly unknown[]): string {
  return tableUrl(family, table, "row", key.map((part) => ["k", keyPartText(part)]));
}

/**
 * The table page listing rows with a prefix (`p`) after a key (`a`).
 *
 * @example
 * ```ts
 * listUrl("demo", "users", ["team-1"], ["team-1", 7n], 50);
 * // "/families/demo/tables/users?p=team-1&a=team-1&a=7&limit=50"
 * ```
 */
export function listUrl(
  family: string,
  table: string,
  prefix: readonly unknown[],
  after: readonly unknown[],
  limit: number,
): string {
  return tableUrl(family, table, undefined, [
    ...prefix.map((part): [string, string] => ["p", keyPartText(part)]),
    ...after.map((part): [string, string] => ["a", keyPartText(part)]),
    ["limit", String(limit)],
  ]);
}
