/**
 * The supervisor: an embedded reflector plus periodic online snapshots of its LDB, published
 * atomically to `file://` and `s3://` destinations (gzip for `.gz` names, SHA-1 checksum), never
 * while the reflector lags upstream by more than a limit.
 *
 * @example
 * ```ts
 * import { startSupervisor } from "./mod.ts";
 *
 * const supervisor = await startSupervisor({
 *   reflector: { ldbPath: "/data/ldb.db", upstreamDriver: "sqlite3", upstreamDsn: "/data/ctldb.db" },
 *   snapshotUrls: "file:///snapshots/snapshot.db",
 * });
 * await supervisor.stop();
 * ```
 *
 * @module
 */
export * from "./config.ts";
export * from "./supervisor.ts";
export type { RoundOutcome } from "./round.ts";
export { parseSnapshotDestinations, type SnapshotDestination } from "./destination.ts";
