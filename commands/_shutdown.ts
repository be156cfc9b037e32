/**
 * Process signals and the run loop every service command shares: start the service, stop it on
 * the first SIGINT/SIGTERM (it drains and the process exits 0), exit at once on a later one.
 *
 * @module
 */
import { errorMessage } from "../lib/log/mod.ts";
import type { RunningService } from "../lib/service.ts";
import { CliError, FlagError } from "./_command.ts";

/**
 * A repeat of the first signal within this many milliseconds is the same interrupt delivered
 * twice (a terminal's Ctrl-C reaches both `deno task` and its child), not a second request.
 */
const REPEAT_WINDOW_MS = 1000;

/** The signals that stop a service; Windows has no SIGTERM (Deno throws), only Ctrl-Break. */
const STOP_SIGNALS: readonly Deno.Signal[] = Deno.build.os === "windows"
  ? ["SIGINT", "SIGBREAK"]
  : ["SIGINT", "SIGTERM"];

/**
 * Returns a signal aborted by the first SIGINT/SIGTERM. A later signal (after
 * {@linkcode REPEAT_WINDOW_MS}) exits the process at once, with 130 (SIGINT) or 143 (SIGTERM).
 *
 * @example
 * ```ts
 * const signal = shutdownSignal();
 * signal.addEventListener("abort", () => console.log("stopping"));
 * ```
 */
export function shutdownSignal(): AbortSignal {
  const controller = new AbortController();
  let firstAt = 0;
  const onSignal = (name: Deno.Signal) => () => {
    if (!controller.signal.aborted) {
      firstAt = Date.now();
      controller.abort(new Error(`received ${name}`));
    } else if (Date.now() - firstAt > REPEAT_WINDOW_MS) {
      Deno.exit(name === "SIGINT" ? 130 : 143);
    }
  };
  for (const name of STOP_SIGNALS) Deno.addSignalListener(name, onSignal(name));
  return controller.signal;
}

/**
 * Starts a service and runs it until the first SIGINT/SIGTERM stops it. A start-up failure
 * becomes a one-line CLI error (none when the failure is the shutdown itself; a
 * {@linkcode FlagError} stays one, naming the flag), and so does a failure while running.
 *
 * @param start Starts the service; it may use the signal to give up during start-up.
 * @param onStarted Called once the service runs (not when a signal came during start-up).
 * @example
 * ```ts
 * await runUntilShutdown((signal) => startSidecar({ signal }));
 * ```
 */
export async function runUntilShutdown<S extends RunningService>(
  start: (signal: AbortSignal) => Promise<S>,
  onStarted?: (service: S) => void,
): Promise<void> {
  const signal = shutdownSignal();
  let service: S;
  try {
    service = await start(signal);
  } catch (error) {
    if (signal.aborted) return;
    if (error instanceof FlagError) throw error;
    throw new CliError(errorMessage(error));
  }
  const stop = () => service.stop();
  if (signal.aborted) await stop();
  else {
    onStarted?.(service);
    signal.addEventListener("abort", stop, { once: true });
  }
  try {
    await service.finished;
  } catch (error) {
    throw new CliError(errorMessage(error));
  }
}
