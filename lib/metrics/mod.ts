/**
 * Prometheus metrics: one registry per service, served as text at `GET /metrics`.
 *
 * Metric names follow the original's `ctlstore.<service>.<name>` with every character outside
 * `[A-Za-z0-9_:]` replaced by `_` (spec §10.9), e.g. `ctlstore_reflector_wal_file_size`.
 *
 * @module
 */
import client from "prom-client";
import { metricName } from "./names.ts";

export { metricName } from "./names.ts";
export { type ConnectionCounts, registerConnectionMetrics } from "./connections.ts";

/** The prom-client registry type. */
export type Registry = client.Registry;
/** The prom-client counter, gauge and histogram classes. */
export const { Counter, Gauge, Histogram } = client;

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
    client.collectDefaultMetrics({ register: registry, prefix: metricName(service, "") });
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
