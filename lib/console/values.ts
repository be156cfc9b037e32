/**
 * How the console shows values: column values (NULL, exact 64-bit integers, decimals, strings,
 * blobs as hex and base64), byte sizes, durations and times. Everything goes through
 * `markup` (`html.ts`), so values from data are always escaped.
 *
 * @module
 */
import { markup, type SafeHtml } from "./html.ts";

/** Blob bytes shown in a table cell before it is cut short (the row page shows them all). */
const CELL_BYTES = 32;
/** String characters shown in a table cell before it is cut short. */
const CELL_CHARS = 120;

/** Options of {@linkcode renderValue}. */
export interface RenderValueOptions {
  /** Cut long strings and blobs short (table cells); the full value is in the title. */
  short?: boolean;
}

/**
 * Hex of bytes in groups of two bytes, as `xxd` prints them.
 *
 * @example
 * ```ts
 * hexGroups(new Uint8Array([0xde, 0xad, 0xbe, 0xef, 1])); // "dead beef 01"
 * ```
 */
export function hexGroups(bytes: Uint8Array): string {
  return bytes.toHex().replace(/(.{4})(?=.)/g, "$1 ");
}

/**
 * A column value as HTML.
 *
 * @example
 * ```ts
 * renderValue(9007199254740993n).toString(); // '<span class="num">9007199254740993</span>'
 * renderValue("<b>").toString(); // '<span class="str">&lt;b&gt;</span>'
 * ```
 */
export function renderValue(value: unknown, options: RenderValueOptions = {}): SafeHtml {
  if (value === null || value === undefined) return markup`<span class="null">NULL</span>`;
  if (typeof value === "bigint" || typeof value === "number") {
    return markup`<span class="num">${String(value)}</span>`;
  }
  if (value instanceof Uint8Array) {
    const cut = options.short && value.length > CELL_BYTES;
    const shown = cut ? value.subarray(0, CELL_BYTES) : value;
    const base64 = value.toBase64();
    if (options.short) {
      return markup`<code class="hex" title="${`${value.length} bytes; base64: ${base64}`}">${
        hexGroups(shown)
      }${cut ? "…" : ""}</code>`;
    }
    return markup`<div class="blob"><span class="blob-size">${value.length} bytes</span>
<div><span class="label">hex</span> <code class="hex">${hexGroups(value)}</code></div>
<div><span class="label">base64</span> <code class="b64">${base64}</code></div></div>`;
  }
  const text = String(value);
  if (options.short && text.length > CELL_CHARS) {
    return markup`<span class="str" title="${text}">${text.slice(0, CELL_CHARS)}…</span>`;
  }
  return markup`<span class="str">${text}</span>`;
}

/**
 * A byte count in binary units.
 *
 * @example
 * ```ts
 * formatBytes(1536); // "1.5 KiB"
 * ```
 */
export function formatBytes(bytes: number): string {
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let value = bytes;
  let unit = 0;
  while (Math.abs(value) >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${bytes} B` : `${value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`;
}

/**
 * A duration for people: `850 ms`, `12.3 s`, `4 min 5 s`, `2 h 10 min`, `3 d 4 h`.
 *
 * @example
 * ```ts
 * formatDuration(245_000); // "4 min 5 s"
 * ```
 */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms)) return "—";
  const sign = ms < 0 ? "-" : "";
  const abs = Math.abs(ms);
  if (abs < 1000) return `${sign}${Math.round(abs)} ms`;
  if (abs < 60_000) return `${sign}${(abs / 1000).toFixed(abs < 10_000 ? 2 : 1)} s`;
  const s = Math.floor(abs / 1000);
  if (s < 3600) return `${sign}${Math.floor(s / 60)} min ${s % 60} s`;
  if (s < 86_400) return `${sign}${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
  return `${sign}${Math.floor(s / 86_400)} d ${Math.floor((s % 86_400) / 3600)} h`;
}

/**
 * A time as HTML: UTC with milliseconds, and how long ago in its title.
 *
 * @example
 * ```ts
 * renderTime(new Date(0), 1000).toString();
 * // '<time datetime="1970-01-01T00:00:00.000Z" title="1.00 s ago">1970-01-01 00:00:00.000Z</time>'
 * ```
 */
export function renderTime(time: Date, now = Date.now()): SafeHtml {
  const iso = time.toISOString();
  return markup`<time datetime="${iso}" title="${formatDuration(now - time.getTime())} ago">${
    iso.replace("T", " ")
  }</time>`;
}
