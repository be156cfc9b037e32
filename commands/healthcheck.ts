// deno-lint-ignore-file no-console
/**
 * `ctlstore healthcheck -url <url> [-timeout 5s]`: one health probe for container health
 * checks (the distroless image has no curl). Exit 0 on a 2xx answer, else 1 with one line.
 *
 * @module
 */
import { formatGoDuration } from "../lib/flags/mod.ts";
import { HEALTH_PROBE_DEFAULTS, probeHealth } from "../lib/http/mod.ts";
import { CliError, defineCommand } from "./_command.ts";
import { namingFlags } from "./_settings.ts";

const FLAGS = {
  url: {
    type: "string",
    help: "the URL to GET, e.g. http://127.0.0.1:1331/healthz",
    required: true,
    env: "CTLSTORE_HEALTHCHECK_URL",
  },
  timeout: {
    type: "duration",
    help: "how long the answer may take",
    default: formatGoDuration(HEALTH_PROBE_DEFAULTS.timeoutMs),
    env: "CTLSTORE_HEALTHCHECK_TIMEOUT",
  },
} as const;

/** The `healthcheck` command. */
export const healthcheckCommand = defineCommand({
  name: "healthcheck",
  summary: "GET a health URL; exit 0 on a 2xx answer (for container health checks)",
  description: [
    "GETs -url once (following redirects). On a 2xx answer it prints",
    "  <url> answered <status>: <first line of the body>",
    "on stdout and exits 0; otherwise it prints one line on stderr and exits 1:",
    "  error: <url> answered 503: <first line of the body>",
    "  error: cannot reach <url>: connection refused",
    "Routes: executive /healthz (:3000), sidecar /healthz (:1331), reflector, supervisor and",
    "heartbeat /healthz on their -metrics-bind address.",
    "",
    'Docker: HEALTHCHECK CMD ["ctlstore", "healthcheck", "-url", "http://127.0.0.1:3000/healthz"]',
  ].join("\n"),
  flags: FLAGS,
  async run(values) {
    const { healthy, line } = await namingFlags(
      probeHealth(values.url, { timeoutMs: values.timeout }),
      { flags: FLAGS, settings: { url: "url", timeoutMs: "timeout" } },
    );
    if (!healthy) throw new CliError(line);
    console.log(line);
  },
});
