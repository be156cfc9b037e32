/**
 * The operator console: a web UI over one LDB, its executive and a fleet of reflectors,
 * sidecars and supervisors — families and tables with their schema, rows by key or prefix, the
 * change history (live), limits and writers, and the fleet's freshness with charts. Used by
 * `ctlstore console` and `ctlstore up`.
 *
 * @example
 * ```ts
 * import { startConsole } from "./mod.ts";
 *
 * const running = await startConsole({ bind: "127.0.0.1:1332", ldbPath: "./data/ldb.db" });
 * await running.stop();
 * ```
 *
 * @module
 */
export * from "./config.ts";
export * from "./console.ts";
