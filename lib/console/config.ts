/**
 * The configuration of the operator console: what `ctlstore console`'s flags (and `ctlstore up`)
 * turn into, its defaults ({@linkcode CONSOLE_DEFAULTS}, which the flags show) and the checks
 * made before anything starts ({@linkcode resolveConsoleConfig}).
 *
 * @module
 */
import { normalizeExecutiveUrl } from "../client/mod.ts";
import { parseListenAddress, type ServerOptions } from "../http/mod.ts";
import type { Logger } from "../log/mod.ts";
import { positive, SettingError } from "../setting_error.ts";

/** Settings of `startConsole`. */
export interface ConsoleConfig {
  /** Listen address (default `127.0.0.1:1332`). */
  bind?: string;
  /** The executive, for limits, writers and admin actions (none when empty). */
  executiveUrl?: string;
  /** The LDB the data and history pages read (empty: `$CTLSTORE_PATH/ldb.db`). */
  ldbPath?: string;
  /** `/metrics` URLs of reflectors, sidecars and supervisors shown on the fleet page. */
  targets?: readonly string[];
  /**
   * Enables admin actions: the operator types it on the page, and it is sent to the executive
   * as `Authorization: Bearer <token>`. Without it the console is read-only.
   */
  adminToken?: string;
  /** Milliseconds between two scrapes of the fleet (default 5000). */
  pollIntervalMs?: number;
  /**
   * A target lags when it has not reached a seq the fleet had this many milliseconds ago
   * (default 30 000).
   */
  lagThresholdMs?: number;
  /** Idle timeout and connection cap of the console's server. */
  server?: ServerOptions;
  /** Where start, stop and server faults are logged (default: nowhere). */
  logger?: Logger;
  /** Stops the console when aborted. */
  signal?: AbortSignal;
}

/**
 * The defaults of {@linkcode ConsoleConfig}.
 *
 * @example
 * ```ts
 * import { CONSOLE_DEFAULTS } from "./config.ts";
 *
 * console.log(CONSOLE_DEFAULTS.bind); // 127.0.0.1:1332
 * ```
 */
export const CONSOLE_DEFAULTS: Readonly<{
  bind: string;
  pollIntervalMs: number;
  lagThresholdMs: number;
  historyMs: number;
}> = Object.freeze({
  bind: "127.0.0.1:1332",
  pollIntervalMs: 5000,
  lagThresholdMs: 30_000,
  /** How much fleet history the charts keep. */
  historyMs: 3_600_000,
});

/** A {@linkcode ConsoleConfig} with its defaults filled in and its values checked. */
export interface ResolvedConsoleConfig extends ConsoleConfig {
  /** Listen address. */
  bind: string;
  /** The normalized executive base URL, or `""` for none. */
  executiveUrl: string;
  /** The targets' `/metrics` URLs, normalized. */
  targets: readonly string[];
  /** The admin token, or `""`: read-only. */
  adminToken: string;
  /** Milliseconds between two scrapes of the fleet. */
  pollIntervalMs: number;
  /** Milliseconds behind the fleet after which a target lags. */
  lagThresholdMs: number;
}

function targetUrl(text: string): string {
  const value = text.trim();
  let url: URL;
  try {
    url = new URL(/^https?:\/\//i.test(value) ? value : `http://${value}`);
  } catch {
    throw new SettingError({
      setting: "targets",
      value: text,
      reason: "must be a list of /metrics URLs",
      message: `invalid target '${text}': not a URL`,
    });
  }
  return url.href;
}

/**
 * Fills in the defaults and checks the settings.
 *
 * @throws {TypeError} For a malformed listen address.
 * @throws {SettingError} For a poll interval or lag threshold that is not positive, an executive
 *   URL or a target that is not a URL.
 * @example
 * ```ts
 * import { resolveConsoleConfig } from "./config.ts";
 *
 * resolveConsoleConfig({ targets: ["127.0.0.1:9090/metrics"] }).targets;
 * // ["http://127.0.0.1:9090/metrics"]
 * ```
 */
export function resolveConsoleConfig(config: ConsoleConfig): ResolvedConsoleConfig {
  const d = CONSOLE_DEFAULTS;
  const bind = config.bind || d.bind;
  parseListenAddress(bind);
  let executiveUrl = "";
  if (config.executiveUrl) {
    try {
      executiveUrl = normalizeExecutiveUrl(config.executiveUrl);
    } catch (error) {
      throw new SettingError({
        setting: "executiveUrl",
        value: config.executiveUrl,
        reason: "must be a URL",
        message: (error as Error).message,
      });
    }
  }
  return {
    ...config,
    bind,
    executiveUrl,
    targets: (config.targets ?? []).filter((t) => t.trim() !== "").map(targetUrl),
    adminToken: config.adminToken ?? "",
    pollIntervalMs: positive(
      "pollIntervalMs",
      "fleet poll interval",
      config.pollIntervalMs ?? d.pollIntervalMs,
    ),
    lagThresholdMs: positive(
      "lagThresholdMs",
      "lag threshold",
      config.lagThresholdMs ?? d.lagThresholdMs,
    ),
  };
}
