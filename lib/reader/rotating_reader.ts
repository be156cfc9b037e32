/**
 * `RotatingReader` (spec §15.4): reads from one of several LDB copies, switching by wall-clock
 * minute so each copy is regularly left idle (and reopened) while another serves reads. Unlike
 * the original it keeps rotating after a failed reopen (the old connection stays in service
 * and the reopen is retried every minute), honours `CTLSTORE_PATH` for its default paths, and
 * never closes a connection that is still in use.
 *
 * Reader calls are synchronous, so within one JavaScript thread a connection is only "in use"
 * after a call returns while a prefix iteration it returned is unfinished. Rotation swaps the
 * active reader first and closes the old one immediately when no such iteration is open,
 * otherwise as soon as the last one finishes.
 *
 * @module
 */
import { clearTimeout, setTimeout } from "node:timers";
import { Reader } from "./reader.ts";
import { rotatingLdbPaths } from "./paths.ts";
import type { KeyArgs, Row } from "./types.ts";

/**
 * The rotation periods a {@linkcode RotatingReader} accepts, in minutes (divisors of 60).
 *
 * @example
 * ```ts
 * import { ROTATION_PERIODS } from "@ctlstore/ctlstore";
 *
 * console.log(ROTATION_PERIODS.includes(15)); // true
 * ```
 */
export const ROTATION_PERIODS: readonly number[] = Object.freeze([30, 20, 15, 10, 6]);

/**
 * Options of {@linkcode RotatingReader.open}.
 *
 * @example Log failed reopens
 * ```ts
 * import { RotatingReader, type RotatingReaderOptions } from "@ctlstore/ctlstore";
 *
 * const options: RotatingReaderOptions = {
 *   onError: (error, path) => console.warn(`cannot reopen ${path}:`, error),
 * };
 * const reader = RotatingReader.open(["/data/ldb.db", "/data/ldb-2.db"], 30, options);
 * ```
 */
export interface RotatingReaderOptions {
  /** Called when reopening an LDB fails; the old connection keeps serving and the reopen is retried next minute. */
  onError?: (error: unknown, path: string) => void;
  /** The clock; its local minute picks the active LDB (default `() => new Date()`). */
  now?: () => Date;
}

/** One unfinished prefix iteration on a reader. */
interface Use {
  readonly reader: Reader;
  released: boolean;
}

/**
 * Counters of a {@linkcode RotatingReader}.
 *
 * @example Report the counters
 * ```ts
 * import { RotatingReader, type RotatingReaderStats } from "@ctlstore/ctlstore";
 *
 * const stats: RotatingReaderStats = RotatingReader.openDefault(2, 30).stats;
 * console.log(stats.rotations, stats.reopenFailures);
 * ```
 */
export interface RotatingReaderStats {
  /** How many times the active LDB changed. */
  readonly rotations: number;
  /** How many reopens failed. */
  readonly reopenFailures: number;
}

/**
 * Reads from several copies of an LDB in turn: for local minute `m`, copy
 * `floor(m / periodMinutes) mod count` serves reads; when the turn passes, the previous copy is
 * closed and reopened. A timer re-evaluates the turn each minute; it does not keep the process
 * alive, and {@linkcode RotatingReader.close} stops it.
 *
 * @example Rotate over two copies every 30 minutes
 * ```ts
 * import { RotatingReader } from "@ctlstore/ctlstore";
 *
 * using reader = RotatingReader.open(["/data/ldb.db", "/data/ldb-2.db"], 30);
 * console.log(reader.getRowByKey("accounts", "users", 42));
 * ```
 */
export class RotatingReader implements Disposable {
  /** The LDB files, in rotation order. */
  readonly paths: readonly string[];
  /** Minutes each copy serves in turn. */
  readonly periodMinutes: number;
  #readers: Reader[];
  #active: number;
  #stale = new Set<number>();
  #live = new Map<Reader, number>();
  #retired = new Set<Reader>();
  #dropped = new FinalizationRegistry<Use>((use) => this.#release(use));
  #rotations = 0;
  #reopenFailures = 0;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #closed = false;
  #onError: (error: unknown, path: string) => void;
  #now: () => Date;

  private constructor(
    paths: readonly string[],
    periodMinutes: number,
    readers: Reader[],
    options: RotatingReaderOptions,
  ) {
    this.paths = paths;
    this.periodMinutes = periodMinutes;
    this.#readers = readers;
    this.#onError = options.onError ?? (() => {});
    this.#now = options.now ?? (() => new Date());
    this.#active = this.#turn();
    this.#schedule();
  }

