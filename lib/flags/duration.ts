/**
 * Go duration strings (`1s`, `500ms`, `1h30m`), parsed to and formatted from milliseconds.
 *
 * @module
 */

const UNIT_MS: Record<string, number> = {
  ns: 1e-6,
  us: 1e-3,
  "µs": 1e-3,
  "μs": 1e-3,
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
};

/**
 * Parses a Go duration string into milliseconds.
 *
 * @throws {SyntaxError} When the text is not a Go duration.
 * @example
 * ```ts
 * parseGoDuration("1h30m"); // 5400000
 * parseGoDuration("500ms"); // 500
 * ```
 */
export function parseGoDuration(text: string): number {
  const input = text.trim();
  if (input === "0" || input === "+0" || input === "-0") return 0;
  const match = /^([+-]?)((?:\d+(?:\.\d*)?|\.\d+)(?:ns|us|µs|μs|ms|s|m|h))+$/.exec(input);
  if (!match) throw new SyntaxError(`invalid duration "${text}"`);
  let total = 0;
  for (const part of input.matchAll(/(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)/g)) {
    total += Number(part[1]) * UNIT_MS[part[2]!]!;
  }
  return match[1] === "-" ? -total : total;
}

/**
 * Formats milliseconds the way Go's `time.Duration.String` does.
 *
 * @example
 * ```ts
 * formatGoDuration(60_000); // "1m0s"
 * formatGoDuration(1500); // "1.5s"
 * formatGoDuration(0); // "0s"
 * ```
 */
export function formatGoDuration(ms: number): string {
  if (ms === 0) return "0s";
  const sign = ms < 0 ? "-" : "";
  let rest = Math.abs(ms);
  if (rest < 0.001) return `${sign}${trimNumber(rest * 1e6)}ns`;
  if (rest < 1) return `${sign}${trimNumber(rest * 1000)}µs`;
  if (rest < 1000) return `${sign}${trimNumber(rest)}ms`;
  const hours = Math.floor(rest / 3_600_000);
  rest -= hours * 3_600_000;
  const minutes = Math.floor(rest / 60_000);
  rest -= minutes * 60_000;
  const seconds = trimNumber(rest / 1000);
  if (hours > 0) return `${sign}${hours}h${minutes}m${seconds}s`;
  if (minutes > 0) return `${sign}${minutes}m${seconds}s`;
  return `${sign}${seconds}s`;
}

function trimNumber(value: number): string {
  return String(Number(value.toFixed(9)));
}
