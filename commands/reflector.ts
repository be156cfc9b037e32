/**
 * `ctlstore reflector`: tails the ctldb's DML ledger into a local SQLite LDB (spec §2.5, §10).
 *
 * @module
 */
import { createLogger } from "../lib/log/mod.ts";
import { startReflector } from "../lib/reflector/mod.ts";
import { defineCommand } from "./_command.ts";
import {
  REFLECTOR_FLAG_NAMES,
  REFLECTOR_FLAGS,
  reflectorConfigFromFlags,
} from "./_reflector_flags.ts";
import { namingFlags } from "./_settings.ts";
import { runUntilShutdown } from "./_shutdown.ts";

/** The `reflector` command. */
export const reflectorCommand = defineCommand({
  name: "reflector",
  summary: "tail the ctldb ledger into a local SQLite LDB",
  description: "Checks that the upstream exists (a sqlite3 ctldb is opened read-only, never\n" +
    "created), bootstraps the LDB from -bootstrap-url when the file is absent, then applies\n" +
    "the ledger forever: failures back off (100ms doubling to 30s; an unreachable upstream\n" +
    "is probed every second and read as soon as it answers), a failing statement is\n" +
    "reported with its seq in the log, /metrics and /healthz, sequence gaps are waited on\n" +
    "briefly then passed. The changelog seq continues across restarts (kept in the LDB table\n" +
    "_ldb_changelog_seq). The -ledger-latency ECS flags and -dogstatsd.* are accepted as\n" +
    "no-ops; -multi-reflector.ldb-paths is only read by multi-reflector.",
  flags: REFLECTOR_FLAGS,
  async run(values) {
    const logger = createLogger("reflector", { debug: values.debug });
    const config = reflectorConfigFromFlags(values, logger);
    await runUntilShutdown((signal) =>
      namingFlags(startReflector({ ...config, signal }), REFLECTOR_FLAG_NAMES)
    );
  },
});
