/**
 * Remembering that an LDB turned out damaged while in use. A damaged LDB does not heal by
 * itself, and a read that happens to miss the damaged pages proves nothing, so once any read or
 * write failed with a corruption or I/O error ({@linkcode isCorruptionError}), the latch stays
 * set until the process restarts (and the start-up check moves the file aside or refuses it).
 * The services turn a set latch into 503 on their health routes.
 *
 * @module
 */
import { isCorruptionError } from "./integrity.ts";

/** A damage seen on an LDB. */
export interface LdbFault {
  /** The first error that showed it. */
  error: string;
  /** When it was first seen. */
  since: Date;
}

/**
 * Latches the first corruption or I/O error seen on an LDB.
 *
 * @example Turn health to 503 after a malformed read
 * ```ts
 * import { LdbFaultLatch } from "./mod.ts";
 *
 * const latch = new LdbFaultLatch((fault) => console.error("LDB damaged:", fault.error));
 * const malformed = Object.assign(new Error("database disk image is malformed"), { errcode: 11 });
 * latch.record(malformed); // true
 * console.log(latch.reason()); // LDB damaged or unreadable since …: database disk image is malformed; …
 * ```
 */
export class LdbFaultLatch {
  #fault: LdbFault | undefined;
  readonly #onFirst: ((fault: LdbFault) => void) | undefined;

  /**
   * Creates an unset latch.
   *
   * @param onFirst Called once, when the first fault is recorded (to log it).
   */
  constructor(onFirst?: (fault: LdbFault) => void) {
    this.#onFirst = onFirst;
  }

  /** The first fault seen, or `undefined` while none was. */
  get fault(): LdbFault | undefined {
    return this.#fault && { ...this.#fault };
  }

  /**
   * Records an error when it means the LDB is damaged or unreadable; other errors are ignored.
   *
   * @param error Anything a read or write of the LDB threw.
   * @returns Whether the error was such a fault (the latch is set then).
   */
  record(error: unknown): boolean {
    if (!isCorruptionError(error)) return false;
    if (this.#fault === undefined) {
      const message = error instanceof Error ? error.message : String(error);
      this.#fault = { error: message, since: new Date() };
      this.#onFirst?.({ ...this.#fault });
    }
    return true;
  }

  /**
   * The one-line reason health routes answer with, or `undefined` while no fault was seen.
   *
   * @returns `LDB damaged or unreadable since <ISO time>: <error>; restart to check it again`.
   */
  reason(): string | undefined {
    return this.#fault && ldbFaultReason(this.#fault);
  }
}

/**
 * The one-line reason health routes give for a fault.
 *
 * @param fault The fault.
 * @returns `LDB damaged or unreadable since <ISO time>: <error>; restart to check it again`.
 *
 * @example
 * ```ts
 * import { ldbFaultReason } from "./fault_latch.ts";
 *
 * ldbFaultReason({ error: "disk I/O error", since: new Date(0) });
 * // LDB damaged or unreadable since 1970-01-01T00:00:00.000Z: disk I/O error; restart to check it again
 * ```
 */
export function ldbFaultReason(fault: LdbFault): string {
  return `LDB damaged or unreadable since ${fault.since.toISOString()}: ${fault.error}; ` +
    "restart to check it again";
}
