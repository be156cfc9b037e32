/**
 * One scrape of one fleet target: its `/metrics` (Prometheus text), its health next to it, and
 * what they say: the kind of service, applied seq, ledger latency, health, the last error, and
 * for supervisors the last snapshot. Reading never throws: an unreachable target is a reading
 * that says so.
 *
 * @module
 */
import { errorMessage } from "../log/mod.ts";
import { type MetricSample, parsePrometheusText, samplesOf } from "./prometheus.ts";

/** What kind of service a target is, told by its metric names. */
export type TargetKind =
  | "reflector"
  | "supervisor"
  | "sidecar"
  | "heartbeat"
  | "executive"
  | "ldb"
  | "unknown";

/** A supervisor's last published snapshot. */
export interface SnapshotInfo {
  /** When it was published (epoch milliseconds). */
  readonly at: number;
  /** Its size in bytes (uncompressed). */
  readonly sizeBytes: number | undefined;
  /** The ledger seq it contains. */
  readonly seq: number | undefined;
  /** Its checksum (base64 SHA-1), when the supervisor exports it. */
  readonly checksum: string | undefined;
}

/** One scrape of a target. */
export interface TargetReading {
  /** When it was taken (epoch milliseconds). */
  readonly at: number;
  /** Whether `/metrics` answered 200. */
  readonly reachable: boolean;
  /** The kind of service (`unknown` when unreachable). */
  readonly kind: TargetKind;
  /** The last applied ledger seq (the lowest, for several reflectors in one process). */
  readonly appliedSeq?: number | undefined;
  /** Seconds since the last applied ledger write (the highest of several reflectors). */
  readonly latencySeconds?: number | undefined;
  /** The health check's verdict; `undefined` when it did not answer. */
  readonly healthy?: boolean | undefined;
  /** The health check's one-line answer. */
  readonly health?: string | undefined;
  /** What is wrong, when something is: unreachable, unhealthy, a failing statement. */
  readonly error?: string | undefined;
  /** A supervisor's last snapshot. */
  readonly snapshot?: SnapshotInfo | undefined;
}

const R = "ctlstore_reflector_";
const S = "ctlstore_supervisor_";
const SIDECAR = "ctlstore_sidecar_";

/** Longest health or error text kept. */
const MAX_TEXT = 300;

function oneLine(text: string): string {
  const line = text.replace(/\s+/g, " ").trim();
  return line.length > MAX_TEXT ? `${line.slice(0, MAX_TEXT)}…` : line;
}

function kindOf(samples: readonly MetricSample[]): TargetKind {
  const has = (prefix: string) => samples.some((s) => s.name.startsWith(prefix));
  if (has(S)) return "supervisor";
  if (has(`${R}applied_seq`)) return "reflector";
  if (has(SIDECAR)) return "sidecar";
  if (has("ctlstore_heartbeat_")) return "heartbeat";
  if (has("ctlstore_executive_")) return "executive";
  return "unknown";
}

function values(samples: readonly MetricSample[], name: string): number[] {
  return samplesOf(samples, name).map((s) => s.value).filter((v) => Number.isFinite(v));
}

function snapshotOf(samples: readonly MetricSample[]): SnapshotInfo | undefined {
  const seconds = values(samples, `${S}last_snapshot_success_timestamp_seconds`)[0];
  if (!seconds) return undefined;
  const checksum = samplesOf(samples, `${S}snapshot_checksum_info`)[0]?.labels.checksum;
  return {
    at: seconds * 1000,
    sizeBytes: values(samples, `${S}ldb_size_bytes`)[0],
    seq: values(samples, `${S}snapshot_seq`)[0],
    checksum,
  };
}

async function get(url: URL, timeoutMs: number): Promise<Response> {
  return await fetch(url, { signal: AbortSignal.timeout(timeoutMs), redirect: "manual" });
}

