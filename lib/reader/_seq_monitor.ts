/**
 * Waiting for the LDB's applied seq to reach a value. The reflector is another process, so
 * there is nothing to subscribe to: one timer per reader reads `_ldb_seq` (a prepared point
 * query of a few microseconds) every few milliseconds while anyone waits, and stops when
 * nobody does. Private to the reader.
 *
 * @module
 */

interface Waiter {
  readonly seq: number;
  readonly resolve: (seq: number) => void;
  readonly reject: (error: unknown) => void;
}

/** How often a waited-on LDB is polled, in milliseconds. */
export const SEQ_POLL_MS = 5;

/** Resolves waits for seqs as the applied seq of one LDB advances. */
export class SeqMonitor {
  readonly #read: () => number;
  readonly #waiters = new Set<Waiter>();
  #timer: ReturnType<typeof setInterval> | undefined;

  /** @param read Reads the applied seq (throws when the LDB cannot be read). */
  constructor(read: () => number) {
    this.#read = read;
  }

  /**
   * Resolves with the applied seq once it is at least `seq`.
   *
   * @param seq The seq to wait for.
   * @param signal Rejects with its reason when aborted.
   */
  until(seq: number, signal?: AbortSignal): Promise<number> {
    const now = this.#read();
    if (now >= seq) return Promise.resolve(now);
    if (signal?.aborted) return Promise.reject(signal.reason);
    return new Promise((resolve, reject) => {
      const onAbort = () => {
        this.#waiters.delete(waiter);
        this.#stopWhenIdle();
        reject(signal!.reason);
      };
      const waiter: Waiter = {
        seq,
        resolve: (value) => {
          signal?.removeEventListener("abort", onAbort);
          resolve(value);
        },
        reject: (error) => {
          signal?.removeEventListener("abort", onAbort);
          reject(error);
        },
      };
      signal?.addEventListener("abort", onAbort, { once: true });
      this.#waiters.add(waiter);
      this.#timer ??= setInterval(() => this.#tick(), SEQ_POLL_MS);
    });
  }

  /** Rejects every waiter with `error` and stops polling. */
  close(error: unknown): void {
    for (const waiter of this.#waiters) waiter.reject(error);
    this.#waiters.clear();
    this.#stopWhenIdle();
  }

  #tick(): void {
    let seq: number;
    try {
      seq = this.#read();
    } catch (error) {
      this.close(error);
      return;
    }
    for (const waiter of this.#waiters) {
      if (seq < waiter.seq) continue;
      this.#waiters.delete(waiter);
      waiter.resolve(seq);
    }
    this.#stopWhenIdle();
  }

  #stopWhenIdle(): void {
    if (this.#waiters.size > 0 || this.#timer === undefined) return;
    clearInterval(this.#timer);
    this.#timer = undefined;
  }
}
