/**
 * `ctlstore heartbeat`: writes the time to `ctlstore___heartbeats` through the executive on
 * every interval so ledger latency stays meaningful (spec §2.9, §14).
 *
 * @module
 */
import { startHeartbeat } from "../lib/heartbeat/mod.ts";
import { createLogger } from "../lib/log/mod.ts";
import { DEFAULT_HEARTBEAT_FAMILY } from "../lib/schema/mod.ts";
import { CliError, defineCommand } from "./_command.ts";
import { DOGSTATSD_FLAGS } from "./_dogstatsd.ts";
import { runUntilShutdown } from "./_shutdown.ts";

/** The `heartbeat` command. */
export const heartbeatCommand = defineCommand({
  name: "heartbeat",
  summary: "periodically write a heartbeat row through the executive",
  description: "Registers the writer, creates the family and table if needed, then upserts\n" +
    "{name: 'heartbeat', value: <unix time in ns>} every interval (first write at once).\n" +
    "Write failures are logged and counted in heartbeat-errors; they never stop the service.",
  flags: {
    "heartbeat-interval": {
      type: "duration",
      help: "period between writes",
      default: "15s",
    },
    "executive-url": {
      type: "string",
      help: "executive base URL; http:// is prepended unless it starts with http",
      default: "ctlstore-executive.segment.local",
    },
    "family-name": {
      type: "string",
      help: "family of the heartbeat table",
      default: DEFAULT_HEARTBEAT_FAMILY,
    },
    "table-name": { type: "string", help: "heartbeat table", default: "heartbeats" },
    "writer-name": { type: "string", help: "writer name", default: "heartbeat" },
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
  },
  async run(values) {
    if (values["heartbeat-interval"] <= 0) {
      throw new CliError("invalid value passed to heartbeat-interval: must be positive");
    }
    const logger = createLogger("heartbeat", { debug: values.debug });
    await runUntilShutdown((signal) =>
      startHeartbeat({
        executiveUrl: values["executive-url"],
        writerSecret: values["writer-secret"],
        familyName: values["family-name"],
        tableName: values["table-name"],
        writerName: values["writer-name"],
        intervalMs: values["heartbeat-interval"],
        adminToken: values["admin-token"] || undefined,
        metricsBind: values["metrics-bind"] || undefined,
        logger,
        signal,
      })
    );
  },
});
