/**
 * The flags `ctlstore reflector` and `ctlstore multi-reflector` share (spec §2.5), including the
 * original's typos (`max-healty-latency`, `unhealth-attribute-value`) and the ECS-only flags,
 * which are accepted and do nothing, and their translation into a reflector configuration.
 * Defaults and checks are the configuration's (`REFLECTOR_DEFAULTS`, `resolveReflectorConfig`):
 * this file only says which flag sets which setting.
 *
 * @module
 */
import { type FlagSpecs, type FlagValues, formatGoDuration } from "../lib/flags/mod.ts";
import type { Logger } from "../lib/log/mod.ts";
import {
  REFLECTOR_DEFAULTS,
  type ReflectorConfig,
  WAL_CHECKPOINT_TYPES,
} from "../lib/reflector/mod.ts";
import { DOGSTATSD_FLAGS } from "./_dogstatsd.ts";
import { type FlagNames, type SettingFlags, settingsFromFlags } from "./_settings.ts";

const ECS_NO_OP = "accepted for compatibility; ECS instance attributes are not set (no-op)";

/** Every reflector flag. */
export const REFLECTOR_FLAGS = {
  "ldb-path": { type: "string", help: "LDB file path", required: true },
  "changelog-path": {
    type: "string",
    help: "changelog file path; the changelog is on when this is set and -changelog-size > 0",
  },
  "changelog-size": {
    type: "int",
    help: "changelog rotation size in bytes",
    default: String(REFLECTOR_DEFAULTS.changelogSize),
  },
  "change-history-size": {
    type: "int",
    help: "entries kept in the LDB's change history, read by /changes, /watch and the reader's " +
      "getChanges and watch (0: no history, and an existing one is removed)",
    default: String(REFLECTOR_DEFAULTS.changeHistorySize),
  },
  families: {
    type: "list",
    help: "carry only these families (a partial LDB; comma-separated or repeated): their tables, " +
      "rows and change history; the heartbeat family ctlstore is added unless an entry " +
      "-ctlstore excludes it. Empty: every family. Cannot change for an existing LDB",
  },
  "upstream-driver": {
    type: "string",
    help: "ctldb driver: mysql, postgres, or sqlite3 for an embedded SQLite ctldb",
    required: true,
  },
  "upstream-dsn": {
    type: "string",
    help: "ctldb DSN (mysql: user:pass@tcp(host:port)/db; postgres: " +
      "postgres://user:pass@host:port/db; sqlite3: path of the ctldb file)",
    required: true,
  },
  "upstream-ledger-table": {
    type: "string",
    help: "ledger table name",
    default: REFLECTOR_DEFAULTS.upstreamLedgerTable,
  },
  "bootstrap-url": {
    type: "string",
    help: "snapshot to start from when the LDB file is absent: s3://bucket/key[.gz], " +
      "file:///path[.gz], http(s)://…, data:<base64>",
  },
  "bootstrap-region": {
    type: "string",
    help:
      "AWS region of an s3:// bootstrap URL; default $AWS_REGION, $AWS_DEFAULT_REGION, us-east-1",
  },
  "bootstrap-endpoint": {
    type: "string",
    help: "S3 endpoint of an s3:// bootstrap URL (e.g. MinIO); default $AWS_ENDPOINT_URL_S3, " +
      "$AWS_ENDPOINT_URL",
  },
  "integrity-check": {
    type: "string",
    help: "start-up check of an existing LDB: quick (PRAGMA quick_check), full " +
      "(PRAGMA integrity_check, slower) or off. A damaged LDB is moved aside to " +
      "<ldb>.corrupt-<time> and rebuilt from -bootstrap-url; without one the start fails",
    default: REFLECTOR_DEFAULTS.integrityCheck,
  },
  "poll-interval": {
    type: "duration",
    help: "sleep between ledger polls when idle",
    default: formatGoDuration(REFLECTOR_DEFAULTS.pollIntervalMs),
  },
  "poll-jitter-coefficient": {
    type: "float",
    help: "jitter of the poll interval, ± this fraction",
    default: String(REFLECTOR_DEFAULTS.pollJitterCoefficient),
  },
  "poll-timeout": {
    type: "duration",
    help: "timeout of one ledger query (0: no timeout)",
    default: formatGoDuration(REFLECTOR_DEFAULTS.pollTimeoutMs),
  },
  "query-block-size": {
    type: "int",
    help: "max ledger rows per query (0: the default)",
    default: String(REFLECTOR_DEFAULTS.queryBlockSize),
  },
  debug: { type: "bool", help: "debug logging" },
  "ledger-latency.disable": {
    type: "bool",
    help: "deprecated alias of -ledger-latency.disable-ecs-behavior (no-op)",
  },
  "ledger-latency.disable-ecs-behavior": { type: "bool", help: ECS_NO_OP },
  "ledger-latency.max-healty-latency": {
    type: "duration",
    help: "ledger latency (age of the last applied write, kept low by the heartbeat) above " +
      "which /healthz answers 503, caught up or not; also how long an upstream outage may last",
    default: formatGoDuration(REFLECTOR_DEFAULTS.maxHealthyLatencyMs),
  },
  "ledger-latency.attribute-name": { type: "string", help: ECS_NO_OP, default: "ctlstore-status" },
  "ledger-latency.healthy-attribute-value": { type: "string", help: ECS_NO_OP, default: "healthy" },
  "ledger-latency.unhealth-attribute-value": {
    type: "string",
    help: ECS_NO_OP,
    default: "unhealthy",
  },
  "ledger-latency.poll-interval": {
    type: "duration",
    help: "how often the ledger latency gauge is refreshed (0: the default)",
    default: formatGoDuration(REFLECTOR_DEFAULTS.ledgerLatencyPollIntervalMs),
  },
  "ledger-latency.aws-region": { type: "string", help: ECS_NO_OP },
  "metrics-bind": {
    type: "string",
    help: "address to serve Prometheus /metrics and /healthz on (empty: not served)",
  },
  "catch-up-commit-interval": {
    type: "duration",
    help: "while catching up, commit the LDB transaction at the first ledger-transaction " +
      "boundary after this long (larger: faster replay; smaller: readers see progress sooner)",
    default: formatGoDuration(REFLECTOR_DEFAULTS.maxBatchMs),
  },
  "wal-poll-interval": {
    type: "duration",
    help: "how often the WAL size is checked and, above the threshold, checkpointed " +
      "(0: never; the original's default was 0, ours keeps the WAL bounded)",
    default: formatGoDuration(REFLECTOR_DEFAULTS.walPollIntervalMs),
  },
  "wal-checkpoint-threshold-size": {
    type: "int",
    help: "WAL size in bytes above which a checkpoint runs",
    default: String(REFLECTOR_DEFAULTS.walCheckpointThresholdSize),
  },
  "wal-checkpoint-type": {
    type: "string",
    help: `checkpoint mode: ${WAL_CHECKPOINT_TYPES.join(", ")}`,
    default: REFLECTOR_DEFAULTS.walCheckpointType,
  },
  "busy-timeout-ms": {
    type: "int",
    help: "SQLite busy timeout of the LDB connection in ms " +
      `(0, the original's default: ${REFLECTOR_DEFAULTS.busyTimeoutMs})`,
    default: "0",
  },
  "multi-reflector.ldb-paths": {
    type: "list",
    help: "LDB paths of multi-reflector, a YAML flow list: '[/a/ldb.db,/a/ldb-2.db]'",
  },
  ...DOGSTATSD_FLAGS,
} as const satisfies FlagSpecs;

