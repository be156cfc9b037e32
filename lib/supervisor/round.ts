/**
 * One snapshot round: check the embedded reflector's lag, copy the LDB online, checksum it,
 * publish it to every destination in parallel, and clean up. It never throws: the outcome says
 * whether the snapshot was published, skipped for lag, or failed.
 *
 * @module
 */
import type { Logger } from "../log/mod.ts";
import { errorMessage } from "../log/mod.ts";
import { fileChecksum } from "./checksum.ts";
import type { SnapshotDestination } from "./destination.ts";
import type { SupervisorMetrics } from "./metrics.ts";
import { removeLdbFiles } from "../ldb/mod.ts";
import { takeSnapshot } from "./snapshot.ts";

/** Where the embedded reflector stands: applied seq and upstream's max seq (when known). */
export interface ReplicaPosition {
  appliedSeq: number;
  upstreamMaxSeq?: number | undefined;
  /** The ledger entry that fails to apply: upstream has at least this seq. */
  failing?: { seq: number } | undefined;
}

/** The highest seq known to exist upstream, or `undefined` when nothing is known. */
function knownUpstream(position: ReplicaPosition): number | undefined {
  const known = [position.upstreamMaxSeq, position.failing?.seq].filter((seq) => seq !== undefined);
  return known.length === 0 ? undefined : Math.max(...known);
}

/** What a round did. */
export type RoundOutcome =
  | { kind: "published"; seq: number; sizeBytes: number; checksum: string }
  | { kind: "skipped"; reason: string }
  | { kind: "failed"; error: Error };

/** Everything one round needs. */
export interface RoundContext {
  ldbPath: string;
  /** The temporary snapshot file (removed at the end of the round). */
  snapshotPath: string;
  destinations: readonly SnapshotDestination[];
  /** The most ledger statements the snapshot may be behind upstream. */
  maxLag: number;
  position(): ReplicaPosition;
  metrics: SupervisorMetrics;
  logger: Logger;
  /** Aborts the uploads (shutdown). */
  signal: AbortSignal;
}

function lagReason(upstream: number | undefined, seq: number, maxLag: number): string | undefined {
  if (upstream === undefined) return "upstream ledger position unknown";
  const lag = upstream - seq;
  return lag > maxLag
    ? `snapshot would be ${lag} ledger statements behind upstream (max ${maxLag})`
    : undefined;
}

async function publish(
  context: RoundContext,
  snapshot: { path: string; checksum: string; sizeBytes: number },
): Promise<void> {
  const controller = new AbortController();
  const onAbort = () => controller.abort(context.signal.reason);
  context.signal.addEventListener("abort", onAbort, { once: true });
  let firstFailure: Error | undefined;
  try {
    const uploads = context.destinations.map(async (destination) => {
      const started = performance.now();
      try {
        const { bytes } = await destination.upload(snapshot, controller.signal);
        const seconds = (performance.now() - started) / 1000;
        context.metrics.uploadTime.observe({ compressed: String(destination.compressed) }, seconds);
        if (destination.compressed) {
          context.metrics.ldbSizeBytesCompressed.set(bytes);
          if (snapshot.sizeBytes > 0) {
            context.metrics.compressionRatio.set(1 - bytes / snapshot.sizeBytes);
          }
        }
        context.logger.debug("uploaded snapshot", { url: destination.url, bytes, seconds });
      } catch (error) {
        if (!controller.signal.aborted) {
          firstFailure = new Error(`upload to ${destination.url}: ${errorMessage(error)}`, {
            cause: error,
          });
          controller.abort(firstFailure);
        }
        throw error;
      }
    });
    const results = await Promise.allSettled(uploads);
    const failed = results.find((r): r is PromiseRejectedResult => r.status === "rejected");
    if (failed) throw firstFailure ?? failed.reason;
  } finally {
    context.signal.removeEventListener("abort", onAbort);
  }
}

/**
 * Runs one snapshot round.
 *
 * @example
 * ```ts
 * const outcome = await runSnapshotRound(context);
 * if (outcome.kind === "published") console.log(outcome.seq);
 * ```
 */
export async function runSnapshotRound(context: RoundContext): Promise<RoundOutcome> {
  const { logger, metrics } = context;
  try {
    const before = context.position();
    const upstream = knownUpstream(before);
    const early = lagReason(upstream, before.appliedSeq, context.maxLag);
    if (early) return skip(context, early);
    const started = performance.now();
    const snapshot = await takeSnapshot(context.ldbPath, context.snapshotPath);
    const checksum = await fileChecksum(snapshot.path);
    metrics.snapshotTime.observe((performance.now() - started) / 1000);
    metrics.ldbSizeBytes.set(snapshot.sizeBytes);
    const late = lagReason(upstream, snapshot.seq, context.maxLag);
    if (late) return skip(context, late);
    context.signal.throwIfAborted();
    await publish(context, { path: snapshot.path, checksum, sizeBytes: snapshot.sizeBytes });
    metrics.snapshotSeq.set(snapshot.seq);
    metrics.snapshotChecksum.reset();
    metrics.snapshotChecksum.set({ checksum }, 1);
    metrics.lastSuccessTimestamp.set(Date.now() / 1000);
    logger.info("published snapshot", {
      seq: snapshot.seq,
      bytes: snapshot.sizeBytes,
      destinations: context.destinations.length,
    });
    return { kind: "published", seq: snapshot.seq, sizeBytes: snapshot.sizeBytes, checksum };
  } catch (error) {
    metrics.snapshotErrors.inc();
    const failure = error instanceof Error ? error : new Error(errorMessage(error));
    if (!context.signal.aborted) logger.error("snapshot failed", { error: failure.message });
    return { kind: "failed", error: failure };
  } finally {
    await removeLdbFiles(context.snapshotPath).catch((error) =>
      logger.warn("could not remove snapshot temp file", { error: errorMessage(error) })
    );
  }
}

function skip(context: RoundContext, reason: string): RoundOutcome {
  context.metrics.snapshotsSkippedForLag.inc();
  context.logger.warn("snapshot not published", { reason });
  return { kind: "skipped", reason };
}
