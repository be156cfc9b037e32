/**
 * The heartbeat's configuration: what `ctlstore heartbeat`'s flags (spec §2.9) turn into, with
 * the defaults ({@linkcode HEARTBEAT_DEFAULTS}, which the flags show) and the checks in one
 * place. The service itself is `heartbeat.ts`.
 *
 * @module
 */
import { DEFAULT_EXECUTIVE_ADDRESS } from "../client/mod.ts";
import type { Logger } from "../log/mod.ts";
import type { Registry } from "../metrics/mod.ts";
import { DEFAULT_HEARTBEAT_FAMILY } from "../schema/mod.ts";
import { positive } from "../setting_error.ts";

/** Configuration of `startHeartbeat`; defaults are the original's flags (§2.9). */
export interface HeartbeatConfig {
  /**
   * Executive address; `http://` is prepended unless it starts with `http://`/`https://`
   * (default `ctlstore-executive.segment.local`).
   */
  executiveUrl?: string;
  /** Writer secret (required). */
  writerSecret: string;
  /** Default `ctlstore`. */
  familyName?: string;
  /** Default `heartbeats`. */
  tableName?: string;
  /** Default `heartbeat`. */
  writerName?: string;
  /** Milliseconds between writes, the first one immediately (default 15 000). */
  intervalMs?: number;
  /** Sent as `Authorization: Bearer <token>` when set. */
  adminToken?: string;
  /** Start-up attempts before giving up while the executive is unreachable (default 6). */
  startupAttempts?: number;
  /** First retry delay in milliseconds, doubled per attempt (default 250). */
  startupBackoffMs?: number;
  /** Per-request timeout in milliseconds (default 10 000). */
  requestTimeoutMs?: number;
  /** Where errors and progress are logged (default: nowhere). */
  logger?: Logger;
  /** Metrics registry to count into (default: a new `heartbeat` registry). */
  registry?: Registry;
  /** When set, serve `GET /metrics` and `GET /healthz` on this Go-style address. */
  metricsBind?: string;
  /** `/healthz` is 503 once the last successful write is older than this (default 3 intervals). */
  maxSuccessAgeMs?: number;
  /** Aborts start-up retries. */
  signal?: AbortSignal;
  /** The clock: Unix time in nanoseconds (default: the current time). */
  clock?: () => bigint;
}

/**
 * The defaults of {@linkcode HeartbeatConfig}: the original's flag defaults, plus the start-up
 * retries and request timeout, which the original does not have.
 *
 * @example
 * ```ts
 * import { HEARTBEAT_DEFAULTS } from "./config.ts";
 *
 * console.log(HEARTBEAT_DEFAULTS.intervalMs); // 15000
 * ```
 */
export const HEARTBEAT_DEFAULTS = Object.freeze({
  executiveUrl: DEFAULT_EXECUTIVE_ADDRESS,
  familyName: DEFAULT_HEARTBEAT_FAMILY,
  tableName: "heartbeats",
  writerName: "heartbeat",
  intervalMs: 15_000,
  startupAttempts: 6,
  startupBackoffMs: 250,
  requestTimeoutMs: 10_000,
});

/** A {@linkcode HeartbeatConfig} with every default filled in. */
export type ResolvedHeartbeatConfig =
  & Required<
    Omit<HeartbeatConfig, "adminToken" | "logger" | "registry" | "metricsBind" | "signal" | "clock">
  >
  & Pick<
    HeartbeatConfig,
    "adminToken" | "logger" | "registry" | "metricsBind" | "signal" | "clock"
  >;

/**
 * Checks a heartbeat interval (a setting of `ctlstore up` too).
 *
 * @param setting The setting's key where the interval is set.
 * @throws {SettingError} When it is not positive.
 * @example
 * ```ts
 * import { heartbeatInterval } from "./config.ts";
 *
 * heartbeatInterval(15_000); // 15000
 * ```
 */
export function heartbeatInterval(intervalMs: number, setting = "intervalMs"): number {
  return positive(setting, "heartbeat interval", intervalMs);
}

/**
 * Checks a configuration and fills in the defaults.
 *
 * @throws {SettingError} For an interval that is not positive.
 * @example
 * ```ts
 * import { resolveHeartbeatConfig } from "./config.ts";
 *
 * const config = resolveHeartbeatConfig({ writerSecret: "s3cret" });
 * config.tableName; // "heartbeats"
 * ```
 */
export function resolveHeartbeatConfig(config: HeartbeatConfig): ResolvedHeartbeatConfig {
  const d = HEARTBEAT_DEFAULTS;
  const intervalMs = heartbeatInterval(config.intervalMs ?? d.intervalMs);
  return {
    ...config,
    executiveUrl: config.executiveUrl || d.executiveUrl,
    familyName: config.familyName ?? d.familyName,
    tableName: config.tableName ?? d.tableName,
    writerName: config.writerName ?? d.writerName,
    intervalMs,
    startupAttempts: Math.max(1, config.startupAttempts ?? d.startupAttempts),
    startupBackoffMs: config.startupBackoffMs ?? d.startupBackoffMs,
    requestTimeoutMs: config.requestTimeoutMs ?? d.requestTimeoutMs,
    maxSuccessAgeMs: config.maxSuccessAgeMs ?? 3 * intervalMs,
  };
}