/** Parsed reflector flags. */
export type ReflectorFlagValues = FlagValues<typeof REFLECTOR_FLAGS>;

/** Which flag sets which setting of {@linkcode ReflectorConfig}. */
export const REFLECTOR_SETTINGS = {
  ldbPath: "ldb-path",
  upstreamDriver: "upstream-driver",
  upstreamDsn: "upstream-dsn",
  upstreamLedgerTable: "upstream-ledger-table",
  changelogPath: "changelog-path",
  changelogSize: "changelog-size",
  changeHistorySize: "change-history-size",
  families: "families",
  bootstrapUrl: "bootstrap-url",
  bootstrapRegion: "bootstrap-region",
  bootstrapEndpoint: "bootstrap-endpoint",
  integrityCheck: "integrity-check",
  pollIntervalMs: "poll-interval",
  pollJitterCoefficient: "poll-jitter-coefficient",
  pollTimeoutMs: "poll-timeout",
  queryBlockSize: "query-block-size",
  maxHealthyLatencyMs: "ledger-latency.max-healty-latency",
  ledgerLatencyPollIntervalMs: "ledger-latency.poll-interval",
  metricsBind: "metrics-bind",
  maxBatchMs: "catch-up-commit-interval",
  walPollIntervalMs: "wal-poll-interval",
  walCheckpointThresholdSize: "wal-checkpoint-threshold-size",
  walCheckpointType: "wal-checkpoint-type",
  busyTimeoutMs: "busy-timeout-ms",
} as const satisfies SettingFlags<typeof REFLECTOR_FLAGS>;

/**
 * The reflector flags and their settings, for `namingFlags`: a value the configuration rejects
 * is reported under its flag's name.
 */
export const REFLECTOR_FLAG_NAMES: FlagNames = {
  flags: REFLECTOR_FLAGS,
  settings: REFLECTOR_SETTINGS,
};

/**
 * Turns parsed flags into a reflector configuration, logging notices for no-op flags. The
 * values are checked when the configuration is resolved (`resolveReflectorConfig`); start the
 * reflector through `namingFlags(…, REFLECTOR_FLAG_NAMES)` so that a rejected value names its
 * flag.
 *
 * @example
 * ```ts
 * import { parseFlags } from "../lib/flags/mod.ts";
 * import { silentLogger } from "../lib/log/mod.ts";
 *
 * const { values } = parseFlags(REFLECTOR_FLAGS, [
 *   "-ldb-path", "/tmp/ldb.db", "-upstream-driver", "sqlite3", "-upstream-dsn", "/tmp/ctldb.db",
 * ], {});
 * const config = reflectorConfigFromFlags(values, silentLogger);
 * ```
 */
export function reflectorConfigFromFlags(
  values: ReflectorFlagValues,
  logger: Logger,
): ReflectorConfig {
  if (values["ledger-latency.disable"]) {
    logger.warn(
      "-ledger-latency.disable is deprecated, use -ledger-latency.disable-ecs-behavior (both are no-ops here)",
    );
  }
  if (values["dogstatsd.address"]) {
    logger.info("DogStatsD reporting is not implemented; use -metrics-bind for Prometheus metrics");
  }
  return { ...settingsFromFlags(values, REFLECTOR_SETTINGS), logger };
}
