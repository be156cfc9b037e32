/**
 * The sidecar's Prometheus metrics (spec §16 under Prometheus names): requests by route and
 * status, request latency, rows returned, and, read from the LDB at scrape time, its applied seq,
 * ledger latency and family set. Label values are bounded: routes are patterns, tables are the
 * schema's. The original's requests by user agent are not kept: a client chooses its user agent,
 * so the label's values have no bound. Request counts are kept in plain maps and copied into the
 * counters when scraped, which keeps label hashing off the request path.
 *
 * @module
 */
import {
  Counter,
  createRegistry,
  Gauge,
  Histogram,
  metricName,
  type Registry,
} from "../metrics/mod.ts";
import type { Reader } from "../reader/mod.ts";
import { VERSION } from "../version.ts";

/** What the LDB gauges read, at every scrape. */
export type LdbGaugeSource = Pick<Reader, "getFamilies" | "getLastSequence" | "getLedgerLatency">;

/** Counters and histograms of one sidecar. */
export class SidecarMetrics {
  /** The registry the metrics live in (served at `/metrics`). */
  readonly registry: Registry;
  #latency: InstanceType<typeof Histogram<"route">>;
  #prefixRows: InstanceType<typeof Histogram<"family" | "table">>;
  /** Counts by `<route> <status>` and by route, copied into the counters at scrape time. */
  #requestCounts = new Map<string, number>();
  #rowCounts = new Map<string, number>();

  /**
   * Registers the sidecar's metrics.
   *
   * @param application The `application` label on every metric (`unknown` when empty).
   * @param registry Registry to use; a new `sidecar` registry by default.
   * @example
   * ```ts
   * const metrics = new SidecarMetrics("my-app");
   * metrics.request("/ping", 200, 0.001);
   * ```
   */
  constructor(application: string, registry?: Registry) {
    this.registry = registry ?? createRegistry("sidecar", VERSION, { processMetrics: true });
    this.registry.setDefaultLabels({ version: VERSION, application: application || "unknown" });
    const registers = [this.registry];
    const requestCounts = this.#requestCounts;
    const rowCounts = this.#rowCounts;
    new Counter({
      name: metricName("sidecar", "requests_total"),
      help: "HTTP requests by route pattern and status",
      labelNames: ["route", "status"],
      registers,
      collect() {
        this.reset();
        for (const [key, count] of requestCounts) {
          const space = key.lastIndexOf(" ");
          this.inc({ route: key.slice(0, space), status: key.slice(space + 1) }, count);
        }
      },
    });
    this.#latency = new Histogram({
      name: metricName("sidecar", "request_duration_seconds"),
      help: "HTTP request latency in seconds by route pattern",
      labelNames: ["route"],
      buckets: [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.5, 1],
      registers,
    });
    this.#prefixRows = new Histogram({
      name: metricName("sidecar", "get_rows_by_key_prefix_rows"),
      help: "Rows returned by get-rows-by-key-prefix, by family and table",
      labelNames: ["family", "table"],
      buckets: [0, 1, 10, 100, 1000, 10000],
      registers,
    });
    new Counter({
      name: metricName("sidecar", "rows_returned_total"),
      help: "Rows returned by route pattern",
      labelNames: ["route"],
      registers,
      collect() {
        this.reset();
        for (const [route, count] of rowCounts) this.inc({ route }, count);
      },
    });
  }

  /**
   * Exports what the LDB says, read at every scrape: `ctlstore_sidecar_applied_seq`,
   * `ctlstore_sidecar_ledger_latency_seconds` (`NaN` until a ledger write is applied) and
   * `ctlstore_sidecar_ldb_families_info{families="…"} 1` (`*` for a full LDB). A scrape while no
   * LDB is open, or while it closes, reports `NaN` and no family set.
   *
   * @param source The open reader, or `undefined` while there is none.
   * @example
   * ```ts
   * import { Reader } from "../reader/mod.ts";
   *
   * const reader = Reader.open("/var/spool/ctlstore/ldb.db");
   * const metrics = new SidecarMetrics("my-app");
   * metrics.watchLdb(() => reader);
   * ```
   */
  watchLdb(source: () => LdbGaugeSource | undefined): void {
    const registers = [this.registry];
    /** A reading, or `undefined` when there is nothing to read (no LDB, closing, no write yet). */
    const read = <T>(get: (reader: LdbGaugeSource) => T): T | undefined => {
      const reader = source();
      if (reader === undefined) return undefined;
      try {
        return get(reader);
      } catch {
        return undefined;
      }
    };
    new Gauge({
      name: metricName("sidecar", "applied_seq"),
      help: "Last ledger seq applied to the LDB",
      registers,
      collect() {
        this.set(read((reader) => reader.getLastSequence()) ?? NaN);
      },
    });
    new Gauge({
      name: metricName("sidecar", "ledger_latency_seconds"),
      help: "Seconds since the last ledger write applied to the LDB (NaN before the first)",
      registers,
      collect() {
        this.set((read((reader) => reader.getLedgerLatency()) ?? NaN) / 1000);
      },
    });
    new Gauge({
      name: metricName("sidecar", "ldb_families_info"),
      help: "1, labelled with the families the LDB carries (comma-separated; * for every family)",
      labelNames: ["families"],
      registers,
      collect() {
        this.reset();
        const families = read((reader) => reader.getFamilies() ?? "*");
        if (families !== undefined) {
          this.set({ families: typeof families === "string" ? families : families.join(",") }, 1);
        }
      },
    });
  }

  /** Counts one finished request. */
  request(route: string, status: number, seconds: number): void {
    const key = route + " " + status;
    this.#requestCounts.set(key, (this.#requestCounts.get(key) ?? 0) + 1);
    this.#latency.observe({ route }, seconds);
  }

  /** Counts rows returned by a route (and, for prefix reads, per table). */
  rows(route: string, count: number, family?: string, table?: string): void {
    this.#rowCounts.set(route, (this.#rowCounts.get(route) ?? 0) + count);
    if (family !== undefined && table !== undefined) {
      this.#prefixRows.observe({ family, table }, count);
    }
  }
}
