/**
 * `ctlstore multi-reflector`: several LDBs from one process (spec §2.6).
 *
 * @module
 */
import { createLogger } from "../lib/log/mod.ts";
import { startMultiReflector } from "../lib/reflector/mod.ts";
import { defineCommand } from "./_command.ts";
import {
  REFLECTOR_FLAG_NAMES,
  REFLECTOR_FLAGS,
  reflectorConfigFromFlags,
} from "./_reflector_flags.ts";
import { namingFlags } from "./_settings.ts";
import { runUntilShutdown } from "./_shutdown.ts";

/** The `multi-reflector` command. */
export const multiReflectorCommand = defineCommand({
  name: "multi-reflector",
  summary: "tail the ctldb ledger into several LDBs from one process",
  description: "Runs one reflector per path of -multi-reflector.ldb-paths (at least 2), with\n" +
    "IDs <basename>-<index>, the changelog for the first path only and one -metrics-bind\n" +
    "server (/healthz is healthy when every reflector is). -ldb-path is accepted and ignored.",
  flags: {
    ...REFLECTOR_FLAGS,
    "ldb-path": { type: "string", help: "ignored by multi-reflector (accepted for compatibility)" },
  },
  async run(values) {
    const logger = createLogger("reflector", { debug: values.debug });
    const { ldbPath: _ignored, ...config } = reflectorConfigFromFlags(values, logger);
    const ldbPaths = values["multi-reflector.ldb-paths"];
    await runUntilShutdown((signal) =>
      namingFlags(startMultiReflector({ ...config, ldbPaths, signal }), REFLECTOR_FLAG_NAMES)
    );
  },
});
