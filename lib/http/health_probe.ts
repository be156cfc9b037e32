/**
 * One health probe, as a container health check runs it: GET a URL, healthy on a 2xx answer,
 * with one line saying what came back (the status and the first line of the body, such as a
 * `/healthz` reason) or why nothing did. `ctlstore healthcheck` runs it, since the distroless
 * image has no curl. It does not retry: the container runtime repeats the check.
 *
 * @module
 */
import { positive, SettingError } from "../setting_error.ts";
import { describeFetchError } from "./fetch_error.ts";

/** Options of {@linkcode probeHealth}. */
export interface HealthProbeOptions {
  /** How long the answer may take, body included, in milliseconds (default 5000). */
  timeoutMs?: number;
}

/** What a probe found. */
export interface HealthProbeResult {
  /** Whether the URL answered with a 2xx status. */
  healthy: boolean;
  /**
   * One line: `<url> answered <status>[: <first body line>]`, or
   * `cannot reach <url>: <reason>`.
   */
  line: string;
}

/** The defaults of {@linkcode HealthProbeOptions}. */
export const HEALTH_PROBE_DEFAULTS = Object.freeze({ timeoutMs: 5000 });

/** At most this much of the body's first line is reported. */
const MAX_REASON_CHARS = 200;

function checkUrl(url: string): URL {
  const parsed = URL.canParse(url) ? new URL(url) : undefined;
  if (parsed?.protocol === "http:" || parsed?.protocol === "https:") return parsed;
  throw new SettingError({
    setting: "url",
    value: url,
    reason: "must be an http:// or https:// URL",
    description: "health check URL",
  });
}

function firstLine(text: string): string {
  const line = text.trim().split(/\r?\n/, 1)[0] ?? "";
  return line.length > MAX_REASON_CHARS ? `${line.slice(0, MAX_REASON_CHARS)}…` : line;
}

/**
 * GETs `url` once and reports whether it answered 2xx, following redirects.
 *
 * @param url An `http://` or `https://` URL, e.g. `http://127.0.0.1:1331/healthz`.
 * @param options The timeout.
 * @returns The verdict and its one line; never rejects for a failed request.
 * @throws {SettingError} For a URL that is not `http(s)://`, or a timeout that is not positive.
 *
 * @example
 * ```ts
 * import { probeHealth } from "./health_probe.ts";
 *
 * const { healthy, line } = await probeHealth("http://127.0.0.1:1331/healthz");
 * console.log(healthy, line); // true "http://127.0.0.1:1331/healthz answered 200: ok: …"
 * ```
 */
export async function probeHealth(
  url: string,
  options: HealthProbeOptions = {},
): Promise<HealthProbeResult> {
  const target = checkUrl(url).href;
  const timeoutMs = positive(
    "timeoutMs",
    "health check timeout",
    options.timeoutMs ?? HEALTH_PROBE_DEFAULTS.timeoutMs,
  );
  const timeout = AbortSignal.timeout(timeoutMs);
  try {
    const response = await fetch(target, { signal: timeout });
    const reason = firstLine(await response.text());
    return {
      healthy: response.status >= 200 && response.status < 300,
      line: `${target} answered ${response.status}` + (reason ? `: ${reason}` : ""),
    };
  } catch (error) {
    const cause = describeFetchError(error, timeout.aborted ? timeoutMs : undefined);
    return { healthy: false, line: `cannot reach ${target}: ${cause}` };
  }
}
