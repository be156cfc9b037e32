/**
 * The sidecar's Prometheus metrics (spec §16): requests by route and status, requests by user
 * agent, request latency, rows returned, and the LDB's family set. Label values are bounded: routes are patterns, and
 * user agents beyond the first {@linkcode MAX_USER_AGENTS} distinct ones count as `other`.
 * Request counts are kept in plain maps and copied into the counters when scraped, which keeps
 * label hashing off the request path.
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
import { VERSION } from "../version.ts";

/** Distinct `user-agent` label values kept before the rest count as `other`. */
const MAX_USER_AGENTS = 100;

/** Counters and histograms of one sidecar. */
export class SidecarMetrics {
  /** The registry the metrics live in (served at `/metrics`). */
  readonly registry: Registry;
  #latency: InstanceType<typeof Histogram<"route">>;
  #prefixRows: InstanceType<typeof Histogram<"family" | "table">>;
  /** Counts by `<route> <status>` and by user agent, copied into the counters at scrape time. */
  #requestCounts = new Map<string, number>();
  #agentCounts = new Map<string, number>();
  #rowCounts = new Map<string, number>();

  /**
   * Registers the sidecar's metrics.
   *
   * @param application The `application` label on every metric (`unknown` when empty).
   * @param registry Registry to use; a new `sidecar` registry by default.
   * @example
   * ```ts
   * const metrics = new SidecarMetrics("my-app");
   * metrics.request("/ping", 200, "curl/8", 0.001);
   * ```
   */
  constructor(application: string, registry?: Registry) {
    this.registry = registry ?? createRegistry("sidecar", VERSION, { processMetrics: true });
    this.registry.setDefaultLabels({ version: VERSION, application: application || "unknown" });
    const registers = [this.registry];
    const requestCounts = this.#requestCounts;
    const agentCounts = this.#agentCounts;
    const rowCounts = this.#rowCounts;
    new Counter({
      name: metricName("sidecar", "requests"),
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
    new Counter({
      name: metricName("sidecar", "requests-by-user-agent"),
      help: "HTTP requests by User-Agent (unknown when absent, other past the first 100)",
      labelNames: ["user_agent"],
      registers,
      collect() {
        this.reset();
        for (const [agent, count] of agentCounts) this.inc({ user_agent: agent }, count);
      },
    });
    this.#latency = new Histogram({
      name: metricName("sidecar", "request-duration-seconds"),
      help: "HTTP request latency in seconds by route pattern",
      labelNames: ["route"],
      buckets: [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.5, 1],
      registers,
    });
    this.#prefixRows = new Histogram({
      name: metricName("sidecar", "get-rows-by-key-prefix-num-rows"),
      help: "Rows returned by get-rows-by-key-prefix, by family and table",
      labelNames: ["family", "table"],
      buckets: [0, 1, 10, 100, 1000, 10000],
      registers,
    });
    new Counter({
      name: metricName("sidecar", "rows-returned"),
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
   * Exports the LDB's family set as `ctlstore_sidecar_ldb_families{families="…"} 1`, read at
   * scrape time (`*` for a full LDB).
   *
   * @param read The carried families, `undefined` for every family (the reader's
   *   `getFamilies`).
   * @example
   * ```ts
   * const metrics = new SidecarMetrics("my-app");
   * metrics.ldbFamilies(() => ["accounts", "ctlstore"]);
   * ```
   */
  ldbFamilies(read: () => readonly string[] | undefined): void {
    new Gauge({
      name: metricName("sidecar", "ldb-families"),
      help: "1, labelled with the families the LDB carries (comma-separated; * for every family)",
      labelNames: ["families"],
      registers: [this.registry],
      collect() {
        this.reset();
        let families: readonly string[] | undefined;
        try {
          families = read();
        } catch {
          return; // the reader is closing; nothing to report
        }
        this.set({ families: families === undefined ? "*" : families.join(",") }, 1);
      },
    });
  }

  /** Counts one finished request. */
  request(route: string, status: number, userAgent: string | null, seconds: number): void {
    const key = route + " " + status;
    this.#requestCounts.set(key, (this.#requestCounts.get(key) ?? 0) + 1);
    this.#latency.observe({ route }, seconds);
    let agent = userAgent || "unknown";
    const count = this.#agentCounts.get(agent);
    if (count !== undefined) {
      this.#agentCounts.set(agent, count + 1);
      return;
    }
    if (this.#agentCounts.size >= MAX_USER_AGENTS) agent = "other";
    this.#agentCounts.set(agent, (this.#agentCounts.get(agent) ?? 0) + 1);
  }

  /** Counts rows returned by a route (and, for prefix reads, per table). */
  rows(route: string, count: number, family?: string, table?: string): void {
    this.#rowCounts.set(route, (this.#rowCounts.get(route) ?? 0) + count);
    if (family !== undefined && table !== undefined) {
      this.#prefixRows.observe({ family, table }, count);
    }
  }
}