/**
 * Why a request got no answer, in one line: Deno's `fetch failed` says nothing, its cause says
 * what (`tcp connect error: Connection refused (os error 111)`, a DNS failure), without the
 * request URL the page shows anyway.
 */
function fetchProblem(error: unknown): string {
  if (error instanceof DOMException && error.name === "TimeoutError") return "no answer in time";
  const cause = error instanceof Error && error.cause instanceof Error ? error.cause.message : "";
  const reason = cause.replace(
    /^error sending request for url \([^)]*\): (client error \(\w+\): )?/,
    "",
  );
  return oneLine(reason || errorMessage(error));
}

/** The health check next to `/metrics`: `/healthcheck` for a sidecar, `/healthz` otherwise. */
async function readHealth(
  metricsUrl: URL,
  kind: TargetKind,
  timeoutMs: number,
): Promise<{ healthy?: boolean; health?: string }> {
  const url = new URL(kind === "sidecar" ? "healthcheck" : "healthz", metricsUrl);
  try {
    const response = await get(url, timeoutMs);
    const text = oneLine(await response.text());
    return {
      healthy: response.status === 200,
      health: text || (response.status === 200 ? "ok" : `answered ${response.status}`),
    };
  } catch (error) {
    return { health: `no answer from ${url.pathname}: ${fetchProblem(error)}` };
  }
}

/**
 * How the fleet page names a target: its host and port, and the path when it is not `/metrics`.
 *
 * @example
 * ```ts
 * targetLabel("http://10.0.0.7:9090/metrics"); // "10.0.0.7:9090"
 * ```
 */
export function targetLabel(metricsUrl: string): string {
  const url = new URL(metricsUrl);
  return url.pathname === "/metrics" ? url.host : `${url.host}${url.pathname}`;
}

/**
 * Scrapes one target.
 *
 * @param metricsUrl The target's `/metrics` URL.
 * @param timeoutMs How long each request may take.
 * @example
 * ```ts
 * const reading = await readTarget("http://127.0.0.1:9090/metrics", 2000);
 * if (!reading.reachable) console.log(reading.error);
 * ```
 */
export async function readTarget(metricsUrl: string, timeoutMs: number): Promise<TargetReading> {
  const at = Date.now();
  const url = new URL(metricsUrl);
  let samples: MetricSample[];
  try {
    const response = await get(url, timeoutMs);
    const text = await response.text();
    if (response.status !== 200) {
      return {
        at,
        reachable: false,
        kind: "unknown",
        error: `${url.pathname} answered ${response.status}: ${oneLine(text)}`,
      };
    }
    samples = parsePrometheusText(text);
  } catch (error) {
    return { at, reachable: false, kind: "unknown", error: `unreachable: ${fetchProblem(error)}` };
  }
  const kind = kindOf(samples);
  const health = await readHealth(url, kind, timeoutMs);
  // A sidecar reports its LDB under its own prefix; anything else through its reflectors.
  const prefix = kind === "sidecar" ? SIDECAR : R;
  const seqs = values(samples, `${prefix}applied_seq`);
  const latencies = values(samples, `${prefix}ledger_latency_seconds`);
  const appliedSeq = seqs.length > 0 ? Math.min(...seqs) : undefined;
  const latencySeconds = latencies.length > 0 ? Math.max(...latencies) : undefined;
  const errors: string[] = [];
  const failing = values(samples, `${R}failing_seq`).filter((seq) => seq > 0);
  if (failing.length > 0) errors.push(`ledger seq ${Math.min(...failing)} fails to apply`);
  if (health.healthy === false) errors.unshift(`unhealthy: ${health.health}`);
  return {
    at,
    reachable: true,
    kind,
    appliedSeq,
    latencySeconds,
    ...health,
    ...(errors.length > 0 ? { error: errors.join("; ") } : {}),
    ...(kind === "supervisor" ? { snapshot: snapshotOf(samples) } : {}),
  };
}
