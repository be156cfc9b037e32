/**
 * The reflector's configuration: what `ctlstore reflector`'s flags (spec §2.5) turn into, with
 * the defaults and checks in one place. Commands, the supervisor and `ctlstore up` build a
 * {@linkcode ReflectorConfig}; the reflector works from the {@linkcode ResolvedReflectorConfig}.
 *
 * Deliberate differences from the original: WAL checkpointing is on by default (every 10 s above
 * 8 MiB, DESIGN §3.6: the reflector owns checkpointing), `-wal-checkpoint-type` is validated,
 * `-poll-timeout 0` means no timeout instead of a stalled reflector, failures back off
 * exponentially (100 ms doubling to 30 s) while an unreachable upstream is probed every second,
 * and a malformed `-metrics-bind` is rejected here, before anything is opened or created.
 * This is the one place of the reflector's defaults ({@linkcode REFLECTOR_DEFAULTS}, which the
 * flags show) and of the checks on its settings (the commands only map flags to settings).
 *
 * @module
 */
import { basename } from "node:path";
import { DEFAULT_LEDGER_TABLE, UPSTREAM_DRIVERS } from "../ctldb/mod.ts";
import { parseListenAddress } from "../http/mod.ts";
import {
  DEFAULT_BUSY_TIMEOUT_MS,
  DEFAULT_INTEGRITY_CHECK,
  type IntegrityCheckMode,
  parseIntegrityCheckMode,
} from "../ldb/mod.ts";
import type { Logger } from "../log/mod.ts";
import type { Registry } from "../metrics/mod.ts";
import { nonNegative, positive, SettingError } from "../setting_error.ts";
import { DEFAULT_INIT_SNAPSHOT_METRICS_PATH } from "./init_snapshot_metrics.ts";
import { resolveFamilySet } from "./family_filter.ts";

/**
 * The checkpoint modes of `PRAGMA wal_checkpoint`.
 *
 * @example
 * ```ts
 * import { WAL_CHECKPOINT_TYPES } from "./config.ts";
 *
 * WAL_CHECKPOINT_TYPES.includes("TRUNCATE"); // true
 * ```
 */
export const WAL_CHECKPOINT_TYPES = ["PASSIVE", "FULL", "RESTART", "TRUNCATE"] as const;

/** One of {@linkcode WAL_CHECKPOINT_TYPES}. */
export type WalCheckpointType = typeof WAL_CHECKPOINT_TYPES[number];

