/**
 * `ctlstore executive`: flags (spec §2.4) to {@linkcode ExecutiveConfig}, then run until the
 * first SIGINT/SIGTERM.
 *
 * @module
 */
import { EXECUTIVE_DEFAULTS, startExecutive } from "../lib/executive/mod.ts";
import { formatGoDuration } from "../lib/flags/mod.ts";
import { createLogger } from "../lib/log/mod.ts";
import { defineCommand } from "./_command.ts";
import { DOGSTATSD_FLAGS } from "./_dogstatsd.ts";
import { EXECUTIVE_LIMIT_FLAGS, executiveLimitsFromFlags } from "./_executive_flags.ts";
import { SERVER_FLAGS, serverOptionsFromFlags } from "./_server_flags.ts";
import { runUntilShutdown } from "./_shutdown.ts";

/** The `executive` command. */
export const executiveCommand = defineCommand({
  name: "executive",
  summary: "run the executive, the HTTP service that writes the ctldb and its DML ledger",
  description:
    "Creates the ctldb schema where missing. GET /status always answers 200; GET /healthz answers\n" +
    "503 while the ctldb is unreachable, also when it is unreachable at start (the executive\n" +
    "waits for it, answering writes 503). A new SQLite ctldb is created as a file in an existing\n" +
    "directory. Metrics are served as Prometheus text at GET /metrics; the -dogstatsd.* flags\n" +
    "are accepted for compatibility and ignored.",
  flags: {
    bind: { type: "string", help: "HTTP listen address, e.g. 0.0.0.0:3000", required: true },
    ctldb: {
      type: "string",
      help: "ctldb DSN: user:pass@tcp(host:port)/db, mysql://user:pass@host:port/db, " +
        "postgres://user:pass@host:port/db or sqlite:<path> (its directory must exist)",
      required: true,
    },
    debug: { type: "bool", help: "debug logging" },
    "handler-timeout": {
      type: "duration",
      help: "per-request deadline",
      default: formatGoDuration(EXECUTIVE_DEFAULTS.handlerTimeoutMs),
    },
    "read-timeout": {
      type: "duration",
      help: "a request body must arrive in full within this time, else 408",
      default: formatGoDuration(EXECUTIVE_DEFAULTS.readTimeoutMs),
    },
    ...SERVER_FLAGS,
    ...EXECUTIVE_LIMIT_FLAGS,
    shadow: { type: "bool", help: "label metrics shadow=true" },
    "enable-destructive-schema-changes": {
      type: "bool",
      help: "enable the drop-table and clear-rows routes",
    },
    "admin-token": {
      type: "string",
      help: "require 'Authorization: Bearer <token>' on family, table, schema, limits and " +
        "destructive routes (prefer the environment variable: flags show in process lists)",
    },
    ...DOGSTATSD_FLAGS,
  },
  async run(flags) {
    await runUntilShutdown((signal) =>
      startExecutive({
        bind: flags.bind,
        ctldb: flags.ctldb,
        logger: createLogger("executive", { debug: flags.debug }),
        handlerTimeoutMs: flags["handler-timeout"],
        readTimeoutMs: flags["read-timeout"],
        ...serverOptionsFromFlags(flags),
        ...executiveLimitsFromFlags(flags),
        shadow: flags.shadow,
        enableDestructiveSchemaChanges: flags["enable-destructive-schema-changes"],
        adminToken: flags["admin-token"],
        signal,
      })
    );
  },
});
