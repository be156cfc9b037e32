/**
 * Reading the Prometheus text format (version 0.0.4) that ctlstore's services serve at
 * `/metrics`: samples with their labels and values. Only what the fleet page needs: comments
 * and `# TYPE`/`# HELP` lines are skipped, timestamps ignored, malformed lines skipped (a target
 * that serves one bad line still shows the rest).
 *
 * @module
 */

/** One sample of a scrape. */
export interface MetricSample {
  /** Metric name, e.g. `ctlstore_reflector_applied_seq`. */
  name: string;
  /** Label names to values (unescaped). */
  labels: Record<string, string>;
  /** The value (`NaN`, `Infinity` and `-Infinity` included). */
  value: number;
}

const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)(?:\s+-?\d+)?\s*$/;
const LABEL = /\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*=\s*"((?:[^"\\]|\\.)*)"\s*,?/y;

function parseValue(text: string): number {
  switch (text) {
    case "+Inf":
      return Infinity;
    case "-Inf":
      return -Infinity;
    case "NaN":
      return NaN;
    default:
      return /^[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?$/.test(text) ? Number(text) : NaN;
  }
}

function unescape(text: string): string {
  return text.replace(/\\(.)/g, (_, c: string) => (c === "n" ? "\n" : c));
}

function parseLabels(text: string): Record<string, string> | undefined {
  const labels: Record<string, string> = {};
  LABEL.lastIndex = 0;
  while (LABEL.lastIndex < text.length) {
    const start = LABEL.lastIndex;
    const match = LABEL.exec(text);
    if (!match) return text.slice(start).trim() === "" ? labels : undefined;
    labels[match[1]!] = unescape(match[2]!);
  }
  return labels;
}

/**
 * Parses a `/metrics` answer into samples.
 *
 * @example
 * ```ts
 * const samples = parsePrometheusText('ctlstore_reflector_applied_seq{id="ldb.db"} 42\n');
 * samples[0]; // { name: "ctlstore_reflector_applied_seq", labels: { id: "ldb.db" }, value: 42 }
 * ```
 */
export function parsePrometheusText(text: string): MetricSample[] {
  const samples: MetricSample[] = [];
  for (const line of text.split("\n")) {
    if (line === "" || line.startsWith("#")) continue;
    const match = SAMPLE.exec(line);
    if (!match) continue;
    const labels = match[2] === undefined ? {} : parseLabels(match[2]);
    if (!labels) continue;
    samples.push({ name: match[1]!, labels, value: parseValue(match[3]!) });
  }
  return samples;
}

/**
 * The samples of one metric, in the order served.
 *
 * @example
 * ```ts
 * const seqs = samplesOf(parsePrometheusText(text), "ctlstore_reflector_applied_seq");
 * ```
 */
export function samplesOf(samples: readonly MetricSample[], name: string): MetricSample[] {
  return samples.filter((sample) => sample.name === name);
}
