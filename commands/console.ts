/**
 * `ctlstore console`: serves the operator console (families, tables, rows, history, limits and
 * the fleet's freshness) over an LDB, an executive and a list of `/metrics` targets. The first
 * SIGINT/SIGTERM drains and exits 0.
 *
 * @module
 */
import { formatGoDuration } from "../lib/flags/mod.ts";
import { CONSOLE_DEFAULTS, startConsole } from "../lib/console/mod.ts";
import { createLogger } from "../lib/log/mod.ts";
import { defineCommand } from "./_command.ts";
import { SERVER_FLAGS, serverOptionsFromFlags } from "./_server_flags.ts";
import { namingFlags, type SettingFlags, settingsFromFlags } from "./_settings.ts";
import { runUntilShutdown } from "./_shutdown.ts";

const FLAGS = {
  bind: { type: "string", default: CONSOLE_DEFAULTS.bind, help: "listen address" },
  "executive-url": {
    type: "string",
    help: "the executive, for limits, writers and admin actions (empty: none)",
  },
  "ldb-path": {
    type: "string",
    help: "LDB path (empty: $CTLSTORE_PATH/ldb.db, default /var/spool/ctlstore/ldb.db)",
  },
  targets: {
    type: "list",
    help: "/metrics URLs of reflectors, sidecars and supervisors for the fleet page " +
      "(comma-separated)",
  },
  "admin-token": {
    type: "string",
    help: "enables admin actions: typed on the page to confirm, and sent to the executive as " +
      "'Authorization: Bearer <token>' (empty: read-only)",
  },
  "poll-interval": {
    type: "duration",
    default: formatGoDuration(CONSOLE_DEFAULTS.pollIntervalMs),
    help: "period between two readings of the fleet",
  },
  "lag-threshold": {
    type: "duration",
    default: formatGoDuration(CONSOLE_DEFAULTS.lagThresholdMs),
    help: "a target lags when it has not reached a seq the fleet had this long ago",
  },
  ...SERVER_FLAGS,
  debug: { type: "bool", help: "debug logging" },
} as const;

/** Which flag sets which setting of the console's configuration. */
const SETTINGS = {
  bind: "bind",
  executiveUrl: "executive-url",
  ldbPath: "ldb-path",
  targets: "targets",
  adminToken: "admin-token",
  pollIntervalMs: "poll-interval",
  lagThresholdMs: "lag-threshold",
} as const satisfies SettingFlags<typeof FLAGS>;

/** The `console` command. */
export const consoleCommand = defineCommand({
  name: "console",
  summary: "serve the operator console: data, history and the fleet's freshness in a browser",
  description: [
    "Pages: families and tables with their schema, row counts and sizes; a table's rows by key",
    "or key prefix (paged); the change history of a table or a row, live; table and writer",
    "limits and the writers seen; the fleet (applied seq, lag, latency, health, snapshots) with",
    "charts of the last hour. Read-only unless -admin-token is set; admin actions then ask for",
    "the token and a confirmation.",
  ].join("\n"),
  flags: FLAGS,
  async run(flags) {
    await runUntilShutdown((signal) =>
      namingFlags(
        startConsole({
          ...settingsFromFlags(flags, SETTINGS),
          server: serverOptionsFromFlags(flags),
          logger: createLogger("console", { debug: flags.debug }),
          signal,
        }),
        { flags: FLAGS, settings: SETTINGS },
      )
    );
  },
});
