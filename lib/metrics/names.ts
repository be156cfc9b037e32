/**
 * Metric names: `ctlstore_<service>_<name>`, following the Prometheus naming conventions
 * (https://prometheus.io/docs/practices/naming/): snake_case, base units as suffixes (`_seconds`,
 * `_bytes`), counters ending in `_total`, `_info` on a metric whose value is 1 and whose labels
 * carry the information. This module builds names and refuses what a name shows wrong on its own:
 * a character outside snake_case, or a word next to itself (`ctlstore_reflector_reflector_…`).
 * The `_total` rule needs the metric's type, so the checked `Counter` applies it.
 *
 * The original's DogStatsD names (`ctlstore.<service>.<name>`) are not kept: they were never a
 * Prometheus contract, and DogStatsD output is not carried over.
 *
 * @module
 */

const SNAKE_CASE = /^[a-z][a-z0-9]*(?:_[a-z0-9]+)*$/;

/**
 * What is wrong with a full metric name, or `undefined` when it follows the conventions this
 * module can check: snake_case, and no word repeated next to itself.
 *
 * @example
 * ```ts
 * metricNameProblem("ctlstore_reflector_reflector_ledger_latency");
 * // 'the word "reflector" is repeated'
 * ```
 */
export function metricNameProblem(name: string): string | undefined {
  if (!SNAKE_CASE.test(name)) return "it is not snake_case ([a-z0-9] words joined by _)";
  const words = name.split("_");
  const repeated = words.find((word, i) => i > 0 && word === words[i - 1]);
  return repeated === undefined ? undefined : `the word "${repeated}" is repeated`;
}

/**
 * The prefix of every metric of a service: `ctlstore_<service>_`.
 *
 * @example
 * ```ts
 * metricPrefix("sidecar"); // "ctlstore_sidecar_"
 * ```
 */
export function metricPrefix(service: string): string {
  return `ctlstore_${service}_`;
}

/**
 * The full name of a service's metric.
 *
 * @param service The service (`executive`, `reflector`, `sidecar`, `supervisor`, `heartbeat`).
 * @param name The name after the prefix, snake_case with its unit suffix.
 * @throws {TypeError} When the full name breaks the conventions (see
 *   {@linkcode metricNameProblem}).
 * @example
 * ```ts
 * metricName("reflector", "wal_file_size_bytes"); // "ctlstore_reflector_wal_file_size_bytes"
 * ```
 */
export function metricName(service: string, name: string): string {
  const full = metricPrefix(service) + name;
  const problem = metricNameProblem(full);
  if (problem) throw new TypeError(`Metric name ${full} breaks the naming rules: ${problem}`);
  return full;
}
