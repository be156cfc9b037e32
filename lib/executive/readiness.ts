/**
 * Getting the executive ready on its ctldb, also when the ctldb is down at start: the executive
 * serves from the moment it is bound, answers 503 (with the reason) on `/healthz` and on every
 * route that needs the ctldb until the preparation — creating the schema where missing, loading
 * the limits, starting the background work — has succeeded, and retries that preparation with
 * capped exponential backoff. It is the path a later outage takes too (requests get 503 while
 * the ctldb is unreachable), so a start during an outage is no longer a crash loop.
 *
 * Only "unreachable" is waited out: any other failure of the preparation (a ctldb that refuses
 * the schema, say) is a fault that retrying will not fix, reported through `failed`.
 *
 * @module
 */
import { Backoff, sleep } from "../backoff.ts";
import { isUnavailableError } from "../ctldb/mod.ts";
import { HttpError } from "../http/mod.ts";
import { errorMessage, type Logger } from "../log/mod.ts";

/**
 * First and longest wait between preparation attempts, and how often a continuing outage is
 * logged as a warning, in milliseconds.
 */
export const READINESS_RETRY = Object.freeze({ initialMs: 250, maxMs: 5000, warnEveryMs: 60_000 });

/** Whether the executive is ready on its ctldb, and getting it there. */
export class CtldbReadiness {
  readonly #prepare: () => Promise<void>;
  readonly #log: Logger;
  readonly #stopped = new AbortController();
  readonly #failure = Promise.withResolvers<never>();
  #reason = "ctldb unavailable: not connected yet";
  #ready = false;
  #retrying: Promise<void> | undefined;

  /**
   * @param prepare Makes the executive ready; safe to run again after it failed.
   * @param log Where waiting and recovery are reported.
   * @example
   * ```ts
   * const readiness = new CtldbReadiness(() => db.ensureSchema(), log);
   * await readiness.start();
   * ```
   */
  constructor(prepare: () => Promise<void>, log: Logger) {
    this.#prepare = prepare;
    this.#log = log;
    this.#failure.promise.catch(() => {});
  }

  /** Whether the preparation has succeeded. */
  get ready(): boolean {
    return this.#ready;
  }

  /**
   * Rejects when a retried preparation fails for a reason other than an unreachable ctldb;
   * never settles otherwise.
   */
  get failed(): Promise<never> {
    return this.#failure.promise;
  }

  /**
   * Makes the first attempt. Resolves when it succeeded, or when the ctldb is unreachable (the
   * attempts then go on in the background).
   *
   * @throws When the first attempt fails for another reason.
   */
  async start(): Promise<void> {
    try {
      await this.#attempt();
    } catch (error) {
      if (!isUnavailableError(error)) throw error;
      this.#log.warn("ctldb unreachable at start; answering 503 until it answers", {
        error: errorMessage(error),
      });
      this.#retrying = this.#retry();
    }
  }

  /**
   * The 503 a request gets while the executive is not ready (`ctldb unavailable: …`), or
   * `undefined` once it is.
   */
  unavailable(): HttpError | undefined {
    return this.#ready ? undefined : new HttpError(503, this.#reason);
  }

  /** Stops retrying and waits for an attempt in progress. */
  async stop(): Promise<void> {
    this.#stopped.abort();
    await this.#retrying;
  }

  async #attempt(): Promise<void> {
    try {
      await this.#prepare();
      this.#ready = true;
    } catch (error) {
      const message = errorMessage(error);
      this.#reason = message.startsWith("ctldb unavailable") || !isUnavailableError(error)
        ? message
        : `ctldb unavailable: ${message}`;
      throw error;
    }
  }

  async #retry(): Promise<void> {
    const backoff = new Backoff(READINESS_RETRY.initialMs, READINESS_RETRY.maxMs);
    const signal = this.#stopped.signal;
    let warned = performance.now();
    while (!signal.aborted) {
      await sleep(backoff.next(), signal);
      if (signal.aborted) return;
      try {
        await this.#attempt();
        this.#log.info("ctldb reachable; executive ready", { attempts: backoff.failures + 1 });
        return;
      } catch (error) {
        if (!isUnavailableError(error)) {
          this.#failure.reject(error);
          return;
        }
        const fields = { attempts: backoff.failures, error: this.#reason };
        if (performance.now() - warned < READINESS_RETRY.warnEveryMs) {
          this.#log.debug("ctldb still unreachable", fields);
        } else {
          warned = performance.now();
          this.#log.warn("ctldb still unreachable; answering 503", fields);
        }
      }
    }
  }
}
