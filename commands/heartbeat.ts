/**
 * `ctlstore heartbeat`: writes the time to `ctlstore___heartbeats` through the executive on
 * every interval so ledger latency stays meaningful (spec §2.9, §14).
 *
 * @module
 */
import { formatGoDuration } from "../lib/flags/mod.ts";
import { HEARTBEAT_DEFAULTS, startHeartbeat } from "../lib/heartbeat/mod.ts";
import { createLogger } from "../lib/log/mod.ts";
import { defineCommand } from "./_command.ts";
import { DOGSTATSD_FLAGS } from "./_dogstatsd.ts";
import { namingFlags, type SettingFlags, settingsFromFlags } from "./_settings.ts";
import { runUntilShutdown } from "./_shutdown.ts";

const FLAGS = {
  "heartbeat-interval": {
    type: "duration",
    help: "period between writes",
    default: formatGoDuration(HEARTBEAT_DEFAULTS.intervalMs),
  },
  "executive-url": {
    type: "string",
    help: "executive base URL; http:// is prepended unless it starts with http",
    default: HEARTBEAT_DEFAULTS.executiveUrl,
  },
  "family-name": {
    type: "string",
    help: "family of the heartbeat table",
    default: HEARTBEAT_DEFAULTS.familyName,
  },
  "table-name": { type: "string", help: "heartbeat table", default: HEARTBEAT_DEFAULTS.tableName },
  "writer-name": { type: "string", help: "writer name", default: HEARTBEAT_DEFAULTS.writerName },
  "writer-secret": { type: "string", help: "writer secret", required: true },
  "admin-token": {
    type: "string",
    help: "admin token for creating the family and table, sent as 'Authorization: Bearer'",
  },
  "metrics-bind": {
    type: "string",
    help: "address to serve Prometheus /metrics and /healthz on (503 once no write has " +
      "succeeded for 3 intervals; empty: not served)",
  },
  debug: { type: "bool", help: "log every write" },
  ...DOGSTATSD_FLAGS,
} as const;

/** Which flag sets which setting of the heartbeat's configuration. */
const SETTINGS = {
  executiveUrl: "executive-url",
  writerSecret: "writer-secret",
  familyName: "family-name",
  tableName: "table-name",
  writerName: "writer-name",
  intervalMs: "heartbeat-interval",
  adminToken: "admin-token",
  metricsBind: "metrics-bind",
} as const satisfies SettingFlags<typeof FLAGS>;

/** The `heartbeat` command. */
export const heartbeatCommand = defineCommand({
  name: "heartbeat",
  summary: "periodically write a heartbeat row through the executive",
  description: "Registers the writer, creates the family and table if needed, then upserts\n" +
    "{name: 'heartbeat', value: <unix time in ns>} every interval (first write at once).\n" +
    "Write failures are logged and counted in ctlstore_heartbeat_errors_total; they never\n" +
    "stop the service.",
  flags: FLAGS,
  async run(values) {
    const logger = createLogger("heartbeat", { debug: values.debug });
    const settings = settingsFromFlags(values, SETTINGS);
    await runUntilShutdown((signal) =>
      namingFlags(startHeartbeat({ ...settings, logger, signal }), {
        flags: FLAGS,
        settings: SETTINGS,
      })
    );
  },
});
