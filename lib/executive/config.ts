/**
 * The executive's configuration: what `ctlstore executive` flags (spec §2.4) turn into, with
 * the original's defaults, plus the knobs tests and `ctlstore up` need (an already open ctldb,
 * a clock, shorter refresh periods). This module holds no behaviour beyond filling defaults.
 *
 * @module
 */
import type { Ctldb } from "../ctldb/mod.ts";
import { parseListenAddress, resolveServerOptions, SERVER_DEFAULTS } from "../http/mod.ts";
import { type Logger, silentLogger } from "../log/mod.ts";

/**
 * Settings of one executive.
 *
 * @example
 * ```ts
 * const config: ExecutiveConfig = { bind: "127.0.0.1:3000", ctldb: "sqlite:./data/ctldb.db" };
 * ```
 */
export interface ExecutiveConfig {
  /** Go-style listen address, e.g. `0.0.0.0:3000` or `127.0.0.1:0`. */
  bind: string;
  /**
   * ctldb DSN: Go-mysql DSN, `mysql://` or `postgres://` URL, or `sqlite:<path>`. Ignored when
   * `db` is given.
   */
  ctldb: string;
  /** An already open ctldb to use instead of opening `ctldb`; it is not closed on stop. */
  db?: Ctldb;
  /** Log debug lines (only used when no `logger` is given). */
  debug?: boolean;
  /** Where log lines go; defaults to stderr via `createLogger("executive")`. */
  logger?: Logger;
  /** Per-request deadline in milliseconds (default 30 s). */
  handlerTimeoutMs?: number;
  /** A request body must arrive in full within this many milliseconds, else 408 (default 10 s). */
  readTimeoutMs?: number;
  /** Close connections with no request in flight for this many milliseconds (default 60 s; 0 = never). */
  idleTimeoutMs?: number;
  /** Most open connections; more are answered 503 (default 1024; 0 = no cap). */
  maxConnections?: number;
  /** Default per-table maximum size in bytes (default 100 MiB); over it mutations get 507. */
  maxTableSize?: number;
  /** Default per-table warning size in bytes (default 50 MiB); over it only a metric counts. */
  warnTableSize?: number;
  /** Writer rate-limit bucket period in milliseconds (default 1 min). */
  writerLimitPeriodMs?: number;
  /** Default mutations allowed per writer per period (default 1000). */
  writerLimit?: number;
  /** Adds the metric label `shadow=true`. */
  shadow?: boolean;
  /** Enables drop-table and clear-rows routes. */
  enableDestructiveSchemaChanges?: boolean;
  /** When set, admin routes require `Authorization: Bearer <token>`. */
  adminToken?: string;
  /**
   * Period of the writer-limit, table-size and ledger-row-count refreshes in milliseconds
   * (default 1 min).
   */
  limitsRefreshMs?: number;
  /** Period of the writer-usage garbage collection in milliseconds (default 1 h). */
  usageGcMs?: number;
  /** The clock, in milliseconds since the epoch (default `Date.now`). */
  now?: () => number;
  /** Stops the executive when aborted. */
  signal?: AbortSignal;
}

/**
 * The limits of {@linkcode ExecutiveConfig} that `ctlstore executive` and `ctlstore up` both
 * take as flags.
 *
 * @example
 * ```ts
 * const limits: ExecutiveLimits = { writerLimit: 10_000 };
 * ```
 */
export type ExecutiveLimits = Pick<
  ExecutiveConfig,
  "maxTableSize" | "warnTableSize" | "writerLimitPeriodMs" | "writerLimit"
>;

/** An {@linkcode ExecutiveConfig} with every default filled in. */
export interface ResolvedExecutiveConfig {
  bind: string;
  ctldb: string;
  db: Ctldb | undefined;
  logger: Logger;
  handlerTimeoutMs: number;
  readTimeoutMs: number;
  idleTimeoutMs: number;
  maxConnections: number;
  maxTableSize: number;
  warnTableSize: number;
  writerLimitPeriodMs: number;
  writerLimit: number;
  shadow: boolean;
  enableDestructiveSchemaChanges: boolean;
  adminToken: string;
  limitsRefreshMs: number;
  usageGcMs: number;
  now: () => number;
  signal: AbortSignal | undefined;
}

