import assert from "node:assert/strict";
import { nonNegative, positive, SettingError } from "../lib/setting_error.ts";

Deno.test("a setting error names the setting, its value and the reason", () => {
  const error = new SettingError({
    setting: "pollTimeoutMs",
    value: -1000,
    reason: "must not be negative",
    description: "poll timeout",
  });
  assert.ok(error instanceof RangeError);
  assert.equal(error.message, "the poll timeout must not be negative, got -1000");
  assert.deepEqual([error.setting, error.value, error.reason], [
    "pollTimeoutMs",
    -1000,
    "must not be negative",
  ]);
  const text = new SettingError({ setting: "mode", value: "x", reason: "is unknown" });
  assert.equal(text.message, "the mode is unknown, got 'x'");
});

Deno.test("a setting error of an embedded service keeps its message under the parent's name", () => {
  const inner = new SettingError({ setting: "pollTimeoutMs", value: -1, reason: "is bad" });
  const outer = inner.within("reflector");
  assert.equal(outer.setting, "reflector.pollTimeoutMs");
  assert.deepEqual([outer.message, outer.value, outer.reason], [inner.message, -1, "is bad"]);
});

Deno.test("the checks return good values and reject bad ones with the reason", () => {
  const cases: [string, () => number, number | string][] = [
    ["zero is not negative", () => nonNegative("n", "n", 0), 0],
    ["negative", () => nonNegative("n", "n", -1), "must not be negative"],
    ["NaN", () => nonNegative("n", "n", NaN), "must be a number"],
    ["fraction where whole", () => nonNegative("n", "n", 1.5, true), "must be a whole number"],
    ["fraction allowed", () => nonNegative("n", "n", 1.5), 1.5],
    ["positive", () => positive("n", "n", 2), 2],
    ["zero is not positive", () => positive("n", "n", 0), "must be positive"],
    ["infinity is not a period", () => positive("n", "n", Infinity), "must be positive"],
  ];
  for (const [name, check, expected] of cases) {
    if (typeof expected === "number") {
      assert.equal(check(), expected, name);
    } else {
      assert.throws(
        check,
        (error) => error instanceof SettingError && error.reason === expected,
        name,
      );
    }
  }
});