/** What a reflector needs; only the LDB path and the upstream are required. */
export interface ReflectorConfig {
  /** The LDB file. */
  ldbPath: string;
  /** `mysql`, `postgres`, or `sqlite3` (any of the ctldb registry's `UPSTREAM_DRIVERS`). */
  upstreamDriver: string;
  /** The ctldb DSN (for `sqlite3`: the path of the SQLite ctldb). */
  upstreamDsn: string;
  /** Ledger table (default `ctlstore_dml_ledger`). */
  upstreamLedgerTable?: string;
  /** Changelog file; the changelog is on when this is set and `changelogSize` > 0. */
  changelogPath?: string;
  /** Changelog rotation size in bytes (default 1 MiB). */
  changelogSize?: number;
  /**
   * Entries kept in the LDB's change history (default {@linkcode DEFAULT_CHANGE_HISTORY_SIZE};
   * 0 turns the history off and removes it).
   */
  changeHistorySize?: number;
  /**
   * The families this LDB carries (`-families`): only their tables, rows and change history
   * are applied; the heartbeat family `ctlstore` is added unless an entry `-ctlstore` excludes
   * it. Empty or absent: every family (a full LDB). See `family_filter.ts`.
   */
  families?: readonly string[];
  /** Snapshot to start from when the LDB file is absent: `file:`, `s3:`, `http(s):`, `data:`. */
  bootstrapUrl?: string;
  /** AWS region of an `s3://` bootstrap URL. */
  bootstrapRegion?: string;
  /** S3 endpoint of an `s3://` bootstrap URL (e.g. a MinIO server). */
  bootstrapEndpoint?: string;
  /** A missing snapshot means "start with an empty LDB" (supervisor mode) instead of an error. */
  bootstrapNotFoundIsEmpty?: boolean;
  /** Delay between bootstrap attempts (default 1 s). */
  bootstrapRetryDelayMs?: number;
  /**
   * The start-up integrity check of an existing LDB (`-integrity-check`): `quick` (default),
   * `full` or `off`. A damaged LDB is moved aside and rebuilt from `bootstrapUrl`, or the start
   * fails; see `ldb_check.ts`.
   */
  integrityCheck?: string;
  /** Sleep between polls when idle (default 1 s). */
  pollIntervalMs?: number;
  /** Jitter ± fraction of the poll interval (default 0.25). */
  pollJitterCoefficient?: number;
  /** Timeout of one ledger query (default 5 s; 0 = none). */
  pollTimeoutMs?: number;
  /** Max ledger rows per query (default 100). */
  queryBlockSize?: number;
  /** How long a seq gap is waited on (default 3 poll intervals, between 1 s and 5 s). */
  gapGraceMs?: number;
  /** First delay after a failure (default 100 ms). */
  backoffInitialMs?: number;
  /** Longest delay after repeated failures (default 30 s). */
  backoffMaxMs?: number;
  /**
   * While a backoff wait follows an unreachable upstream, how often it is probed (`SELECT 1`);
   * the first answer ends the wait (default 1 s, the original's fixed retry period; 0: never).
   */
  upstreamProbeIntervalMs?: number;
  /** Ledger latency above which the reflector is unhealthy (default 1 m). */
  maxHealthyLatencyMs?: number;
  /** How often the ledger latency gauge is refreshed (default 10 s). */
  ledgerLatencyPollIntervalMs?: number;
  /** Listen address of `/metrics` and `/healthz` (none when empty). */
  metricsBind?: string;
  /** WAL check period (default 10 s; 0 disables checkpointing by the reflector). */
  walPollIntervalMs?: number;
  /** WAL size above which a checkpoint runs (default 8 MiB). */
  walCheckpointThresholdSize?: number;
  /** Checkpoint mode (default `PASSIVE`). */
  walCheckpointType?: string;
  /** SQLite busy timeout of the LDB connection (0 = 5000 ms). */
  busyTimeoutMs?: number;
  /** Commit a catching-up batch after this many entries (default 10 000). */
  maxBatchStatements?: number;
  /** Commit a catching-up batch after this long (default 200 ms). */
  maxBatchMs?: number;
  /**
   * The `download.sh` report read (and deleted) at startup (default
   * `/var/spool/ctlstore/metrics.json`, as the original; empty: not read).
   */
  initSnapshotMetricsPath?: string;
  /** Name in logs and the `id` metrics label (default `<basename(ldbPath)>-0`). */
  id?: string;
  /** Cancels a bootstrap in progress (a SIGTERM during a long download). */
  signal?: AbortSignal;
  /** Logger (default: none). */
  logger?: Logger;
  /** Registry for the metrics (default: a new one). */
  registry?: Registry;
}

/** A {@linkcode ReflectorConfig} with every default filled in. */
export type ResolvedReflectorConfig =
  & Required<
    Omit<
      ReflectorConfig,
      "logger" | "registry" | "signal" | "walCheckpointType" | "families" | "integrityCheck"
    >
  >
  & {
    walCheckpointType: WalCheckpointType;
    integrityCheck: IntegrityCheckMode;
    /** The carried families, sorted; `undefined` for every family. */
    families: readonly string[] | undefined;
    logger?: Logger;
    registry?: Registry;
    signal?: AbortSignal;
  };

/**
 * The reflector ID the original uses in logs and metrics: `<basename(path)>-<index>`.
 *
 * @example
 * ```ts
 * import { reflectorId } from "./config.ts";
 *
 * reflectorId("/var/spool/ctlstore/ldb.db", 0); // "ldb.db-0"
 * ```
 */
export function reflectorId(ldbPath: string, index: number): string {
  return `${basename(ldbPath)}-${index}`;
}

