/**
 * The heartbeat service: periodic writes through the executive so ledger latency stays
 * meaningful (spec §14). Used by `ctlstore heartbeat` and `ctlstore up`.
 *
 * @example
 * ```ts
 * import { startHeartbeat } from "./mod.ts";
 *
 * const heartbeat = await startHeartbeat({ executiveUrl: "localhost:3000", writerSecret: "s3cret" });
 * await heartbeat.stop();
 * ```
 *
 * @module
 */
export * from "./config.ts";
export * from "./heartbeat.ts";
export * from "./health.ts";
