/**
 * The executive's Prometheus metrics (served at `GET /metrics`), named after the original's
 * DogStatsD metrics (spec §16) with the `ctlstore_executive_` prefix. Route labels use route
 * patterns (`/families/:family/mutations`), never raw URIs, so label sets stay bounded.
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
 * metrics.error("mutate");
 * const text = await metrics.registry.metrics();
 * ```
 */
export class ExecutiveMetrics {
  /** The registry `GET /metrics` renders. */
  readonly registry: Registry;
  /** Request latency in seconds by route pattern, method and status code. */
  readonly apiLatency: HistogramType<"uri" | "method" | "code">;
  /** Mutations (entries of `mutations`) committed, by writer. */
  readonly mutations: CounterType<"writer">;
  /** Ledger rows written (statements and markers). */
  readonly ledgerRows: CounterType;
  /** Rows in the DML ledger, refreshed every minute (the ctldb's estimate). */
  readonly ledgerRowCount: GaugeType;
  /** Errors by kind (`error` label), as the original's aggregate `errors` counter. */
  readonly errors: CounterType<"error">;
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
    this.apiLatency = new Histogram({
      name: name("api-latency"),
      help: "HTTP request latency in seconds by route pattern, method and status code",
      labelNames: ["uri", "method", "code"],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers,
    });
    this.mutations = new Counter({
      name: name("mutations"),
      help: "Mutations committed, by writer",
      labelNames: ["writer"],
      registers,
    });
    this.ledgerRows = new Counter({
      name: name("ledger-rows-written"),
      help: "DML ledger rows written (statements and transaction markers)",
      registers,
    });
    this.ledgerRowCount = new Gauge({
      name: name("ledger-row-count"),
      help: "Rows in the DML ledger (the ctldb's estimate: table statistics, or the highest seq)",
      registers,
    });
    this.errors = new Counter({
      name: name("errors"),
      help: "Errors by kind",
      labelNames: ["error"],
      registers,
    });
    this.tableSizes = new Gauge({
      name: name("table-sizes"),
      help: "Size of each family table in bytes (data + index, where the ctldb reports sizes)",
      labelNames: ["family", "table"],
      registers,
    });
    this.tableSizeWarnings = new Counter({
      name: name("table-size-warning"),
      help: "Mutations of tables above their warning size",
      labelNames: ["table"],
      registers,
    });
    this.usageRowsDeleted = new Counter({
      name: name("writer-usage-rows-deleted"),
      help: "Writer usage rows removed by garbage collection",
      registers,
    });
    const pendingRepairs = () => this.#pendingRepairs();
    this.pendingLedgerRepairs = new Gauge({
      name: name("pending-ledger-repairs"),
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

  /** Counts one error of a kind. */
  error(kind: string): void {
    this.errors.inc({ error: kind });
  }
}
