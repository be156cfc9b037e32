/**
 * The shape every long-running ctlstore service shares, so commands and `ctlstore up` can start
 * and stop any of them the same way.
 *
 * @module
 */

/**
 * A started service: stop it, or wait for it to end.
 *
 * @example
 * ```ts
 * async function runUntilStopped(service: RunningService, signal: AbortSignal) {
 *   signal.addEventListener("abort", () => service.stop(), { once: true });
 *   await service.finished;
 * }
 * ```
 */
export interface RunningService {
  /** The bound HTTP address, for services that listen. */
  readonly address?: { hostname: string; port: number };
  /** Stops gracefully: drains requests, ends background work, closes what it opened. */
  stop(): Promise<void>;
  /** Resolves once the service has stopped. */
  readonly finished: Promise<void>;
}
