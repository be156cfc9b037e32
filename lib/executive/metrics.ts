/**
 * The executive's Prometheus metrics (served at `GET /metrics`): the original's (spec §16) under
 * Prometheus names with the `ctlstore_executive_` prefix, plus every error answer counted by
 * route, method and status. Route labels are route patterns (`/families/:family/mutations`, or
 * `unmatched`), never raw URIs, and methods outside the known set count as `OTHER`, so label sets
 * stay bounded.
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
import type {
  Counter as CounterType,
  Gauge as GaugeType,
  Histogram as HistogramType,
} from "prom-client";

const name = (n: string) => metricName("executive", n);

/**
 * Every metric the executive reports, on its own registry.
 *
 * @example
 * ```ts
 * const metrics = new ExecutiveMetrics(false);
 * metrics.error("server");
 * const text = await metrics.registry.metrics();
 * ```
 */
export class ExecutiveMetrics {
  /** The registry `GET /metrics` renders. */
  readonly registry: Registry;
  /** Request latency in seconds by route pattern, method and status code. */
  readonly requestDuration: HistogramType<"route" | "method" | "status">;
  /** Answers with a 4xx or 5xx status, by route pattern, method and status code. */
  readonly requestErrors: CounterType<"route" | "method" | "status">;
  /** Mutations (entries of `mutations`) committed, by writer. */
  readonly mutations: CounterType<"writer">;
  /** Ledger rows written (statements and markers). */
  readonly ledgerRows: CounterType;
  /** Rows in the DML ledger, refreshed every minute (the ctldb's estimate). */
  readonly ledgerRowCount: GaugeType;
  /** Errors by kind (`kind` label), as the original's aggregate `errors` counter. */
  readonly errors: CounterType<"kind">;
  /** Last measured size of each family table in bytes (where the ctldb reports sizes). */
  readonly tableSizes: GaugeType<"family" | "table">;
  /** Mutations to tables above their warning size. */
  readonly tableSizeWarnings: CounterType<"table">;
  /** Writer-usage rows removed by the hourly garbage collection. */
  readonly usageRowsDeleted: CounterType;
  /** Schema-change ledger rows queued for repair (DDL applied, ledger commit uncertain). */
  readonly pendingLedgerRepairs: GaugeType;
  #pendingRepairs: () => number = () => 0;

  /** @param shadow Adds the label `shadow=true|false` to every metric, as the original does. */
  constructor(shadow: boolean) {
    this.registry = createRegistry("executive", VERSION, { processMetrics: true });
    this.registry.setDefaultLabels({ version: VERSION, shadow: String(shadow) });
    const registers = [this.registry];
    this.requestDuration = new Histogram({
      name: name("request_duration_seconds"),
      help: "HTTP request latency in seconds by route pattern, method and status code",
      labelNames: ["route", "method", "status"],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers,
    });
    this.requestErrors = new Counter({
      name: name("request_errors_total"),
      help: "HTTP answers with a 4xx or 5xx status, by route pattern, method and status code",
      labelNames: ["route", "method", "status"],
      registers,
    });
    this.mutations = new Counter({
      name: name("mutations_total"),
      help: "Mutations committed, by writer",
      labelNames: ["writer"],
      registers,
    });
    this.ledgerRows = new Counter({
      name: name("ledger_rows_written_total"),
      help: "DML ledger rows written (statements and transaction markers)",
      registers,
    });
    this.ledgerRowCount = new Gauge({
      name: name("ledger_rows"),
      help: "Rows in the DML ledger (the ctldb's estimate: table statistics, or the highest seq)",
      registers,
    });
    this.errors = new Counter({
      name: name("errors_total"),
      help: "Errors by kind: server, ctldb-unavailable, handler-timeout, client-disconnect, " +
        "table-size-overage, schema-change-ledger-commit, and failed background tasks by name",
      labelNames: ["kind"],
      registers,
    });
    this.tableSizes = new Gauge({
      name: name("table_size_bytes"),
      help: "Size of each family table in bytes (data + index, where the ctldb reports sizes)",
      labelNames: ["family", "table"],
      registers,
    });
    this.tableSizeWarnings = new Counter({
      name: name("table_size_warnings_total"),
      help: "Mutations of tables above their warning size",
      labelNames: ["table"],
      registers,
    });
    this.usageRowsDeleted = new Counter({
      name: name("writer_usage_rows_deleted_total"),
      help: "Writer usage rows removed by garbage collection",
      registers,
    });
    const pendingRepairs = () => this.#pendingRepairs();
    this.pendingLedgerRepairs = new Gauge({
      name: name("pending_ledger_repairs"),
      help: "Schema-change ledger rows waiting to be written (ctldb changed, ledger not yet)",
      registers,
      collect() {
        this.set(pendingRepairs());
      },
    });
  }

  /** Reports the ledger's repair queue length at every scrape. */
  watchPendingRepairs(source: () => number): void {
    this.#pendingRepairs = source;
  }

  /**
   * Records one answered request: its latency and, for a 4xx or 5xx status, an error.
   *
   * @param route The route pattern, or `unmatched`.
   * @param method The request method, `OTHER` outside the known ones.
   * @param status The answer's status code.
   * @param seconds How long the answer took.
   */
  request(route: string, method: string, status: number, seconds: number): void {
    const labels = { route, method, status: String(status) };
    this.requestDuration.observe(labels, seconds);
    if (status >= 400) this.requestErrors.inc(labels);
  }

  /** Counts one error of a kind. */
  error(kind: string): void {
    this.errors.inc({ kind });
  }
}
