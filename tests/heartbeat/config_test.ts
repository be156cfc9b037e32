import assert from "node:assert/strict";
import { HEARTBEAT_DEFAULTS, resolveHeartbeatConfig } from "../../lib/heartbeat/mod.ts";
import { SettingError } from "../../lib/setting_error.ts";

Deno.test("heartbeat config fills in the original's defaults and three intervals of health", () => {
  const config = resolveHeartbeatConfig({ writerSecret: "s3cret" });
  assert.deepEqual(
    [config.executiveUrl, config.familyName, config.tableName, config.writerName],
    ["ctlstore-executive.segment.local", "ctlstore", "heartbeats", "heartbeat"],
  );
  assert.equal(config.intervalMs, HEARTBEAT_DEFAULTS.intervalMs);
  assert.equal(config.maxSuccessAgeMs, 3 * HEARTBEAT_DEFAULTS.intervalMs);
  assert.equal(resolveHeartbeatConfig({ writerSecret: "s", intervalMs: 10 }).maxSuccessAgeMs, 30);
});

Deno.test("heartbeat config rejects an interval that is not positive, naming the setting", () => {
  for (const intervalMs of [0, -1, NaN]) {
    assert.throws(
      () => resolveHeartbeatConfig({ writerSecret: "s", intervalMs }),
      (error) =>
        error instanceof SettingError && error.setting === "intervalMs" &&
        /^the heartbeat interval must be positive, got /.test(error.message),
      String(intervalMs),
    );
  }
});
