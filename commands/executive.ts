/**
 * `ctlstore executive`: flags (spec §2.4) to {@linkcode ExecutiveConfig}, then run until the
 * first SIGINT/SIGTERM.
 *
 * @module
 */
import { startExecutive } from "../lib/executive/mod.ts";
import { createLogger } from "../lib/log/mod.ts";
import { defineCommand } from "./_command.ts";
import { DOGSTATSD_FLAGS } from "./_dogstatsd.ts";
import { runUntilShutdown } from "./_shutdown.ts";

/** The `executive` command. */
export const executiveCommand = defineCommand({
  name: "executive",
  summary: "run the executive, the HTTP service that writes the ctldb and its DML ledger",
  description:
    "Creates the ctldb schema where missing. GET /status always answers 200; GET /healthz answers\n" +
    "503 while the ctldb is unreachable. Metrics are served as Prometheus text at GET /metrics;\n" +
    "the -dogstatsd.* flags are accepted for compatibility and ignored.",
  flags: {
    bind: { type: "string", help: "HTTP listen address, e.g. 0.0.0.0:3000", required: true },
    ctldb: {
      type: "string",
      help:
        "ctldb DSN: user:pass@tcp(host:port)/db, mysql://user:pass@host:port/db or sqlite:<path>",
      required: true,
    },
    debug: { type: "bool", help: "debug logging" },
    "handler-timeout": { type: "duration", help: "per-request deadline", default: "30s" },
    "max-table-size": {
      type: "int",
      help: "default maximum table size in bytes (mutations get 507 beyond it; MySQL only)",
      default: "104857600",
    },
    "warn-table-size": {
      type: "int",
      help: "default table size in bytes beyond which a warning metric counts",
      default: "52428800",
    },
    "writer-limit-period": { type: "duration", help: "writer rate-limit period", default: "1m" },
    "writer-limit": {
      type: "int",
      help: "default mutations allowed per writer per period",
      default: "1000",
    },
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
        maxTableSize: flags["max-table-size"],
        warnTableSize: flags["warn-table-size"],
        writerLimitPeriodMs: flags["writer-limit-period"],
        writerLimit: flags["writer-limit"],
        shadow: flags.shadow,
        enableDestructiveSchemaChanges: flags["enable-destructive-schema-changes"],
        adminToken: flags["admin-token"],
        signal,
      })
    );
  },
});