/**
 * Entries a reflector keeps in the LDB's change history unless told otherwise.
 *
 * @example
 * ```ts
 * import { DEFAULT_CHANGE_HISTORY_SIZE } from "./config.ts";
 *
 * console.log(DEFAULT_CHANGE_HISTORY_SIZE); // 100000
 * ```
 */
export const DEFAULT_CHANGE_HISTORY_SIZE = 100_000;

/**
 * The defaults of {@linkcode ReflectorConfig}: the original's flag defaults (spec §2.5) except
 * where DESIGN §3.6 deliberately differs (WAL checkpointing on, backoff, upstream probes). The
 * flags of `ctlstore reflector` take their defaults from here.
 *
 * @example
 * ```ts
 * import { REFLECTOR_DEFAULTS } from "./config.ts";
 *
 * console.log(REFLECTOR_DEFAULTS.pollIntervalMs); // 1000
 * ```
 */
export const REFLECTOR_DEFAULTS = Object.freeze({
  upstreamLedgerTable: DEFAULT_LEDGER_TABLE,
  changelogSize: 1_048_576,
  changeHistorySize: DEFAULT_CHANGE_HISTORY_SIZE,
  bootstrapRetryDelayMs: 1000,
  integrityCheck: DEFAULT_INTEGRITY_CHECK,
  pollIntervalMs: 1000,
  pollJitterCoefficient: 0.25,
  pollTimeoutMs: 5000,
  queryBlockSize: 100,
  backoffInitialMs: 100,
  backoffMaxMs: 30_000,
  upstreamProbeIntervalMs: 1000,
  maxHealthyLatencyMs: 60_000,
  ledgerLatencyPollIntervalMs: 10_000,
  walPollIntervalMs: 10_000,
  walCheckpointThresholdSize: 8_388_608,
  walCheckpointType: "PASSIVE" as WalCheckpointType,
  busyTimeoutMs: DEFAULT_BUSY_TIMEOUT_MS,
  maxBatchStatements: 10_000,
  maxBatchMs: 200,
});

/** The settings with a number default that must not be negative. */
type NumericSetting =
  | "bootstrapRetryDelayMs"
  | "pollTimeoutMs"
  | "backoffInitialMs"
  | "backoffMaxMs"
  | "upstreamProbeIntervalMs"
  | "maxHealthyLatencyMs"
  | "walPollIntervalMs"
  | "walCheckpointThresholdSize"
  | "maxBatchMs";

function metricsBind(address: string | undefined): string {
  if (address) parseListenAddress(address); // throws: invalid listen address '…': expected host:port
  return address ?? "";
}

function walCheckpointType(value: string | undefined): WalCheckpointType {
  const type = (value ?? REFLECTOR_DEFAULTS.walCheckpointType).toUpperCase();
  if ((WAL_CHECKPOINT_TYPES as readonly string[]).includes(type)) return type as WalCheckpointType;
  const reason = `expected one of ${WAL_CHECKPOINT_TYPES.join(", ")}`;
  throw new SettingError({
    setting: "walCheckpointType",
    value,
    reason,
    message: `invalid wal checkpoint type '${value}': ${reason}`,
  });
}

/**
 * Checks a configuration and fills in the defaults.
 *
 * @throws {TypeError} For a missing LDB path or DSN, an unknown integrity check mode, invalid
 *   families, or a malformed metrics address.
 * @throws {SettingError} For an unknown driver or checkpoint type, and for negative or zero
 *   durations and sizes where they make no sense; it names the setting, so `ctlstore reflector`
 *   can name the flag.
 * @example
 * ```ts
 * import { resolveReflectorConfig } from "./config.ts";
 *
 * const config = resolveReflectorConfig({
 *   ldbPath: "/tmp/ldb.db",
 *   upstreamDriver: "sqlite3",
 *   upstreamDsn: "/tmp/ctldb.db",
 * });
 * config.pollIntervalMs; // 1000
 * ```
 */
