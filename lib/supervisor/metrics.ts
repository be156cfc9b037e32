/**
 * The supervisor's Prometheus metrics (spec §16 supervisor row under Prometheus names, plus
 * snapshot timing, the last success time, the published sequence and lag skips).
 *
 * @module
 */
import { Counter, Gauge, Histogram, metricName, type Registry } from "../metrics/mod.ts";

/** The supervisor's metrics, registered on one registry. */
export interface SupervisorMetrics {
  snapshotErrors: InstanceType<typeof Counter>;
  snapshotsSkippedForLag: InstanceType<typeof Counter>;
  ldbSizeBytes: InstanceType<typeof Gauge>;
  ldbSizeBytesCompressed: InstanceType<typeof Gauge>;
  compressionRatio: InstanceType<typeof Gauge>;
  snapshotSeq: InstanceType<typeof Gauge>;
  lastSuccessTimestamp: InstanceType<typeof Gauge>;
  /** 1, labelled with the last published snapshot's checksum (base64 SHA-1). */
  snapshotChecksum: InstanceType<typeof Gauge<"checksum">>;
  snapshotTime: InstanceType<typeof Histogram>;
  uploadTime: InstanceType<typeof Histogram<"compressed">>;
}

const SECONDS_BUCKETS = [0.01, 0.05, 0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600];

/**
 * Creates the supervisor's metrics on `registry`; `snapshot_errors_total` starts at 0.
 *
 * @example
 * ```ts
 * const metrics = createSupervisorMetrics(createRegistry("supervisor", VERSION));
 * metrics.snapshotErrors.inc();
 * ```
 */
export function createSupervisorMetrics(registry: Registry): SupervisorMetrics {
  const name = (text: string) => metricName("supervisor", text);
  const registers = [registry];
  return {
    snapshotErrors: new Counter({
      name: name("snapshot_errors_total"),
      help: "Snapshot rounds that failed",
      registers,
    }),
    snapshotsSkippedForLag: new Counter({
      name: name("snapshots_skipped_for_lag_total"),
      help: "Snapshot rounds not published because the embedded reflector lagged upstream",
      registers,
    }),
    ldbSizeBytes: new Gauge({
      name: name("ldb_size_bytes"),
      help: "Size in bytes of the last snapshot (uncompressed)",
      registers,
    }),
    ldbSizeBytesCompressed: new Gauge({
      name: name("ldb_compressed_size_bytes"),
      help: "Size in bytes of the last gzip-compressed snapshot upload",
      registers,
    }),
    compressionRatio: new Gauge({
      name: name("s3_compression_ratio"),
      help: "1 - compressed/original size of the last compressed upload",
      registers,
    }),
    snapshotSeq: new Gauge({
      name: name("snapshot_seq"),
      help: "Ledger sequence contained in the last published snapshot",
      registers,
    }),
    lastSuccessTimestamp: new Gauge({
      name: name("last_snapshot_success_timestamp_seconds"),
      help: "Unix time of the last published snapshot",
      registers,
    }),
    snapshotChecksum: new Gauge({
      name: name("snapshot_checksum_info"),
      help: "1, labelled with the checksum (base64 SHA-1) of the last published snapshot",
      labelNames: ["checksum"],
      registers,
    }),
    snapshotTime: new Histogram({
      name: name("snapshot_duration_seconds"),
      help: "Seconds to copy the LDB into a snapshot and checksum it",
      buckets: SECONDS_BUCKETS,
      registers,
    }),
    uploadTime: new Histogram({
      name: name("ldb_upload_duration_seconds"),
      help: "Seconds to publish a snapshot to one destination",
      labelNames: ["compressed"],
      buckets: SECONDS_BUCKETS,
      registers,
    }),
  };
}
