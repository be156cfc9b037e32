/**
 * `ctlstore supervisor`: an embedded reflector plus periodic online snapshots of its LDB to
 * `file://` and `s3://` destinations (spec §2.7, §12; DESIGN §3.7).
 *
 * @module
 */
import { formatListenAddress } from "../lib/http/mod.ts";
import {
  type FlagSpec,
  formatGoDuration,
  prefixFlags,
  unprefixFlagValues,
} from "../lib/flags/mod.ts";
import { createLogger } from "../lib/log/mod.ts";
import { startSupervisor, SUPERVISOR_DEFAULTS } from "../lib/supervisor/mod.ts";
import { defineCommand } from "./_command.ts";
import { DOGSTATSD_FLAGS } from "./_dogstatsd.ts";
import {
  REFLECTOR_FLAG_NAMES,
  REFLECTOR_FLAGS,
  reflectorConfigFromFlags,
} from "./_reflector_flags.ts";
import { type FlagNames, namingFlags, type SettingFlags, settingsFromFlags } from "./_settings.ts";
import { runUntilShutdown } from "./_shutdown.ts";

/** `-ledger-latency-health.*`: the reflector's `-ledger-latency.*` flags, accepted and ignored. */
const LEDGER_LATENCY_HEALTH_FLAGS = Object.fromEntries(
  Object.entries(REFLECTOR_FLAGS)
    .filter(([name]) => name.startsWith("ledger-latency."))
    .map(([name, spec]) => [
      name.replace(/^ledger-latency\./, "ledger-latency-health."),
      { ...spec, help: "accepted for compatibility; ignored, as in the original" },
    ]),
) as Record<`ledger-latency-health.${string}`, FlagSpec>;

const FLAGS = {
  "snapshot-interval": {
    type: "duration",
    help: "wait between snapshots (none at start)",
    default: formatGoDuration(SUPERVISOR_DEFAULTS.snapshotIntervalMs),
  },
  "snapshot-url": {
    type: "string",
    help: "comma-separated destinations: s3://bucket/key[.gz] and/or file:///abs/path[.gz]",
    required: true,
  },
  "max-snapshot-lag": {
    type: "int",
    help: "most ledger statements a published snapshot may be behind upstream",
    default: String(SUPERVISOR_DEFAULTS.maxSnapshotLag),
  },
  "metrics-bind": {
    type: "string",
    help: "address to serve Prometheus /metrics and /healthz on (empty: not served)",
  },
  debug: { type: "bool", help: "debug logging" },
  shadow: { type: "bool", help: 'adds the metric label shadow="true"' },
  ...LEDGER_LATENCY_HEALTH_FLAGS,
  ...prefixFlags("reflector", REFLECTOR_FLAGS, {
    "ledger-latency.disable": { default: "true" },
    "metrics-bind": { help: "accepted for compatibility; use -metrics-bind (ignored)" },
  }),
  ...DOGSTATSD_FLAGS,
} as const;

/** Which flag sets which setting of the supervisor's configuration. */
const SETTINGS = {
  snapshotUrls: "snapshot-url",
  snapshotIntervalMs: "snapshot-interval",
  maxSnapshotLag: "max-snapshot-lag",
  metricsBind: "metrics-bind",
  shadow: "shadow",
} as const satisfies SettingFlags<typeof FLAGS>;

/** The embedded reflector's settings are named `reflector.<setting>` in the supervisor's errors. */
const FLAG_NAMES: FlagNames[] = [
  { flags: FLAGS, settings: SETTINGS },
  { ...REFLECTOR_FLAG_NAMES, prefix: "reflector." },
];

/** The `supervisor` command. */
export const supervisorCommand = defineCommand({
  name: "supervisor",
  summary: "run a private reflector and publish snapshots of its LDB",
  description: "Runs an embedded reflector (configured by the -reflector.* flags; a missing\n" +
    "-reflector.bootstrap-url snapshot means 'start empty') and, every -snapshot-interval, copies\n" +
    "its LDB online (SQLite backup API; the reflector keeps running) and publishes the copy to every\n" +
    "-snapshot-url in parallel: file:///path (atomic rename, plus <path>.checksum) and\n" +
    "s3://bucket/key (multipart, metadata 'checksum'); names ending in .gz are gzipped. The\n" +
    "checksum is base64(SHA-1) of the uncompressed file. No snapshot is published while the\n" +
    "reflector is more than -max-snapshot-lag ledger statements behind upstream. With\n" +
    "-reflector.families the LDB, and so every snapshot, holds only those families. A failed or\n" +
    `skipped round is retried after ${
      formatGoDuration(SUPERVISOR_DEFAULTS.retryDelayMs)
    }. S3 credentials and region come from the AWS_*\n` +
    "environment variables. -reflector.metrics-bind, -reflector.dogstatsd.*,\n" +
    "-reflector.multi-reflector.* and -ledger-latency-health.* are accepted and ignored.",
  flags: FLAGS,
  async run(values) {
    const logger = createLogger("supervisor", { debug: values.debug });
    // The original defaults -reflector.ledger-latency.disable to true; that is no reason to
    // print its deprecation notice on every start.
    const reflectorValues = {
      ...unprefixFlagValues("reflector", REFLECTOR_FLAGS, values),
      "ledger-latency.disable": false,
    };
    const reflector = {
      ...reflectorConfigFromFlags(reflectorValues, logger.child("reflector")),
      metricsBind: "",
    };
    await runUntilShutdown(
      () =>
        namingFlags(
          startSupervisor({ ...settingsFromFlags(values, SETTINGS), reflector, logger }),
          ...FLAG_NAMES,
        ),
      (supervisor) => {
        if (!supervisor.address) return;
        const { hostname, port } = supervisor.address;
        logger.info("serving metrics", { address: formatListenAddress({ hostname, port }) });
      },
    );
  },
});
