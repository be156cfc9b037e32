/**
 * Executive base URL normalization, as the original CLI and heartbeat do it, and their default
 * executive address.
 *
 * @module
 */

/**
 * The executive address the original CLI and heartbeat use when none is given.
 *
 * @example
 * ```ts
 * normalizeExecutiveUrl(DEFAULT_EXECUTIVE_ADDRESS); // "http://ctlstore-executive.segment.local"
 * ```
 */
export const DEFAULT_EXECUTIVE_ADDRESS = "ctlstore-executive.segment.local";

/**
 * Turns a configured executive address into a base URL: `http://` is prepended unless the value
 * starts with `http://` or `https://`, and trailing slashes are dropped so paths can be appended.
 *
 * @throws {TypeError} When the result is not a valid URL (`invalid url: <value>`).
 * @example
 * ```ts
 * normalizeExecutiveUrl("ctlstore-executive.segment.local"); // "http://ctlstore-executive.segment.local"
 * normalizeExecutiveUrl("https://exec:3000/"); // "https://exec:3000"
 * ```
 */
export function normalizeExecutiveUrl(value: string): string {
  let url = value.trim();
  if (!url.startsWith("http://") && !url.startsWith("https://")) url = "http://" + url;
  url = url.replace(/\/+$/, "");
  if (!URL.canParse(url) || url === "http:" || url === "https:") {
    throw new TypeError(`invalid url: ${value}`);
  }
  return url;
}
