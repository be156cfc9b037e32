/**
 * The reflector's Prometheus metrics, every one labelled with the reflector `id` so one
 * registry can serve a multi-reflector or a supervisor's embedded reflector. Names are
 * `ctlstore_reflector_<name>` (spec §10.9); the original's `reflector-ledger-latency`,
 * `wal-file-size`, `ledger-health`, `snapshot_download_*` and `init_snapshot_download_time` (the
 * one metric without an `id`: it describes the host) keep their names.
 *
 * @module
 */
import { Counter, Gauge, Histogram, metricName, type Registry } from "../metrics/mod.ts";

const name = (text: string) => metricName("reflector", text);

function create(registry: Registry) {
  const registers = [registry];
  const gauge = (text: string, help: string) =>
    new Gauge({ name: name(text), help, labelNames: ["id"] as const, registers });
  const counter = (text: string, help: string) =>
    new Counter({ name: name(text), help, labelNames: ["id"] as const, registers });
  return {
    appliedSeq: gauge("applied-seq", "Last ledger seq committed to the LDB"),
    upstreamMaxSeq: gauge("upstream-max-seq", "Highest ledger seq seen upstream"),
    lagStatements: gauge("lag-statements", "Ledger entries not yet applied"),
    lagSeconds: gauge(
      "lag-seconds",
      "Age of the last applied entry while behind; 0 when caught up",
    ),
    ledgerLatency: gauge("reflector-ledger-latency", "Seconds since the last applied ledger write"),
    statementsApplied: counter("statements-applied-total", "Ledger entries applied"),
    statementsSkipped: counter(
      "statements-skipped-total",
      "Ledger entries of families a partial LDB does not carry (their seq is applied)",
    ),
    ldbFamilies: new Gauge({
      name: name("ldb-families"),
      help: "1, labelled with the families the LDB carries (comma-separated; * for every family)",
      labelNames: ["id", "families"] as const,
      registers,
    }),
    commits: counter("commits-total", "SQLite transactions committed"),
    applyErrors: counter("apply-errors-total", "Failed attempts to apply a ledger entry"),
    failingSeq: gauge("failing-seq", "Seq of the entry that fails to apply; 0 when none"),
    changeHistoryEntries: gauge("change-history-entries", "Entries in the LDB's change history"),
    changeHistoryRetainedAfter: gauge(
      "change-history-retained-after",
      "Every change with a seq above this is in the LDB's change history",
    ),
    errors: new Counter({
      name: name("errors-total"),
      help: "Errors by kind: upstream, poll_timeout, apply, wal_stat, wal_checkpoint",
      labelNames: ["id", "kind"] as const,
      registers,
    }),
    gapsSkipped: counter("sequence-gaps-skipped-total", "Ledger seq gaps that never filled"),
    walFileSize: gauge("wal-file-size", "Size of the LDB's -wal file in bytes"),
    walCheckpoints: new Counter({
      name: name("wal-checkpoints-total"),
      help: "WAL checkpoints run, by whether SQLite reported busy",
      labelNames: ["id", "busy"] as const,
      registers,
    }),
    changelogEntries: counter("changelog-entries-total", "Changelog lines written"),
    ledgerHealth: new Gauge({
      name: name("ledger-health"),
      help: "1 for the current health status (healthy or unhealthy)",
      labelNames: ["id", "status"] as const,
      registers,
    }),
    snapshotDownloadTime: new Histogram({
      name: name("snapshot-download-time"),
      help: "Seconds taken to download the bootstrap snapshot",
      labelNames: ["id"] as const,
      buckets: [0.1, 0.5, 1, 5, 10, 30, 60, 300, 900],
      registers,
    }),
    snapshotDownloadErrors: new Counter({
      name: name("snapshot-download-errors"),
      help: "Bootstrap download failures by type: temporary, permanent, generic",
      labelNames: ["id", "type"] as const,
      registers,
    }),
    initSnapshotDownloadTime: new Gauge({
      name: name("init_snapshot_download_time"),
      help: "Seconds download.sh reported for the host's initial snapshot (metrics.json)",
      labelNames: ["downloaded", "compressed"] as const,
      registers,
    }),
  };
}

/** The reflector metrics of one registry. */
export type ReflectorMetrics = ReturnType<typeof create>;

const byRegistry = new WeakMap<Registry, ReflectorMetrics>();

/**
 * The reflector metrics registered in `registry`, created on first use (so several reflectors
 * can share one registry).
 *
 * @example
 * ```ts
 * import { createRegistry } from "../metrics/mod.ts";
 * import { reflectorMetrics } from "./metrics.ts";
 *
 * const metrics = reflectorMetrics(createRegistry("reflector", "0.1.0"));
 * metrics.appliedSeq.set({ id: "ldb.db-0" }, 42);
 * ```
 */
export function reflectorMetrics(registry: Registry): ReflectorMetrics {
  let metrics = byRegistry.get(registry);
  if (!metrics) {
    metrics = create(registry);
    byRegistry.set(registry, metrics);
  }
  return metrics;
}
