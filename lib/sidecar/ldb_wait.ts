/**
 * A sidecar started before its LDB exists (the reflector still bootstrapping it) waits for the
 * file instead of failing: it answers every route 503 `waiting for LDB <path>` (`/metrics`
 * excepted) and looks for the file every second. Opening, checking and serving the LDB once it
 * is there is `sidecar.ts`.
 *
 * @module
 */
import { sleep } from "../backoff.ts";
import { healthResponse } from "../http/mod.ts";
import { pathExists } from "../ldb/mod.ts";
import { metricsResponse, type Registry } from "../metrics/mod.ts";

/**
 * The one line a waiting sidecar answers with, on `/healthz` and on every read.
 *
 * @example
 * ```ts
 * import { waitingForLdbReason } from "./ldb_wait.ts";
 *
 * waitingForLdbReason("/var/spool/ctlstore/ldb.db"); // "waiting for LDB /var/spool/ctlstore/ldb.db"
 * ```
 */
export function waitingForLdbReason(path: string): string {
  return `waiting for LDB ${path}`;
}

/**
 * The handler of a sidecar waiting for its LDB: `GET /metrics` from the registry, anything else
 * 503 with {@linkcode waitingForLdbReason}.
 *
 * @example
 * ```ts
 * import { waitingHandler } from "./ldb_wait.ts";
 *
 * const handler = waitingHandler("/var/spool/ctlstore/ldb.db");
 * (await handler(new Request("http://sidecar/healthz"))).status; // 503
 * ```
 */
export function waitingHandler(
  path: string,
  registry?: Registry,
): (request: Request) => Promise<Response> {
  const reason = waitingForLdbReason(path);
  return (request) => {
    if (registry && request.method === "GET" && new URL(request.url).pathname === "/metrics") {
      return metricsResponse(registry);
    }
    return Promise.resolve(healthResponse({ healthy: false, reason }));
  };
}

/**
 * Resolves `true` once `path` exists, looking every `intervalMs`; `false` when `signal` aborts
 * first.
 *
 * @example
 * ```ts
 * import { waitForFile } from "./ldb_wait.ts";
 *
 * if (await waitForFile("/var/spool/ctlstore/ldb.db", 1000, AbortSignal.timeout(60_000))) {
 *   console.log("the LDB is there");
 * }
 * ```
 */
export async function waitForFile(
  path: string,
  intervalMs: number,
  signal: AbortSignal,
): Promise<boolean> {
  while (!signal.aborted) {
    if (await pathExists(path)) return !signal.aborted;
    await sleep(intervalMs, signal);
  }
  return false;
}
