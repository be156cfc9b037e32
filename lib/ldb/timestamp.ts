/**
 * The text form of `_ldb_last_update.timestamp` (spec §9.1): written as Go's layout
 * `2006-01-02 15:04:05.999999999-07:00` in UTC, read in any of the nine layouts the Go SQLite
 * driver accepts.
 *
 * @module
 */

// Date, then optionally time (minutes, optionally seconds, optionally fraction and offset).
const TIMESTAMP =
  /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?(?:([+-])(\d{2}):(\d{2}))?)?)?$/;

function pad(value: number, width = 2): string {
  return String(value).padStart(width, "0");
}

/**
 * Formats an instant as the reflector stores it: `YYYY-MM-DD HH:MM:SS[.fraction]+00:00` in UTC,
 * the fraction (millisecond precision) without trailing zeros and omitted when zero.
 *
 * @param at The instant.
 * @returns The timestamp text.
 * @throws {RangeError} When `at` is an invalid date.
 *
 * @example Format instants
 * ```ts
 * import { formatLdbTimestamp } from "./timestamp.ts";
 *
 * formatLdbTimestamp(new Date("2024-05-01T12:34:56Z")); // "2024-05-01 12:34:56+00:00"
 * formatLdbTimestamp(new Date("2024-05-01T12:34:56.120Z")); // "2024-05-01 12:34:56.12+00:00"
 * ```
 */
export function formatLdbTimestamp(at: Date): string {
  const ms = at.getTime();
  if (Number.isNaN(ms)) throw new RangeError("invalid date");
  const date = `${pad(at.getUTCFullYear(), 4)}-${pad(at.getUTCMonth() + 1)}-${
    pad(at.getUTCDate())
  }`;
  const time = `${pad(at.getUTCHours())}:${pad(at.getUTCMinutes())}:${pad(at.getUTCSeconds())}`;
  const millis = at.getUTCMilliseconds();
  const fraction = millis === 0 ? "" : "." + pad(millis, 3).replace(/0+$/, "");
  return `${date} ${time}${fraction}+00:00`;
}

/**
 * Parses a timestamp in any layout the original accepts, in this order:
 * `2006-01-02 15:04:05.999999999-07:00`, the same with `T`, `2006-01-02 15:04:05.999999999`,
 * the same with `T`, `2006-01-02 15:04:05`, `2006-01-02T15:04:05`, `2006-01-02 15:04`,
 * `2006-01-02T15:04`, `2006-01-02`. A trailing `Z` is stripped first; values without an offset
 * are UTC. Fractions beyond milliseconds are truncated.
 *
 * @param text The stored timestamp text.
 * @returns The instant.
 * @throws {RangeError} When the text matches no layout or names an impossible date or time.
 *
 * @example Parse layouts
 * ```ts
 * import { parseLdbTimestamp } from "./timestamp.ts";
 *
 * parseLdbTimestamp("2024-05-01 12:34:56+00:00").toISOString(); // "2024-05-01T12:34:56.000Z"
 * parseLdbTimestamp("2024-05-01T14:34:56.5+02:00").toISOString(); // "2024-05-01T12:34:56.500Z"
 * parseLdbTimestamp("2024-05-01").toISOString(); // "2024-05-01T00:00:00.000Z"
 * ```
 */
export function parseLdbTimestamp(text: string): Date {
  const trimmed = text.endsWith("Z") ? text.slice(0, -1) : text;
  const m = TIMESTAMP.exec(trimmed);
  if (!m) throw new RangeError(`invalid LDB timestamp: ${JSON.stringify(text)}`);
  const [year, month, day, hour, minute, second] = [1, 2, 3, 4, 5, 6].map((i) => Number(m[i] ?? 0));
  const millis = Number((m[7] ?? "").slice(0, 3).padEnd(3, "0"));
  const offset = m[8] === undefined ? 0 : (m[8] === "-" ? -1 : 1) *
    (Number(m[9]) * 60 + Number(m[10]));
  const check = new Date(0);
  check.setUTCFullYear(year!, month! - 1, day!);
  check.setUTCHours(hour!, minute!, second!, millis);
  if (
    check.getUTCFullYear() !== year || check.getUTCMonth() !== month! - 1 ||
    check.getUTCDate() !== day || check.getUTCHours() !== hour ||
    check.getUTCMinutes() !== minute || check.getUTCSeconds() !== second ||
    Number(m[9] ?? 0) > 23 || Number(m[10] ?? 0) > 59
  ) {
    throw new RangeError(`invalid LDB timestamp: ${JSON.stringify(text)}`);
  }
  return new Date(check.getTime() - offset * 60_000);
}
