/**
 * The counter every service uses: prom-client's `Counter`, refusing a name without the `_total`
 * suffix Prometheus expects of counters. The rest of a name is checked where it is built
 * (`metricName`).
 *
 * @module
 */
import client from "prom-client";

/**
 * A prom-client counter whose name must end in `_total`.
 *
 * @example
 * ```ts
 * import { createRegistry, metricName } from "./mod.ts";
 *
 * const registry = createRegistry("sidecar", "0.1.0");
 * const requests = new Counter({
 *   name: metricName("sidecar", "requests_total"),
 *   help: "HTTP requests",
 *   registers: [registry],
 * });
 * requests.inc();
 * ```
 */
export class Counter<T extends string = string> extends client.Counter<T> {
  /**
   * Creates the counter and registers it in `configuration.registers`.
   *
   * @param configuration As prom-client's.
   * @throws {TypeError} When the name does not end in `_total`.
   */
  constructor(configuration: client.CounterConfiguration<T>) {
    if (!configuration.name.endsWith("_total")) {
      throw new TypeError(`Counter name ${configuration.name} must end in _total`);
    }
    super(configuration);
  }
}
