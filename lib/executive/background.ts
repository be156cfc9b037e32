/**
 * The executive's periodic background work (spec §7.7, §7.8): tasks run on an interval,
 * failures reported through one callback (counted and logged by the caller) instead of
 * crashing the service, and a stop that waits for a run in progress.
 *
 * @module
 */
import type { Logger } from "../log/mod.ts";
import type { ExecutiveMetrics } from "./metrics.ts";

/**
 * The failure callback every executive background task uses: counts
 * `errors_total{kind=<op>}` (the op names of spec §16) and logs a warning.
 *
 * @example
 * ```ts
 * const tasks = new PeriodicTasks(reportFailures(metrics, logger));
 * ```
 */
export function reportFailures(
  metrics: ExecutiveMetrics,
  log: Logger,
): (op: string, error: unknown) => void {
  return (op, error) => {
    metrics.error(op);
    log.warn(`${op} failed`, { error });
  };
}

/**
 * A set of periodic tasks that stop together.
 *
 * @example
 * ```ts
 * const tasks = new PeriodicTasks((op, error) => console.warn(op, error));
 * tasks.every(60_000, "refresh", () => refresh(), { immediately: true });
 * await tasks.stop();
 * ```
 */
export class PeriodicTasks {
  readonly #onError: (op: string, error: unknown) => void;
  #timers: ReturnType<typeof setInterval>[] = [];
  #inFlight = new Set<Promise<unknown>>();

  /** @param onError Called with the task's name when a run fails. */
  constructor(onError: (op: string, error: unknown) => void) {
    this.#onError = onError;
  }

  /**
   * Runs `fn` every `ms` milliseconds (and once at once when `immediately`), one run at a
   * time per task: a tick that comes while the previous run is still going is skipped.
   */
  every(
    ms: number,
    op: string,
    fn: () => Promise<unknown>,
    options: { immediately?: boolean } = {},
  ): void {
    let running = false;
    const tick = () => {
      if (running) return;
      running = true;
      this.#run(op, fn).finally(() => running = false);
    };
    this.#timers.push(setInterval(tick, ms));
    if (options.immediately) tick();
  }

  #run(op: string, fn: () => Promise<unknown>): Promise<unknown> {
    const task = fn().catch((error) => this.#onError(op, error));
    this.#inFlight.add(task);
    return task.finally(() => this.#inFlight.delete(task));
  }

  /** Stops every task and waits for runs in progress. */
  async stop(): Promise<void> {
    for (const id of this.#timers) clearInterval(id);
    this.#timers = [];
    await Promise.allSettled([...this.#inFlight]);
  }
}
