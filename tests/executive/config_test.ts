import assert from "node:assert/strict";
import { EXECUTIVE_DEFAULTS, resolveExecutiveConfig } from "../../lib/executive/config.ts";

Deno.test("resolveExecutiveConfig fills in the original's defaults", () => {
  const resolved = resolveExecutiveConfig({ bind: "127.0.0.1:0", ctldb: "sqlite:x.db" });
  for (const [key, value] of Object.entries(EXECUTIVE_DEFAULTS)) {
    assert.equal(resolved[key as keyof typeof EXECUTIVE_DEFAULTS], value, key);
  }
  assert.deepEqual(
    [resolved.shadow, resolved.enableDestructiveSchemaChanges, resolved.adminToken],
    [false, false, ""],
  );
});

Deno.test("resolveExecutiveConfig rejects settings that would misbehave, naming them", () => {
  const cases: [string, Record<string, number>, string][] = [
    [
      "zero handler timeout",
      { handlerTimeoutMs: 0 },
      "the handler timeout must be positive, got 0",
    ],
    ["negative refresh", { limitsRefreshMs: -1 }, "the limits refresh period must be positive"],
    ["zero gc", { usageGcMs: 0 }, "the usage garbage-collection period must be positive"],
    ["sub-second period", { writerLimitPeriodMs: 500 }, "whole number of seconds"],
    ["fractional period", { writerLimitPeriodMs: 1500 }, "whole number of seconds"],
    ["negative limit", { writerLimit: -1 }, "the writer limit must be a non-negative integer"],
    ["fractional size", { maxTableSize: 1.5 }, "the max table size must be a non-negative"],
    ["negative warn", { warnTableSize: -5 }, "the warn table size must be a non-negative"],
  ];
  for (const [name, override, message] of cases) {
    assert.throws(
      () => resolveExecutiveConfig({ bind: ":0", ctldb: "sqlite:x.db", ...override }),
      (e: unknown) => e instanceof RangeError && e.message.includes(message),
      name,
    );
  }
});
