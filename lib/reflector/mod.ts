/**
 * The reflector: tails the DML ledger of a ctldb (MySQL or embedded SQLite) into a local SQLite
 * LDB (spec §10, DESIGN §3.6, §3.7). Used by `ctlstore reflector`, `ctlstore multi-reflector`,
 * the supervisor (which embeds one) and `ctlstore up`.
 *
 * @example
 * ```ts
 * import { startReflector } from "./mod.ts";
 *
 * const reflector = await startReflector({
 *   ldbPath: "/var/spool/ctlstore/ldb.db",
 *   upstreamDriver: "mysql",
 *   upstreamDsn: "ctldb:secret@tcp(db:3306)/ctldb",
 *   metricsBind: "0.0.0.0:9090",
 * });
 * await reflector.waitForSeq(1);
 * await reflector.stop();
 * ```
 *
 * @module
 */
export { type RunningReflector } from "./reflector.ts";
export { startReflector } from "./start.ts";
export {
  type MultiReflectorConfig,
  type RunningMultiReflector,
  startMultiReflector,
} from "./multi_reflector.ts";
export {
  DEFAULT_CHANGE_HISTORY_SIZE,
  REFLECTOR_DEFAULTS,
  type ReflectorConfig,
  reflectorId,
  type ResolvedReflectorConfig,
  resolveReflectorConfig,
  WAL_CHECKPOINT_TYPES,
  type WalCheckpointType,
} from "./config.ts";
export { evaluateHealth, type HealthReport, type ReflectorStatus } from "./health.ts";
export type { FailingEntry, UpstreamOutage } from "./failures.ts";
export { ApplyError } from "./applier.ts";
export { bootstrapLdb, type BootstrapOptions, type BootstrapOutcome } from "./bootstrap.ts";
