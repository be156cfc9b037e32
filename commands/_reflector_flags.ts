/**
 * The flags `ctlstore reflector` and `ctlstore multi-reflector` share (spec §2.5), including the
 * original's typos (`max-healty-latency`, `unhealth-attribute-value`) and the ECS-only flags,
 * which are accepted and do nothing, and their translation into a reflector configuration.
 *
 * @module
 */
import { type FlagSpecs, type FlagValues, formatGoDuration } from "../lib/flags/mod.ts";
import { DEFAULT_INTEGRITY_CHECK } from "../lib/ldb/mod.ts";
import type { Logger } from "../lib/log/mod.ts";
import {
  DEFAULT_CHANGE_HISTORY_SIZE,
  type ReflectorConfig,
  WAL_CHECKPOINT_TYPES,
} from "../lib/reflector/mod.ts";
import { CliError } from "./_command.ts";
import { DOGSTATSD_FLAGS } from "./_dogstatsd.ts";

const ECS_NO_OP = "accepted for compatibility; ECS instance attributes are not set (no-op)";

/** Every reflector flag. */
export const REFLECTOR_FLAGS = {
  "ldb-path": { type: "string", help: "LDB file path", required: true },
  "changelog-path": {
    type: "string",
    help: "changelog file path; the changelog is on when this is set and -changelog-size > 0",
  },
  "changelog-size": { type: "int", help: "changelog rotation size in bytes", default: "1048576" },
  "change-history-size": {
    type: "int",
    help: "entries kept in the LDB's change history, read by /changes, /watch and the reader's " +
      "getChanges and watch (0: no history, and an existing one is removed)",
    default: String(DEFAULT_CHANGE_HISTORY_SIZE),
  },
  families: {
    type: "list",
    help: "carry only these families (a partial LDB; comma-separated or repeated): their tables, " +
      "rows and change history; the heartbeat family ctlstore is added unless an entry " +
      "-ctlstore excludes it. Empty: every family. Cannot change for an existing LDB",
  },
  "upstream-driver": {
    type: "string",
    help: "ctldb driver: mysql, or sqlite3 for an embedded SQLite ctldb",
    required: true,
  },
  "upstream-dsn": {
    type: "string",
    help: "ctldb DSN (mysql: user:pass@tcp(host:port)/db; sqlite3: path of the ctldb file)",
    required: true,
  },
  "upstream-ledger-table": {
    type: "string",
    help: "ledger table name",
    default: "ctlstore_dml_ledger",
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
    default: DEFAULT_INTEGRITY_CHECK,
  },
  "poll-interval": {
    type: "duration",
    help: "sleep between ledger polls when idle",
    default: "1s",
    required: true,
  },
  "poll-jitter-coefficient": {
    type: "float",
    help: "jitter of the poll interval, ± this fraction",
    default: "0.25",
  },
  "poll-timeout": {
    type: "duration",
    help: "timeout of one ledger query (0: no timeout)",
    default: "5s",
  },
  "query-block-size": { type: "int", help: "max ledger rows per query", default: "100" },
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
    default: "1m",
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
    help: "how often the ledger latency gauge is refreshed",
    default: "10s",
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
    default: "200ms",
  },
  "wal-poll-interval": {
    type: "duration",
    help: "how often the WAL size is checked and, above the threshold, checkpointed " +
      "(0: never; the original's default was 0, ours keeps the WAL bounded)",
    default: "10s",
  },
  "wal-checkpoint-threshold-size": {
    type: "int",
    help: "WAL size in bytes above which a checkpoint runs",
    default: "8388608",
  },
  "wal-checkpoint-type": {
    type: "string",
    help: "checkpoint mode: PASSIVE, FULL, RESTART or TRUNCATE",
    default: "PASSIVE",
  },
  "busy-timeout-ms": {
    type: "int",
    help: "SQLite busy timeout of the LDB connection in ms (0: 5000)",
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

const NON_NEGATIVE_DURATIONS = [
  "poll-interval",
  "poll-timeout",
  "ledger-latency.max-healty-latency",
  "ledger-latency.poll-interval",
  "catch-up-commit-interval",
  "wal-poll-interval",
] as const;

const NON_NEGATIVE_INTS = [
  "query-block-size",
  "wal-checkpoint-threshold-size",
  "busy-timeout-ms",
] as const;

/**
 * Turns parsed flags into a reflector configuration, logging notices for no-op flags.
 *
 * @throws {CliError} For an invalid `-wal-checkpoint-type` or `-upstream-driver`, or a negative
 *   duration, size or count.
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
  const type = values["wal-checkpoint-type"].toUpperCase();
  if (!(WAL_CHECKPOINT_TYPES as readonly string[]).includes(type)) {
    throw new CliError(
      `invalid value passed to wal-checkpoint-type: '${values["wal-checkpoint-type"]}' ` +
        `(expected one of ${WAL_CHECKPOINT_TYPES.join(", ")})`,
    );
  }
  for (const name of NON_NEGATIVE_DURATIONS) {
    if (values[name] < 0) {
      throw new CliError(
        `invalid value passed to ${name}: '${
          formatGoDuration(values[name])
        }' (must not be negative)`,
      );
    }
  }
  for (const name of NON_NEGATIVE_INTS) {
    if (values[name] < 0) {
      throw new CliError(
        `invalid value passed to ${name}: '${values[name]}' (must not be negative)`,
      );
    }
  }
  const driver = values["upstream-driver"];
  if (driver !== "mysql" && driver !== "sqlite3") {
    throw new CliError(`invalid value passed to upstream-driver: '${driver}' (mysql or sqlite3)`);
  }
  if (values["ledger-latency.disable"]) {
    logger.warn(
      "-ledger-latency.disable is deprecated, use -ledger-latency.disable-ecs-behavior (both are no-ops here)",
    );
  }
  if (values["dogstatsd.address"]) {
    logger.info("DogStatsD reporting is not implemented; use -metrics-bind for Prometheus metrics");
  }
  return {
    ldbPath: values["ldb-path"],
    upstreamDriver: driver,
    upstreamDsn: values["upstream-dsn"],
    upstreamLedgerTable: values["upstream-ledger-table"],
    changelogPath: values["changelog-path"],
    changelogSize: values["changelog-size"],
    changeHistorySize: values["change-history-size"],
    families: values.families,
    bootstrapUrl: values["bootstrap-url"],
    bootstrapRegion: values["bootstrap-region"],
    bootstrapEndpoint: values["bootstrap-endpoint"],
    integrityCheck: values["integrity-check"],
    pollIntervalMs: values["poll-interval"],
    pollJitterCoefficient: values["poll-jitter-coefficient"],
    pollTimeoutMs: values["poll-timeout"],
    queryBlockSize: values["query-block-size"],
    maxHealthyLatencyMs: values["ledger-latency.max-healty-latency"],
    ledgerLatencyPollIntervalMs: values["ledger-latency.poll-interval"],
    metricsBind: values["metrics-bind"],
    maxBatchMs: values["catch-up-commit-interval"],
    walPollIntervalMs: values["wal-poll-interval"],
    walCheckpointThresholdSize: values["wal-checkpoint-threshold-size"],
    walCheckpointType: type,
    busyTimeoutMs: values["busy-timeout-ms"],
    logger,
  };
}