  /**
   * Opens every LDB read-only and starts rotating.
   *
   * @param paths Two or more LDB files.
   * @param periodMinutes One of {@linkcode ROTATION_PERIODS}; at most `60 / periodMinutes` paths.
   * @param options Error callback and clock.
   * @returns The reader.
   * @throws {RangeError} `RotatingReader requires more than 1 ldb`,
   *   `invalid rotation period: <n>`, `cannot have more ldbs than rotations per hour`.
   * @throws {LdbNotFoundError} When a file does not exist.
   *
   * @example
   * ```ts
   * import { RotatingReader } from "@ctlstore/ctlstore";
   *
   * const reader = RotatingReader.open(["/data/a.db", "/data/b.db", "/data/c.db"], 20);
   * reader.close();
   * ```
   */
  static open(
    paths: readonly string[],
    periodMinutes: number,
    options: RotatingReaderOptions = {},
  ): RotatingReader {
    if (paths.length < 2) throw new RangeError("RotatingReader requires more than 1 ldb");
    if (!ROTATION_PERIODS.includes(periodMinutes)) {
      throw new RangeError(`invalid rotation period: ${periodMinutes}`);
    }
    if (paths.length > 60 / periodMinutes) {
      throw new RangeError("cannot have more ldbs than rotations per hour");
    }
    const readers: Reader[] = [];
    try {
      for (const path of paths) readers.push(Reader.open(path));
    } catch (e) {
      for (const reader of readers) reader.close();
      throw e;
    }
    return new RotatingReader(Object.freeze([...paths]), periodMinutes, readers, options);
  }

  /**
   * Opens `ldb.db`, `ldb-2.db` … `ldb-<count>.db` in `$CTLSTORE_PATH` (default
   * `/var/spool/ctlstore/`) and starts rotating.
   *
   * @param count How many LDB copies.
   * @param periodMinutes One of {@linkcode ROTATION_PERIODS}.
   * @param options Error callback and clock.
   * @returns The reader.
   * @throws {RangeError} As {@linkcode RotatingReader.open}.
   *
   * @example
   * ```ts
   * import { RotatingReader } from "@ctlstore/ctlstore";
   *
   * const reader = RotatingReader.openDefault(2, 30);
   * reader.close();
   * ```
   */
  static openDefault(
    count: number,
    periodMinutes: number,
    options: RotatingReaderOptions = {},
  ): RotatingReader {
    return RotatingReader.open(rotatingLdbPaths(count), periodMinutes, options);
  }

  /**
   * The index in {@linkcode RotatingReader.paths} of the LDB serving reads.
   *
   * @example
   * ```ts
   * import { RotatingReader } from "@ctlstore/ctlstore";
   *
   * const reader = RotatingReader.openDefault(2, 30);
   * console.log(reader.paths[reader.activeIndex]);
   * ```
   */
  get activeIndex(): number {
    return this.#active;
  }