/**
 * The original's defaults (spec §2.4, §7.7).
 *
 * @example
 * ```ts
 * console.log(EXECUTIVE_DEFAULTS.writerLimit); // 1000
 * ```
 */
export const EXECUTIVE_DEFAULTS = Object.freeze({
  handlerTimeoutMs: 30_000,
  readTimeoutMs: 10_000,
  idleTimeoutMs: SERVER_DEFAULTS.idleTimeoutMs,
  maxConnections: SERVER_DEFAULTS.maxConnections,
  maxTableSize: 104_857_600,
  warnTableSize: 52_428_800,
  writerLimitPeriodMs: 60_000,
  writerLimit: 1000,
  limitsRefreshMs: 60_000,
  usageGcMs: 3_600_000,
});

/** How configuration errors name the settings (after their `ctlstore executive` flags). */
const DESCRIPTIONS = {
  handlerTimeoutMs: "handler timeout",
  readTimeoutMs: "read timeout",
  limitsRefreshMs: "limits refresh period",
  usageGcMs: "usage garbage-collection period",
  maxTableSize: "max table size",
  warnTableSize: "warn table size",
  writerLimit: "writer limit",
} as const;

/**
 * Fills in the defaults of a configuration and checks the values that would make the
 * service misbehave.
 *
 * @throws {RangeError} When a period or timeout is not positive or a limit is negative.
 * @throws {TypeError} When the bind address is not `host:port`.
 * @example
 * ```ts
 * const resolved = resolveExecutiveConfig({ bind: ":0", ctldb: "sqlite:x.db" });
 * console.log(resolved.handlerTimeoutMs); // 30000
 * ```
 */
export function resolveExecutiveConfig(config: ExecutiveConfig): ResolvedExecutiveConfig {
  const d = EXECUTIVE_DEFAULTS;
  const resolved: ResolvedExecutiveConfig = {
    bind: config.bind,
    ctldb: config.ctldb,
    db: config.db,
    logger: config.logger ?? silentLogger,
    handlerTimeoutMs: config.handlerTimeoutMs ?? d.handlerTimeoutMs,
    readTimeoutMs: config.readTimeoutMs ?? d.readTimeoutMs,
    ...resolveServerOptions({
      idleTimeoutMs: config.idleTimeoutMs ?? d.idleTimeoutMs,
      maxConnections: config.maxConnections ?? d.maxConnections,
    }),
    maxTableSize: config.maxTableSize ?? d.maxTableSize,
    warnTableSize: config.warnTableSize ?? d.warnTableSize,
    writerLimitPeriodMs: config.writerLimitPeriodMs ?? d.writerLimitPeriodMs,
    writerLimit: config.writerLimit ?? d.writerLimit,
    shadow: config.shadow ?? false,
    enableDestructiveSchemaChanges: config.enableDestructiveSchemaChanges ?? false,
    adminToken: config.adminToken ?? "",
    limitsRefreshMs: config.limitsRefreshMs ?? d.limitsRefreshMs,
    usageGcMs: config.usageGcMs ?? d.usageGcMs,
    now: config.now ?? Date.now,
    signal: config.signal,
  };
  parseListenAddress(resolved.bind);
  for (
    const key of ["handlerTimeoutMs", "readTimeoutMs", "limitsRefreshMs", "usageGcMs"] as const
  ) {
    if (!(resolved[key] > 0)) {
      throw new RangeError(`the ${DESCRIPTIONS[key]} must be positive, got ${resolved[key]}`);
    }
  }
  if (resolved.writerLimitPeriodMs < 1000 || resolved.writerLimitPeriodMs % 1000 !== 0) {
    throw new RangeError("the writer limit period must be a whole number of seconds, at least 1s");
  }
  for (const key of ["maxTableSize", "warnTableSize", "writerLimit"] as const) {
    if (!Number.isSafeInteger(resolved[key]) || resolved[key] < 0) {
      throw new RangeError(
        `the ${DESCRIPTIONS[key]} must be a non-negative integer, got ${resolved[key]}`,
      );
    }
  }
  return resolved;
}
