/**
 * The `/healthz` answer every service with a health verdict gives: 200 `ok: <reason>` or 503
 * `<reason>`, one line of plain text. Deciding the verdict belongs to each service.
 *
 * @module
 */

/** A health verdict with its one-line reason. */
export interface HealthReport {
  /** Whether `/healthz` answers 200. */
  healthy: boolean;
  /** One line saying why. */
  reason: string;
}

/**
 * Turns a verdict into the `/healthz` response: 200 `ok: <reason>` or 503 `<reason>`.
 *
 * @example
 * ```ts
 * import { healthResponse } from "./health.ts";
 *
 * healthResponse({ healthy: false, reason: "no heartbeat written for 1m0s" }).status; // 503
 * ```
 */
export function healthResponse(report: HealthReport): Response {
  const line = report.healthy ? `ok: ${report.reason}` : report.reason;
  return new Response(`${line.replace(/[\r\n]+/g, " ")}\n`, {
    status: report.healthy ? 200 : 503,
    headers: { "content-type": "text/plain; charset=utf-8" },
  });
}
