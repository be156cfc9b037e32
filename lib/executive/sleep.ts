/**
 * The diagnostic `GET /sleep` route (spec §7.2): waits a minute, then answers `200 slept`;
 * when the request ends first (the handler deadline passed or the executive is stopping) it
 * answers `200 cancelled`, as the original does. With the default 30 s `-handler-timeout`
 * that is `cancelled` after 30 s, in the original too.
 *
 * @module
 */

/** How long `GET /sleep` waits, in milliseconds. */
export const SLEEP_MS = 60_000;

/**
 * Waits `sleepMs` and answers `slept`, or answers `cancelled` as soon as a signal aborts or
 * `deadlineMs` passes, whichever comes first.
 *
 * @param signals Signals that end the sleep early (the service's stop signal).
 * @param deadlineMs The per-request deadline (`-handler-timeout`).
 * @param sleepMs How long to sleep.
 * @example
 * ```ts
 * const response = await sleepResponse([stopping], 30_000);
 * console.log(await response.text()); // "cancelled" (the deadline comes first)
 * ```
 */
export function sleepResponse(
  signals: AbortSignal[],
  deadlineMs: number,
  sleepMs: number = SLEEP_MS,
): Promise<Response> {
  return new Promise((resolve) => {
    const slept = sleepMs <= deadlineMs;
    const done = (text: string) => {
      clearTimeout(timer);
      for (const signal of signals) signal.removeEventListener("abort", cancel);
      resolve(new Response(text));
    };
    const cancel = () => done("cancelled");
    const timer = setTimeout(
      () => done(slept ? "slept" : "cancelled"),
      Math.min(sleepMs, deadlineMs),
    );
    for (const signal of signals) signal.addEventListener("abort", cancel, { once: true });
    if (signals.some((signal) => signal.aborted)) cancel();
  });
}
