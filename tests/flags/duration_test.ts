import assert from "node:assert/strict";
import { formatGoDuration, parseGoDuration } from "../../lib/flags/mod.ts";

Deno.test("Go durations parse to milliseconds", () => {
  const cases: [string, number][] = [
    ["0", 0],
    ["1s", 1000],
    ["500ms", 500],
    ["1h30m", 5_400_000],
    ["1.5s", 1500],
    ["5m", 300_000],
    ["100us", 0.1],
    ["2h45m30.5s", 9_930_500],
    ["-1s", -1000],
  ];
  for (const [text, ms] of cases) assert.equal(parseGoDuration(text), ms, text);
});

Deno.test("text that is not a Go duration is rejected", () => {
  for (const text of ["", "1", "s", "1d", "1 s", "1s2"]) {
    assert.throws(() => parseGoDuration(text), SyntaxError, text);
  }
});

Deno.test("durations format like Go's time.Duration.String", () => {
  const cases: [number, string][] = [
    [0, "0s"],
    [60_000, "1m0s"],
    [1500, "1.5s"],
    [5_400_000, "1h30m0s"],
    [250, "250ms"],
    [30_000, "30s"],
    [0.1, "100µs"],
    [0.0005, "500ns"],
    [-1500, "-1.5s"],
  ];
  for (const [ms, text] of cases) assert.equal(formatGoDuration(ms), text, String(ms));
});
