/**
 * The heartbeat's own health: healthy while its last successful write is recent (by default
 * within three intervals). A heartbeat that cannot write (executive down, wrong secret, full
 * ctldb) turns its `/healthz` to 503 with the reason, while the reflectors' ledger latency shows
 * the same outage on every host. This module only judges; serving is in `heartbeat.ts`.
 *
 * @module
 */
import { formatGoDuration } from "../flags/mod.ts";
import type { HealthReport } from "../http/mod.ts";

/** What the heartbeat knows about its writes. */
export interface HeartbeatProgress {
  /** When the service started (Unix ms). */
  startedAt: number;
  /** When the last write succeeded (Unix ms); absent before the first. */
  lastSuccessAt?: number;
  /** The last failure (start-up or write), cleared by a success. */
  lastError?: string;
}

/**
 * Judges a heartbeat: healthy when the last write succeeded at most `maxAgeMs` ago.
 *
 * @param progress Start time, last success, last error.
 * @param maxAgeMs The oldest last success that is still healthy.
 * @param now The current Unix time in ms.
 * @returns The verdict and a one-line reason.
 * @example
 * ```ts
 * import { evaluateHeartbeatHealth } from "./health.ts";
 *
 * const now = Date.now();
 * evaluateHeartbeatHealth({ startedAt: now - 60_000, lastSuccessAt: now - 5_000 }, 45_000, now);
 * // { healthy: true, reason: "last heartbeat written 5s ago" }
 * ```
 */
export function evaluateHeartbeatHealth(
  progress: HeartbeatProgress,
  maxAgeMs: number,
  now: number = Date.now(),
): HealthReport {
  const error = progress.lastError ? `: ${progress.lastError}` : "";
  if (progress.lastSuccessAt === undefined) {
    const since = formatGoDuration(Math.max(0, now - progress.startedAt));
    return { healthy: false, reason: `no heartbeat written since the start ${since} ago${error}` };
  }
  const age = Math.max(0, now - progress.lastSuccessAt);
  if (age > maxAgeMs) {
    return {
      healthy: false,
      reason: `last heartbeat written ${formatGoDuration(age)} ago, more than ${
        formatGoDuration(maxAgeMs)
      }${error}`,
    };
  }
  return { healthy: true, reason: `last heartbeat written ${formatGoDuration(age)} ago` };
}
