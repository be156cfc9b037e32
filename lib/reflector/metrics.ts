/**
 * The reflector's Prometheus metrics, every one labelled with the reflector `id` so one
 * registry can serve a multi-reflector or a supervisor's embedded reflector. Names are
 * `ctlstore_reflector_<name>` in Prometheus form (units as suffixes, counters ending in
 * `_total`); the original's `reflector-ledger-latency`, `wal-file-size`, `ledger-health`,
 * `snapshot_download_*` and `init_snapshot_download_time` (the one metric without an `id`: it
 * describes the host) are here as `ledger_latency_seconds`, `wal_file_size_bytes`,
 * `ledger_health`, `snapshot_download_duration_seconds`, `snapshot_download_errors_total` and
 * `init_snapshot_download_duration_seconds`.
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
    appliedSeq: gauge("applied_seq", "Last ledger seq committed to the LDB"),
    upstreamMaxSeq: gauge("upstream_max_seq", "Highest ledger seq seen upstream"),
    lagStatements: gauge("lag_statements", "Ledger entries not yet applied"),
    lagSeconds: gauge(
      "lag_seconds",
      "Age of the last applied entry while behind; 0 when caught up",
    ),
    ledgerLatency: gauge("ledger_latency_seconds", "Seconds since the last applied ledger write"),
    statementsApplied: counter("statements_applied_total", "Ledger entries applied"),
    statementsSkipped: counter(
      "statements_skipped_total",
      "Ledger entries of families a partial LDB does not carry (their seq is applied)",
    ),
    ldbFamilies: new Gauge({
      name: name("ldb_families_info"),
      help: "1, labelled with the families the LDB carries (comma-separated; * for every family)",
      labelNames: ["id", "families"] as const,
      registers,
    }),
    commits: counter("commits_total", "SQLite transactions committed"),
    applyErrors: counter("apply_errors_total", "Failed attempts to apply a ledger entry"),
    failingSeq: gauge("failing_seq", "Seq of the entry that fails to apply; 0 when none"),
    changeHistoryEntries: gauge("change_history_entries", "Entries in the LDB's change history"),
    changeHistoryRetainedAfter: gauge(
      "change_history_retained_after",
      "Every change with a seq above this is in the LDB's change history",
    ),
    errors: new Counter({
      name: name("errors_total"),
      help: "Errors by kind: upstream, poll_timeout, apply, wal_stat, wal_checkpoint",
      labelNames: ["id", "kind"] as const,
      registers,
    }),
    gapsSkipped: counter("sequence_gaps_skipped_total", "Ledger seq gaps that never filled"),
    walFileSize: gauge("wal_file_size_bytes", "Size of the LDB's -wal file in bytes"),
    walCheckpoints: new Counter({
      name: name("wal_checkpoints_total"),
      help: "WAL checkpoints run, by whether SQLite reported busy",
      labelNames: ["id", "busy"] as const,
      registers,
    }),
    changelogEntries: counter("changelog_entries_total", "Changelog lines written"),
    ledgerHealth: new Gauge({
      name: name("ledger_health"),
      help: "1 for the current health status (healthy or unhealthy)",
      labelNames: ["id", "status"] as const,
      registers,
    }),
    snapshotDownloadTime: new Histogram({
      name: name("snapshot_download_duration_seconds"),
      help: "Seconds taken to download the bootstrap snapshot",
      labelNames: ["id"] as const,
      buckets: [0.1, 0.5, 1, 5, 10, 30, 60, 300, 900],
      registers,
    }),
    snapshotDownloadErrors: new Counter({
      name: name("snapshot_download_errors_total"),
      help: "Bootstrap download failures by type: temporary, permanent, generic",
      labelNames: ["id", "type"] as const,
      registers,
    }),
    initSnapshotDownloadTime: new Gauge({
      name: name("init_snapshot_download_duration_seconds"),
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
