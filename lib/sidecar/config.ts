/**
 * The sidecar's defaults in one object, {@linkcode SIDECAR_DEFAULTS}: what `startSidecar` and
 * its request handler fall back to, and what the flags of `ctlstore sidecar` show; and the
 * checks of the request-handling settings, {@linkcode resolveSidecarSettings}, which both run
 * (`startSidecar` before it serves or waits for its LDB).
 *
 * @module
 */
import { DEFAULT_INTEGRITY_CHECK } from "../ldb/mod.ts";
import { DEFAULT_CHANGES_MAX_WAIT_MS } from "./changes_routes.ts";
import { DEFAULT_WATCH_HEARTBEAT_MS } from "./event_stream.ts";
import { DEFAULT_MIN_SEQ_TIMEOUT_MS } from "./min_seq.ts";
import { DEFAULT_WRITE_TIMEOUT_MS } from "./prefix_scan.ts";

/**
 * The defaults of `SidecarConfig`: the original's flag defaults (spec §2.8) and ours for the
 * change feed and read-your-writes waits.
 *
 * @example
 * ```ts
 * import { SIDECAR_DEFAULTS } from "./config.ts";
 *
 * console.log(SIDECAR_DEFAULTS.bindAddr); // 0.0.0.0:1331
 * ```
 */
export const SIDECAR_DEFAULTS = Object.freeze({
  bindAddr: "0.0.0.0:1331",
  maxRows: 0,
  readTimeoutMs: 5000,
  minSeqTimeoutMs: DEFAULT_MIN_SEQ_TIMEOUT_MS,
  changesMaxWaitMs: DEFAULT_CHANGES_MAX_WAIT_MS,
  watchHeartbeatMs: DEFAULT_WATCH_HEARTBEAT_MS,
  writeTimeoutMs: DEFAULT_WRITE_TIMEOUT_MS,
  shutdownTimeoutMs: 5000,
  integrityCheck: DEFAULT_INTEGRITY_CHECK,
  ldbPollIntervalMs: 1000,
});

/** The request-handling settings of a sidecar, each optional (its default then applies). */
export interface SidecarSettings {
  /** Prefix reads returning more rows answer 416; 0 means unlimited. */
  maxRows: number;
  /** Request bodies must arrive within this many milliseconds, else 408. */
  readTimeoutMs: number;
  /** Longest wait for a request's `X-Ctlstore-Min-Seq`, in milliseconds; then 504. */
  minSeqTimeoutMs: number;
  /** `wait` of `/changes` beyond this is clamped to it, in milliseconds. */
  changesMaxWaitMs: number;
  /** `/watch` sends a heartbeat at least this often, in milliseconds. */
  watchHeartbeatMs: number;
  /** A streamed answer the client does not read for this long is aborted, in milliseconds. */
  writeTimeoutMs: number;
}

function checkDuration(what: string, value: number, positive: boolean): number {
  if (!Number.isFinite(value) || value < 0 || (positive && value === 0)) {
    const rule = positive ? "a positive" : "a non-negative";
    throw new RangeError(`${what} must be ${rule} duration, got ${value} ms`);
  }
  return value;
}

/**
 * Checks the request-handling settings and fills in their defaults.
 *
 * @throws {RangeError} For a negative `maxRows`, a negative `minSeqTimeoutMs` or
 *   `changesMaxWaitMs`, or a `watchHeartbeatMs` or `writeTimeoutMs` that is not positive.
 * @example
 * ```ts
 * import { resolveSidecarSettings } from "./config.ts";
 *
 * resolveSidecarSettings({ maxRows: 1000 }).minSeqTimeoutMs; // 5000
 * ```
 */
export function resolveSidecarSettings(
  settings: { readonly [K in keyof SidecarSettings]?: number | undefined },
): SidecarSettings {
  const d = SIDECAR_DEFAULTS;
  const maxRows = settings.maxRows ?? d.maxRows;
  if (!Number.isSafeInteger(maxRows) || maxRows < 0) {
    throw new RangeError(`max rows must be a non-negative integer, got ${maxRows}`);
  }
  return {
    maxRows,
    readTimeoutMs: settings.readTimeoutMs ?? d.readTimeoutMs,
    minSeqTimeoutMs: checkDuration(
      "min seq timeout",
      settings.minSeqTimeoutMs ?? d.minSeqTimeoutMs,
      false,
    ),
    changesMaxWaitMs: checkDuration(
      "changes max wait",
      settings.changesMaxWaitMs ?? d.changesMaxWaitMs,
      false,
    ),
    watchHeartbeatMs: checkDuration(
      "watch heartbeat",
      settings.watchHeartbeatMs ?? d.watchHeartbeatMs,
      true,
    ),
    writeTimeoutMs: checkDuration(
      "write timeout",
      settings.writeTimeoutMs ?? d.writeTimeoutMs,
      true,
    ),
  };
}
