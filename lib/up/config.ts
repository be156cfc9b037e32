/**
 * The configuration of `ctlstore up`: what its flags turn into, with the defaults
 * ({@linkcode UP_DEFAULTS}, which the flags show) and the checks made before anything is
 * created. The services' own settings are checked by their own configurations; the heartbeat
 * interval is checked here too, through the heartbeat's rule, because the heartbeat starts last.
 *
 * @module
 */
import { CONSOLE_DEFAULTS } from "../console/mod.ts";
import type { ExecutiveLimits } from "../executive/mod.ts";
import { HEARTBEAT_DEFAULTS, heartbeatInterval } from "../heartbeat/mod.ts";
import { parseListenAddress, type ServerOptions } from "../http/mod.ts";

/** Settings of `startUp`. */
export interface UpConfig {
  /** Directory holding `ctldb.db`, `ldb.db`, `change.log` and the heartbeat secret. */
  dataDir: string;
  /** Executive listen address (default `127.0.0.1:3000`). */
  executiveBind?: string;
  /** Sidecar listen address (default `127.0.0.1:1331`). */
  sidecarBind?: string;
  /** Operator console listen address (default `127.0.0.1:1332`; empty: no console). */
  consoleBind?: string;
  /** Milliseconds between heartbeat writes (default 15 s). */
  heartbeatIntervalMs?: number;
  /** Milliseconds between ledger polls when idle (default 100). */
  pollIntervalMs?: number;
  /**
   * The families the LDB carries (a partial LDB, see the reflector's `families`); the heartbeat
   * family is added unless excluded with `-ctlstore`. Absent or empty: every family.
   */
  families?: readonly string[];
  /** The executive's writer rate limit and table sizes (its defaults where absent). */
  limits?: ExecutiveLimits;
  /** Idle timeout and connection cap of the executive and the sidecar. */
  server?: ServerOptions;
  /** Require `Authorization: Bearer <token>` on the executive's admin routes. */
  adminToken?: string;
  /** Enable the executive's drop-table and clear-rows routes. */
  enableDestructiveSchemaChanges?: boolean;
  /** Log debug lines. */
  debug?: boolean;
  /** Where log lines go (default stderr). */
  write?: (line: string) => void;
  /** Stops everything when aborted; aborting during start-up makes `startUp` reject. */
  signal?: AbortSignal;
}

/**
 * The defaults of {@linkcode UpConfig}: local addresses, a data directory beside the current
 * one, and a short poll interval so a write shows in the LDB at once.
 *
 * @example
 * ```ts
 * import { UP_DEFAULTS } from "./config.ts";
 *
 * console.log(UP_DEFAULTS.executiveBind); // 127.0.0.1:3000
 * ```
 */
export const UP_DEFAULTS = Object.freeze({
  dataDir: "./data",
  executiveBind: "127.0.0.1:3000",
  sidecarBind: "127.0.0.1:1331",
  consoleBind: CONSOLE_DEFAULTS.bind,
  heartbeatIntervalMs: HEARTBEAT_DEFAULTS.intervalMs,
  pollIntervalMs: 100,
});

/** An {@linkcode UpConfig} with its defaults filled in. */
export type ResolvedUpConfig =
  & UpConfig
  & Required<
    Pick<
      UpConfig,
      "executiveBind" | "sidecarBind" | "consoleBind" | "heartbeatIntervalMs" | "pollIntervalMs"
    >
  >;

/**
 * Checks the settings that would otherwise fail only after some services started, and fills
 * in the defaults.
 *
 * @throws {TypeError} For a malformed listen address.
 * @throws {SettingError} For a heartbeat interval that is not positive.
 * @example
 * ```ts
 * import { resolveUpConfig } from "./config.ts";
 *
 * resolveUpConfig({ dataDir: "./data" }).sidecarBind; // "127.0.0.1:1331"
 * ```
 */
export function resolveUpConfig(config: UpConfig): ResolvedUpConfig {
  const d = UP_DEFAULTS;
  const resolved = {
    ...config,
    executiveBind: config.executiveBind ?? d.executiveBind,
    sidecarBind: config.sidecarBind ?? d.sidecarBind,
    consoleBind: config.consoleBind ?? d.consoleBind,
    heartbeatIntervalMs: heartbeatInterval(
      config.heartbeatIntervalMs ?? d.heartbeatIntervalMs,
      "heartbeatIntervalMs",
    ),
    pollIntervalMs: config.pollIntervalMs ?? d.pollIntervalMs,
  };
  parseListenAddress(resolved.executiveBind);
  parseListenAddress(resolved.sidecarBind);
  if (resolved.consoleBind) parseListenAddress(resolved.consoleBind);
  return resolved;
}
