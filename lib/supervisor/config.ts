/**
 * The supervisor's configuration: what `ctlstore supervisor`'s flags (spec §2.7) turn into, with
 * the defaults ({@linkcode SUPERVISOR_DEFAULTS}, which the flags show) and the checks in one
 * place, those of the embedded reflector included, so a bad setting fails before anything is
 * created. The service itself is `supervisor.ts`.
 *
 * @module
 */
import type { Logger } from "../log/mod.ts";
import type { Registry } from "../metrics/mod.ts";
import { type ReflectorConfig, resolveReflectorConfig } from "../reflector/mod.ts";
import type { S3Options } from "../s3/mod.ts";
import { nonNegative, positive, SettingError } from "../setting_error.ts";

/** What `ctlstore supervisor` turns its flags into. */
export interface SupervisorConfig {
  /** The embedded reflector; its bootstrap treats a missing snapshot as "start empty". */
  reflector: ReflectorConfig;
  /** Destinations: `s3://bucket/key[.gz]` and `file:///abs/path[.gz]`, comma-separated or listed. */
  snapshotUrls: string | readonly string[];
  /** Wait between snapshots (default 5 minutes; no snapshot at start). */
  snapshotIntervalMs?: number;
  /** Most ledger statements a published snapshot may be behind upstream (default 1000). */
  maxSnapshotLag?: number;
  /** Wait after a failed or skipped round (default 5 s, never more than the interval). */
  retryDelayMs?: number;
  /** Listen address of `/metrics` and `/healthz` (none when empty). */
  metricsBind?: string;
  /** Adds the metric label `shadow="true"`. */
  shadow?: boolean;
  /** S3 settings of `s3://` destinations (default: `AWS_*` environment variables). */
  s3?: S3Options;
  /** Logger (default: none). */
  logger?: Logger;
  /** Registry for the supervisor's and the reflector's metrics (default: a new one). */
  registry?: Registry;
}

/**
 * The defaults of {@linkcode SupervisorConfig}: the original's flag defaults, and the wait
 * after a failed round.
 *
 * @example
 * ```ts
 * import { SUPERVISOR_DEFAULTS } from "./config.ts";
 *
 * console.log(SUPERVISOR_DEFAULTS.maxSnapshotLag); // 1000
 * ```
 */
export const SUPERVISOR_DEFAULTS = Object.freeze({
  snapshotIntervalMs: 5 * 60_000,
  maxSnapshotLag: 1000,
  retryDelayMs: 5000,
});

/** A {@linkcode SupervisorConfig} with its own defaults filled in. */
export type ResolvedSupervisorConfig =
  & SupervisorConfig
  & Required<Pick<SupervisorConfig, "snapshotIntervalMs" | "maxSnapshotLag" | "retryDelayMs">>;

/**
 * Checks a configuration, the embedded reflector's included, and fills in the supervisor's
 * defaults (the reflector's are filled in when it starts).
 *
 * @throws {SettingError} For an interval that is not positive or a negative lag, and for a bad
 *   setting of the embedded reflector, named `reflector.<setting>`.
 * @throws {TypeError} For what the reflector's configuration rejects otherwise.
 * @example
 * ```ts
 * import { resolveSupervisorConfig } from "./config.ts";
 *
 * const config = resolveSupervisorConfig({
 *   reflector: { ldbPath: "/data/ldb.db", upstreamDriver: "sqlite3", upstreamDsn: "/data/ctldb.db" },
 *   snapshotUrls: "file:///snapshots/snapshot.db",
 * });
 * config.snapshotIntervalMs; // 300000
 * ```
 */
export function resolveSupervisorConfig(config: SupervisorConfig): ResolvedSupervisorConfig {
  const d = SUPERVISOR_DEFAULTS;
  const snapshotIntervalMs = positive(
    "snapshotIntervalMs",
    "snapshot interval",
    config.snapshotIntervalMs ?? d.snapshotIntervalMs,
  );
  const resolved = {
    ...config,
    snapshotIntervalMs,
    maxSnapshotLag: nonNegative(
      "maxSnapshotLag",
      "maximum snapshot lag",
      config.maxSnapshotLag ?? d.maxSnapshotLag,
      true,
    ),
    retryDelayMs: Math.min(
      nonNegative("retryDelayMs", "retry delay", config.retryDelayMs ?? d.retryDelayMs),
      snapshotIntervalMs,
    ),
  };
  try {
    resolveReflectorConfig(config.reflector);
  } catch (error) {
    throw error instanceof SettingError ? error.within("reflector") : error;
  }
  return resolved;
}
