/**
 * The connection metrics every HTTP service reports: connections open now, refused past the
 * connection cap, and closed by the idle timeout. The counts come from the server at scrape
 * time; this module only turns them into Prometheus metrics.
 *
 * @module
 */
import client from "prom-client";
import { Counter } from "./counter.ts";
import { metricName } from "./names.ts";

/** Connection counts as an HTTP server keeps them. */
export interface ConnectionCounts {
  /** Connections open now. */
  open: number;
  /** Connections refused past the cap, since the start. */
  refused: number;
  /** Connections closed by the idle timeout, since the start. */
  idleClosed: number;
}

/**
 * Registers `ctlstore_<service>_http_connections` (gauge) and
 * `ctlstore_<service>_http_connections_refused_total` /
 * `ctlstore_<service>_http_connections_idle_closed_total` (counters), read from `source` at every
 * scrape.
 *
 * @example
 * ```ts
 * registerConnectionMetrics(registry, "sidecar", () => server.connections);
 * ```
 */
export function registerConnectionMetrics(
  registry: client.Registry,
  service: string,
  source: () => ConnectionCounts,
): void {
  const registers = [registry];
  new client.Gauge({
    name: metricName(service, "http_connections"),
    help: "HTTP connections open now",
    registers,
    collect() {
      this.set(source().open);
    },
  });
  const counter = (name: string, help: string, read: (counts: ConnectionCounts) => number) => {
    let reported = 0;
    new Counter({
      name: metricName(service, name),
      help,
      registers,
      collect() {
        const total = read(source());
        this.inc(total - reported);
        reported = total;
      },
    });
  };
  counter(
    "http_connections_refused_total",
    "HTTP connections answered 503 because the connection cap was reached",
    (counts) => counts.refused,
  );
  counter(
    "http_connections_idle_closed_total",
    "HTTP connections closed after the idle timeout with no request in flight",
    (counts) => counts.idleClosed,
  );
}
