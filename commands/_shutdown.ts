/**
 * Process signals: the first SIGINT or SIGTERM aborts the returned signal so services drain and
 * exit 0; a second one exits at once.
 *
 * @module
 */

/**
 * Returns a signal aborted by the first SIGINT/SIGTERM.
 *
 * @example
 * ```ts
 * const signal = shutdownSignal();
 * signal.addEventListener("abort", () => console.log("stopping"));
 * ```
 */
export function shutdownSignal(): AbortSignal {
  const controller = new AbortController();
  const signals: Deno.Signal[] = ["SIGINT", "SIGTERM"];
  const onSignal = (name: Deno.Signal) => () => {
    if (controller.signal.aborted) Deno.exit(name === "SIGINT" ? 130 : 143);
    controller.abort(new Error(`received ${name}`));
  };
  for (const name of signals) Deno.addSignalListener(name, onSignal(name));
  return controller.signal;
}
