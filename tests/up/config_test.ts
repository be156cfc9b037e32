import assert from "node:assert/strict";
import { SettingError } from "../../lib/setting_error.ts";
import { resolveUpConfig, UP_DEFAULTS } from "../../lib/up/mod.ts";

Deno.test("ctlstore up's config fills in local addresses and the heartbeat's interval", () => {
  const config = resolveUpConfig({ dataDir: "./data" });
  assert.deepEqual(
    [config.executiveBind, config.sidecarBind, config.heartbeatIntervalMs, config.pollIntervalMs],
    ["127.0.0.1:3000", "127.0.0.1:1331", 15_000, UP_DEFAULTS.pollIntervalMs],
  );
});

Deno.test("ctlstore up's config rejects a bad address or heartbeat interval before anything starts", () => {
  assert.throws(
    () => resolveUpConfig({ dataDir: "./data", heartbeatIntervalMs: 0 }),
    (error) => error instanceof SettingError && error.setting === "heartbeatIntervalMs",
  );
  assert.throws(
    () => resolveUpConfig({ dataDir: "./data", sidecarBind: "localhost" }),
    /invalid listen address 'localhost'/,
  );
});