export function resolveReflectorConfig(config: ReflectorConfig): ResolvedReflectorConfig {
  const d = REFLECTOR_DEFAULTS;
  if (!config.ldbPath) throw new TypeError("the LDB path is required");
  if (!UPSTREAM_DRIVERS.includes(config.upstreamDriver)) {
    const expected = `expected one of ${UPSTREAM_DRIVERS.join(", ")}`;
    throw new SettingError({
      setting: "upstreamDriver",
      value: config.upstreamDriver,
      reason: expected,
      message: `unsupported upstream driver '${config.upstreamDriver}': ${expected}`,
    });
  }
  if (!config.upstreamDsn) throw new TypeError("the upstream DSN is required");
  const pollIntervalMs = positive(
    "pollIntervalMs",
    "poll interval",
    config.pollIntervalMs ?? d.pollIntervalMs,
  );
  const number = (key: NumericSetting, description: string) =>
    nonNegative(key, description, config[key] ?? d[key]);
  return {
    ldbPath: config.ldbPath,
    upstreamDriver: config.upstreamDriver,
    upstreamDsn: config.upstreamDsn,
    upstreamLedgerTable: config.upstreamLedgerTable || d.upstreamLedgerTable,
    changelogPath: config.changelogPath ?? "",
    changelogSize: config.changelogSize ?? d.changelogSize,
    changeHistorySize: nonNegative(
      "changeHistorySize",
      "change history size",
      config.changeHistorySize ?? d.changeHistorySize,
      true,
    ),
    families: resolveFamilySet(config.families ?? []),
    bootstrapUrl: config.bootstrapUrl ?? "",
    bootstrapRegion: config.bootstrapRegion ?? "",
    bootstrapEndpoint: config.bootstrapEndpoint ?? "",
    bootstrapNotFoundIsEmpty: config.bootstrapNotFoundIsEmpty ?? false,
    bootstrapRetryDelayMs: number("bootstrapRetryDelayMs", "bootstrap retry delay"),
    integrityCheck: parseIntegrityCheckMode(config.integrityCheck),
    pollIntervalMs,
    pollJitterCoefficient: config.pollJitterCoefficient ?? d.pollJitterCoefficient,
    pollTimeoutMs: number("pollTimeoutMs", "poll timeout"),
    // 0 means the default, as in the original.
    queryBlockSize:
      nonNegative("queryBlockSize", "query block size", config.queryBlockSize ?? 0, true) ||
      d.queryBlockSize,
    gapGraceMs: nonNegative(
      "gapGraceMs",
      "gap grace period",
      config.gapGraceMs ?? Math.min(5000, Math.max(1000, 3 * pollIntervalMs)),
    ),
    backoffInitialMs: number("backoffInitialMs", "first backoff delay"),
    backoffMaxMs: number("backoffMaxMs", "longest backoff delay"),
    upstreamProbeIntervalMs: number("upstreamProbeIntervalMs", "upstream probe interval"),
    maxHealthyLatencyMs: number("maxHealthyLatencyMs", "max healthy latency"),
    // 0 means the default.
    ledgerLatencyPollIntervalMs: nonNegative(
      "ledgerLatencyPollIntervalMs",
      "ledger latency poll interval",
      config.ledgerLatencyPollIntervalMs ?? 0,
    ) || d.ledgerLatencyPollIntervalMs,
    metricsBind: metricsBind(config.metricsBind),
    walPollIntervalMs: number("walPollIntervalMs", "wal poll interval"),
    walCheckpointThresholdSize: number("walCheckpointThresholdSize", "wal checkpoint threshold"),
    walCheckpointType: walCheckpointType(config.walCheckpointType),
    // 0 means the default, as in the original.
    busyTimeoutMs: nonNegative("busyTimeoutMs", "busy timeout", config.busyTimeoutMs ?? 0, true) ||
      d.busyTimeoutMs,
    maxBatchStatements: config.maxBatchStatements || d.maxBatchStatements,
    maxBatchMs: number("maxBatchMs", "batch commit interval"),
    initSnapshotMetricsPath: config.initSnapshotMetricsPath ?? DEFAULT_INIT_SNAPSHOT_METRICS_PATH,
    id: config.id || reflectorId(config.ldbPath, 0),
    logger: config.logger,
    registry: config.registry,
    signal: config.signal,
  };
}
