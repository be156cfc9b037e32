/**
 * Prometheus metrics: one registry per service, served as text at `GET /metrics`.
 *
 * Metric names are `ctlstore_<service>_<name>` and follow the Prometheus naming conventions
 * (`names.ts`), e.g. `ctlstore_reflector_wal_file_size_bytes`; counters end in `_total`
 * (`counter.ts`).
 *
 * @module
 */
import client from "prom-client";
import { metricPrefix } from "./names.ts";

export { metricName, metricNameProblem, metricPrefix } from "./names.ts";
export { Counter } from "./counter.ts";
export { type ConnectionCounts, registerConnectionMetrics } from "./connections.ts";

/** The prom-client registry type. */
export type Registry = client.Registry;
/** The prom-client gauge and histogram classes. */
export const { Gauge, Histogram } = client;

/**
 * Creates a registry for one service, with the default `version` label and, when asked, the
 * process metrics (memory, CPU, event loop).
 *
 * @example
 * ```ts
 * const registry = createRegistry("executive", "0.1.0");
 * ```
 */
export function createRegistry(
  service: string,
  version: string,
  options: { processMetrics?: boolean } = {},
): Registry {
  const registry = new client.Registry();
  registry.setDefaultLabels({ version });
  if (options.processMetrics) {
    client.collectDefaultMetrics({ register: registry, prefix: metricPrefix(service) });
  }
  return registry;
}

/**
 * Renders a registry as a Prometheus text response.
 *
 * @example
 * ```ts
 * const response = await metricsResponse(createRegistry("sidecar", "0.1.0"));
 * ```
 */
export async function metricsResponse(registry: Registry): Promise<Response> {
  return new Response(await registry.metrics(), {
    headers: { "content-type": registry.contentType },
  });
}