  /**
   * Rotation and reopen-failure counts.
   *
   * @example
   * ```ts
   * import { RotatingReader } from "@ctlstore/ctlstore";
   *
   * console.log(RotatingReader.openDefault(2, 30).stats.rotations); // 0
   * ```
   */
  get stats(): RotatingReaderStats {
    return { rotations: this.#rotations, reopenFailures: this.#reopenFailures };
  }

  /**
   * Reads one row by its full primary key from the active LDB; see {@linkcode Reader.getRowByKey}.
   *
   * @typeParam T The row shape; defaults to {@linkcode Row}.
   * @param family Family name.
   * @param table Table name.
   * @param key The primary-key values.
   * @returns The row, or `undefined`.
   * @throws {ReaderError} As {@linkcode Reader.getRowByKey}.
   *
   * @example
   * ```ts
   * import { RotatingReader } from "@ctlstore/ctlstore";
   *
   * const reader = RotatingReader.openDefault(2, 30);
   * console.log(reader.getRowByKey("accounts", "users", 42));
   * ```
   */
  getRowByKey<T = Row>(family: string, table: string, ...key: KeyArgs): T | undefined {
    return this.#readers[this.#active]!.getRowByKey<T>(family, table, ...key);
  }

  /**
   * The families the active LDB carries; see {@linkcode Reader.getFamilies}.
   *
   * @returns The carried families, sorted; `undefined` for every family.
   * @throws {ReaderError} `closed`.
   *
   * @example
   * ```ts
   * import { RotatingReader } from "@ctlstore/ctlstore";
   *
   * console.log(RotatingReader.openDefault(2, 30).getFamilies() ?? "every family");
   * ```
   */
  getFamilies(): readonly string[] | undefined {
    return this.#readers[this.#active]!.getFamilies();
  }

  /**
   * Iterates rows by primary-key prefix on the active LDB; see {@linkcode Reader.getRowsByKeyPrefix}.
   * The LDB stays open until the iteration finishes, even across a rotation.
   *
   * @typeParam T The row shape; defaults to {@linkcode Row}.
   * @param family Family name.
   * @param table Table name.
   * @param key A prefix of the primary key.
   * @returns An iterator over the matching rows.
   * @throws {ReaderError} As {@linkcode Reader.getRowsByKeyPrefix}.
   *
   * @example
   * ```ts
   * import { RotatingReader } from "@ctlstore/ctlstore";
   *
   * for (const row of RotatingReader.openDefault(2, 30).getRowsByKeyPrefix("accounts", "users")) {
   *   console.log(row);
   * }
   * ```
   */
  getRowsByKeyPrefix<T = Row>(family: string, table: string, ...key: KeyArgs): IterableIterator<T> {
    const reader = this.#readers[this.#active]!;
    const rows = reader.getRowsByKeyPrefix<T>(family, table, ...key);
    this.#live.set(reader, (this.#live.get(reader) ?? 0) + 1);
    const use = { reader, released: false };
    const tracked = this.#track(use, rows);
    // An iterator dropped before it finished releases its LDB when garbage-collected.
    this.#dropped.register(tracked, use);
    return tracked;
  }

  *#track<T>(use: Use, rows: IterableIterator<T>): Generator<T, void, undefined> {
    try {
      yield* rows;
    } finally {
      this.#release(use);
    }
  }

  #release(use: Use): void {
    if (use.released) return;
    use.released = true;
    const left = this.#live.get(use.reader)! - 1;
    if (left > 0) {
      this.#live.set(use.reader, left);
    } else {
      this.#live.delete(use.reader);
      if (this.#retired.delete(use.reader)) use.reader.close();
    }
  }

  /**
   * Re-evaluates which LDB serves reads now and retries failed reopens. The timer calls this
   * every minute; call it yourself after changing the clock passed as `options.now`.
   *
   * @example
   * ```ts
   * import { RotatingReader } from "@ctlstore/ctlstore";
   *
   * const reader = RotatingReader.openDefault(2, 30);
   * reader.tick();
   * console.log(reader.activeIndex);
   * ```
   */
  tick(): void {
    if (this.#closed) return;
    const turn = this.#turn();
    if (turn !== this.#active) {
      const previous = this.#active;
      this.#active = turn;
      this.#rotations++;
      this.#stale.add(previous);
    }
    for (const index of [...this.#stale]) {
      if (index !== this.#active) this.#reopen(index);
    }
  }

  /**
   * Stops rotating and closes every LDB (those with unfinished iterations when they finish).
   *
   * @example
   * ```ts
   * import { RotatingReader } from "@ctlstore/ctlstore";
   *
   * RotatingReader.openDefault(2, 30).close();
   * ```
   */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    for (const reader of this.#readers) this.#retire(reader);
  }

  /**
   * Closes the reader (for `using`).
   *
   * @example
   * ```ts
   * import { RotatingReader } from "@ctlstore/ctlstore";
   *
   * {
   *   using reader = RotatingReader.openDefault(2, 30);
   *   reader.getRowByKey("accounts", "users", 42);
   * } // closed here
   * ```
   */
  [Symbol.dispose](): void {
    this.close();
  }

  #turn(): number {
    return Math.floor(this.#now().getMinutes() / this.periodMinutes) % this.#readers.length;
  }

  #reopen(index: number): void {
    const path = this.paths[index]!;
    let fresh: Reader;
    try {
      fresh = Reader.open(path);
    } catch (e) {
      this.#reopenFailures++;
      this.#onError(e, path);
      return;
    }
    this.#stale.delete(index);
    const old = this.#readers[index]!;
    this.#readers[index] = fresh;
    this.#retire(old);
  }

  #retire(reader: Reader): void {
    if (this.#live.has(reader)) this.#retired.add(reader);
    else reader.close();
  }

  #schedule(): void {
    const wait = 60_000 - (Date.now() % 60_000) + 10;
    this.#timer = setTimeout(() => {
      this.tick();
      if (!this.#closed) this.#schedule();
    }, wait);
    this.#timer.unref();
  }
}
