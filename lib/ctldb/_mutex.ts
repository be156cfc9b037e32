/**
 * A minimal FIFO async mutex for serializing work on one synchronous SQLite connection.
 *
 * @module
 */

/**
 * Runs tasks one at a time, in the order they asked.
 *
 * @example
 * ```ts
 * import { AsyncMutex } from "./_mutex.ts";
 *
 * const mutex = new AsyncMutex();
 * await mutex.run(async () => {
 *   // exclusive section
 * });
 * ```
 */
export class AsyncMutex {
  #tail: Promise<void> = Promise.resolve();

  /** Waits for every earlier task, then runs `fn`; the next task starts when it settles. */
  async run<T>(fn: () => T | Promise<T>): Promise<T> {
    const previous = this.#tail;
    let release!: () => void;
    this.#tail = new Promise<void>((resolve) => release = resolve);
    await previous;
    try {
      return await fn();
    } finally {
      release();
    }
  }
}
