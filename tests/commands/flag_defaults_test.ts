import assert from "node:assert/strict";
import type { Command } from "../../commands/_command.ts";
import { REFLECTOR_FLAGS, reflectorConfigFromFlags } from "../../commands/_reflector_flags.ts";
import { heartbeatCommand } from "../../commands/heartbeat.ts";
import { sidecarCommand } from "../../commands/sidecar.ts";
import { supervisorCommand } from "../../commands/supervisor.ts";
import { tableLimitsCommand } from "../../commands/table_limits.ts";
import { upCommand } from "../../commands/up.ts";
import { EXECUTIVE_DEFAULTS } from "../../lib/executive/mod.ts";
import { parseFlags } from "../../lib/flags/mod.ts";
import { HEARTBEAT_DEFAULTS } from "../../lib/heartbeat/mod.ts";
import { silentLogger } from "../../lib/log/mod.ts";
import { resolveReflectorConfig } from "../../lib/reflector/mod.ts";
import { SIDECAR_DEFAULTS } from "../../lib/sidecar/mod.ts";
import { SUPERVISOR_DEFAULTS } from "../../lib/supervisor/mod.ts";
import { UP_DEFAULTS } from "../../lib/up/mod.ts";

Deno.test("reflector flags left at their defaults give the reflector configuration's defaults", () => {
  const required = { ldbPath: "/a/ldb.db", upstreamDriver: "sqlite3", upstreamDsn: "/a/c.db" };
  const { values } = parseFlags(REFLECTOR_FLAGS, [
    "-ldb-path",
    required.ldbPath,
    "-upstream-driver",
    required.upstreamDriver,
    "-upstream-dsn",
    required.upstreamDsn,
  ], {});
  const { logger: _logger, ...fromFlags } = resolveReflectorConfig(
    reflectorConfigFromFlags(values, silentLogger),
  );
  const { logger: _none, ...defaults } = resolveReflectorConfig(required);
  assert.deepEqual(fromFlags, defaults);
});

/** The default a flag shows, parsed as the command line would parse it. */
function flagDefault(command: Command, flag: string, args: string[] = []): unknown {
  const { values } = parseFlags(command.flags, args, {});
  return (values as Record<string, unknown>)[flag];
}

Deno.test("service flags default to the values of their configuration's defaults", () => {
  const update = tableLimitsCommand.subcommands!.find((command) => command.name === "update")!;
  const heartbeatArgs = ["-writer-secret", "s"];
  const updateArgs = ["-f", "fam", "-t", "tbl"];
  const supervisorArgs = [
    "-snapshot-url",
    "file:///s.db",
    "-reflector.ldb-path",
    "/a/ldb.db",
    "-reflector.upstream-driver",
    "sqlite3",
    "-reflector.upstream-dsn",
    "/a/c.db",
  ];
  const cases: [Command, string, unknown, string[]?][] = [
    [heartbeatCommand, "heartbeat-interval", HEARTBEAT_DEFAULTS.intervalMs, heartbeatArgs],
    [heartbeatCommand, "executive-url", HEARTBEAT_DEFAULTS.executiveUrl, heartbeatArgs],
    [heartbeatCommand, "family-name", HEARTBEAT_DEFAULTS.familyName, heartbeatArgs],
    [heartbeatCommand, "table-name", HEARTBEAT_DEFAULTS.tableName, heartbeatArgs],
    [heartbeatCommand, "writer-name", HEARTBEAT_DEFAULTS.writerName, heartbeatArgs],
    [
      supervisorCommand,
      "snapshot-interval",
      SUPERVISOR_DEFAULTS.snapshotIntervalMs,
      supervisorArgs,
    ],
    [supervisorCommand, "max-snapshot-lag", SUPERVISOR_DEFAULTS.maxSnapshotLag, supervisorArgs],
    [sidecarCommand, "bind-addr", SIDECAR_DEFAULTS.bindAddr],
    [sidecarCommand, "max-rows", SIDECAR_DEFAULTS.maxRows],
    [sidecarCommand, "min-seq-timeout", SIDECAR_DEFAULTS.minSeqTimeoutMs],
    [sidecarCommand, "changes-max-wait", SIDECAR_DEFAULTS.changesMaxWaitMs],
    [sidecarCommand, "watch-heartbeat", SIDECAR_DEFAULTS.watchHeartbeatMs],
    [sidecarCommand, "integrity-check", SIDECAR_DEFAULTS.integrityCheck],
    [upCommand, "data-dir", UP_DEFAULTS.dataDir],
    [upCommand, "executive-bind", UP_DEFAULTS.executiveBind],
    [upCommand, "sidecar-bind", UP_DEFAULTS.sidecarBind],
    [upCommand, "heartbeat-interval", UP_DEFAULTS.heartbeatIntervalMs],
    [upCommand, "poll-interval", UP_DEFAULTS.pollIntervalMs],
    [update, "max-size", EXECUTIVE_DEFAULTS.maxTableSize, updateArgs],
    [update, "warn-size", EXECUTIVE_DEFAULTS.warnTableSize, updateArgs],
  ];
  for (const [command, flag, expected, args] of cases) {
    assert.equal(flagDefault(command, flag, args), expected, `${command.name} -${flag}`);
  }
});
