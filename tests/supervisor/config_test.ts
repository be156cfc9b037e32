import assert from "node:assert/strict";
import { SettingError } from "../../lib/setting_error.ts";
import { resolveSupervisorConfig, SUPERVISOR_DEFAULTS } from "../../lib/supervisor/mod.ts";

const reflector = { ldbPath: "/data/ldb.db", upstreamDriver: "sqlite3", upstreamDsn: "/c.db" };

Deno.test("supervisor config fills in the defaults and never waits longer than the interval", () => {
  const config = resolveSupervisorConfig({ reflector, snapshotUrls: "file:///s.db" });
  assert.deepEqual(
    [config.snapshotIntervalMs, config.maxSnapshotLag, config.retryDelayMs],
    [
      SUPERVISOR_DEFAULTS.snapshotIntervalMs,
      SUPERVISOR_DEFAULTS.maxSnapshotLag,
      SUPERVISOR_DEFAULTS.retryDelayMs,
    ],
  );
  const short = resolveSupervisorConfig({ reflector, snapshotUrls: [], snapshotIntervalMs: 100 });
  assert.equal(short.retryDelayMs, 100);
});

Deno.test("supervisor config rejects bad settings, the embedded reflector's under its name", () => {
  const cases: [string, Parameters<typeof resolveSupervisorConfig>[0], string][] = [
    ["zero interval", { reflector, snapshotUrls: [], snapshotIntervalMs: 0 }, "snapshotIntervalMs"],
    ["negative lag", { reflector, snapshotUrls: [], maxSnapshotLag: -1 }, "maxSnapshotLag"],
    [
      "reflector",
      { reflector: { ...reflector, pollTimeoutMs: -1 }, snapshotUrls: [] },
      "reflector.pollTimeoutMs",
    ],
  ];
  for (const [name, config, setting] of cases) {
    assert.throws(
      () => resolveSupervisorConfig(config),
      (error) => error instanceof SettingError && error.setting === setting,
      name,
    );
  }
});
