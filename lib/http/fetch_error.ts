/**
 * Why a `fetch` failed, in a few words an operator can act on. Deno rejects every network
 * failure with the same `TypeError: fetch failed` and hides the real reason in the cause's
 * text (`… client error (Connect): tcp connect error: Connection refused (os error 111)`);
 * {@linkcode describeFetchError} turns that into `connection refused`, `host not found (DNS
 * lookup failed)`, `TLS handshake failed: …` or `timed out after 5s`. It only words the
 * failure: retrying and reporting belong to the caller.
 *
 * @module
 */
import { formatGoDuration } from "../flags/mod.ts";

/** What a failure's text says, tried in order; the first match words it. */
const KNOWN_CAUSES: readonly [RegExp, (detail: string) => string][] = [
  [/connection refused/i, () => "connection refused"],
  [
    /dns error|failed to lookup address|name or service not known|nodename nor servname|no such host/i,
    () => "host not found (DNS lookup failed)",
  ],
  [
    /invalid peer certificate|certificate|tls|ssl|corrupt message|handshake|alert/i,
    (detail) => `TLS handshake failed: ${detail}`,
  ],
  [/connection reset/i, () => "connection reset by the server"],
  [/connection closed before message completed/i, () => "connection closed before an answer"],
  [/network is unreachable/i, () => "network unreachable"],
  [/no route to host/i, () => "no route to host"],
  [/timed out/i, () => "connection timed out"],
];

/**
 * The innermost text of a fetch failure: the cause's message after its last `): ` (Deno's
 * `error sending request for url (…): client error (Connect): ` preamble), without the OS
 * error number.
 */
function detailOf(error: Error): string {
  const cause = error.cause instanceof Error ? error.cause.message : "";
  const text = cause || error.message;
  const tail = text.slice(text.lastIndexOf("): ") + 1).replace(/^:\s*/, "").trim();
  return (tail || text).replace(/^fetch failed: /i, "").replace(/\s*\(os error \d+\)$/, "");
}

/**
 * Words why a `fetch` failed, for a one-line error.
 *
 * @param error What `fetch` rejected with.
 * @param timeoutMs The request's own timeout, when it is what aborted the request (a
 *   `TimeoutError` is then `timed out after <timeout>`).
 * @returns E.g. `connection refused`, `host not found (DNS lookup failed)`,
 *   `TLS handshake failed: invalid peer certificate: UnknownIssuer`, `timed out after 5s`.
 *
 * @example
 * ```ts
 * import { describeFetchError } from "./fetch_error.ts";
 *
 * try {
 *   await fetch("http://127.0.0.1:9/healthz");
 * } catch (error) {
 *   console.error(`cannot reach http://127.0.0.1:9/healthz: ${describeFetchError(error)}`);
 * }
 * ```
 */
export function describeFetchError(error: unknown, timeoutMs?: number): string {
  if (error instanceof DOMException && error.name === "TimeoutError") {
    return timeoutMs === undefined ? "timed out" : `timed out after ${formatGoDuration(timeoutMs)}`;
  }
  if (error instanceof DOMException && error.name === "AbortError") return "aborted";
  if (!(error instanceof Error)) return String(error);
  const detail = detailOf(error);
  for (const [pattern, words] of KNOWN_CAUSES) {
    if (pattern.test(detail)) return words(detail);
  }
  return detail;
}
