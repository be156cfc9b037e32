/**
 * Metric names: the original's `ctlstore.<service>.<name>` in Prometheus form.
 *
 * @module
 */

/**
 * The Prometheus name of an original metric name for a service.
 *
 * @example
 * ```ts
 * metricName("reflector", "wal-file-size"); // "ctlstore_reflector_wal_file_size"
 * ```
 */
export function metricName(service: string, name: string): string {
  return `ctlstore.${service}.${name}`.replace(/[^A-Za-z0-9_:]/g, "_");
}
