/**
 * The reader's side of the change history (format in `lib/ldb/change_history.ts`): pages of
 * entries, the watch loop and waits for a seq. Private to the reader; `Reader` documents and
 * exposes it.
 *
 * A page is read from one consistent view without an explicit transaction: the applied seq and
 * the history state are read first (one statement), entries are read up to that seq, and the
 * retained range is checked again afterwards, so an entry pruned while the page was read turns
 * into {@linkcode ChangeHistoryGoneError} instead of a silent hole.
 *
 * @module
 */
import type { DatabaseSync, StatementSync } from "node:sqlite";
import {
  type ChangeHistoryState,
  type ChangeOp,
  CHANGES_TABLE,
  getLdbSeq,
  readChangeHistoryState,
} from "../ldb/mod.ts";
import {
  NameError,
  normalizeFamilyName,
  normalizeTableName,
  parseJsonExact,
} from "../schema/mod.ts";
import { ChangeHistoryGoneError, ReaderError, SequenceTimeoutError } from "./errors.ts";
import { checkFamilyCarried } from "./_families.ts";
import { SeqMonitor } from "./_seq_monitor.ts";
import type {
  Change,
  ChangeFilter,
  ChangePage,
  GetChangesOptions,
  Row,
  WaitForSequenceOptions,
  WatchOptions,
} from "./types.ts";

const ENTRIES_SQL =
  `SELECT seq, tx, family, "table", op, key, binary_key, leader_ts FROM ${CHANGES_TABLE} ` +
  `WHERE seq > ?1 AND seq <= ?2 AND (?3 IS NULL OR family = ?3) ` +
  `AND (?4 IS NULL OR "table" = ?4) ORDER BY seq, idx`;

/** Entries per page unless told otherwise. */
export const DEFAULT_CHANGES_LIMIT = 1000;

/** How long {@linkcode ChangeFeed.waitForSequence} waits unless told otherwise. */
export const DEFAULT_WAIT_TIMEOUT_MS = 30_000;

/** The longest delay `setTimeout` honours. */
const MAX_TIMER_MS = 2 ** 31 - 1;

interface EntryRow {
  seq: number;
  tx: number;
  family: string;
  table: string;
  op: ChangeOp;
  key: string;
  binary_key: string | null;
  leader_ts: number;
}

/** A validated, lower-cased filter. */
interface Filter {
  family?: string;
  table?: string;
}

function name(normalize: (name: string) => string, value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  try {
    return normalize(value);
  } catch (e) {
    if (e instanceof NameError) throw new ReaderError("bad-name", e.message, { cause: e });
    throw e;
  }
}

function checkSeq(what: string, value: number): void {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new RangeError(`invalid ${what} ${value}: must be a non-negative integer`);
  }
}

function decode(row: EntryRow): Change {
  const key = parseJsonExact(row.key) as Row;
  if (row.binary_key !== null) {
    for (const column of JSON.parse(row.binary_key) as string[]) {
      key[column] = Uint8Array.fromBase64(key[column] as string);
    }
  }
  return {
    seq: row.seq,
    tx: row.tx,
    family: row.family,
    table: row.table,
    op: row.op,
    key,
    time: new Date(row.leader_ts),
  };
}

/** Change history reads over one reader connection. */
export class ChangeFeed {
  readonly #db: () => DatabaseSync;
  readonly #monitor: SeqMonitor;
  #entries: StatementSync | undefined;
  #after: StatementSync | undefined;

  /** @param db The reader's connection; throws when the reader is closed. */
  constructor(db: () => DatabaseSync) {
    this.#db = db;
    this.#monitor = new SeqMonitor(() => getLdbSeq(db()));
  }

  /** Validates and normalizes a filter. */
  filter(filter: ChangeFilter): Filter {
    const family = name(normalizeFamilyName, filter.family);
    if (family !== undefined) checkFamilyCarried(this.#db(), family);
    const table = name(normalizeTableName, filter.table);
    return { ...(family ? { family } : {}), ...(table ? { table } : {}) };
  }

  /** The history state, or `no-change-history` when there is none to trust. */
  state(): ChangeHistoryState {
    const state = readChangeHistoryState(this.#db());
    if (!state) {
      throw new ReaderError(
        "no-change-history",
        "this LDB has no change history: its reflector keeps none (-change-history-size 0, " +
          "or a reflector without change history, such as the Go original)",
      );
    }
    if (state.recordedSeq !== state.appliedSeq) {
      throw new ReaderError(
        "no-change-history",
        `this LDB's change history stopped at seq ${state.recordedSeq}: a reflector without ` +
          `change history applied the ledger up to seq ${state.appliedSeq}`,
      );
    }
    return state;
  }

  /** Throws {@linkcode ChangeHistoryGoneError} when `after` is older than the history. */
  checkRetained(after: number): ChangeHistoryState {
    checkSeq("after", after);
    const state = this.state();
    if (after < state.retainedAfter) throw new ChangeHistoryGoneError(after, state.retainedAfter);
    return state;
  }

  getChanges(options: GetChangesOptions): ChangePage {
    const limit = options.limit ?? DEFAULT_CHANGES_LIMIT;
    if (!Number.isSafeInteger(limit) || limit < 1) {
      throw new RangeError(`invalid limit ${limit}: must be a positive integer`);
    }
    return this.page(options.after, this.filter(options), limit);
  }

  /** {@linkcode ChangeFeed.getChanges} with a validated filter. */
  page(after: number, filter: Filter, limit: number): ChangePage {
    const state = this.checkRetained(after);
    const changes: Change[] = [];
    let more = false;
    let lastTx: number | undefined;
    const args = [after, state.appliedSeq, filter.family ?? null, filter.table ?? null];
    try {
      for (const row of this.#statement().iterate(...args) as Iterable<EntryRow>) {
        if (changes.length >= limit && row.tx !== lastTx) {
          more = true;
          break;
        }
        changes.push(decode(row));
        lastTx = row.tx;
      }
      if (!more) this.#checkComplete(args, changes.length);
    } catch (e) {
      throw new ReaderError("query-failed", `read change history error: ${(e as Error).message}`, {
        cause: e,
      });
    }
    // An entry pruned while the page was read must not leave a silent hole.
    this.checkRetained(after);
    return { changes, lastSeq: more ? changes.at(-1)!.seq : state.appliedSeq, more };
  }

  async *watch(options: WatchOptions): AsyncGenerator<Change, void, undefined> {
    const filter = this.filter(options);
    const signal = options.signal;
    let after = options.after ?? this.state().appliedSeq;
    this.checkRetained(after);
    while (!signal?.aborted) {
      const page = this.page(after, filter, DEFAULT_CHANGES_LIMIT);
      for (const change of page.changes) {
        yield change;
        if (signal?.aborted) return;
      }
      after = Math.max(after, page.lastSeq);
      if (page.more) continue;
      try {
        await this.#monitor.until(after + 1, signal);
      } catch (error) {
        if (signal?.aborted) return;
        throw error;
      }
    }
  }

  /** Resolves once the applied seq is at least `seq`. */
  async waitForSequence(seq: number, options: WaitForSequenceOptions = {}): Promise<number> {
    checkSeq("seq", seq);
    const timeoutMs = options.timeoutMs ?? DEFAULT_WAIT_TIMEOUT_MS;
    if (!(timeoutMs >= 0)) {
      throw new RangeError(`invalid timeout ${timeoutMs}: must not be negative`);
    }
    const expired = new AbortController();
    // Timers cannot wait longer than 2^31 - 1 ms (they would fire at once); a longer wait
    // (over 24 days) is as good as none.
    const timer = timeoutMs <= MAX_TIMER_MS
      ? setTimeout(() => expired.abort(), timeoutMs)
      : undefined;
    const signal = options.signal
      ? AbortSignal.any([options.signal, expired.signal])
      : expired.signal;
    try {
      return await this.#monitor.until(seq, signal);
    } catch (error) {
      if (expired.signal.aborted && !options.signal?.aborted) {
        throw new SequenceTimeoutError(seq, getLdbSeq(this.#db()), timeoutMs);
      }
      throw error;
    } finally {
      clearTimeout(timer);
    }
  }

  /** Rejects every wait (the reader is closing). */
  close(error: unknown): void {
    this.#monitor.close(error);
  }

  #statement(): StatementSync {
    return this.#entries ??= this.#db().prepare(ENTRIES_SQL);
  }

  /**
   * Checks that a page read to the end of its range did reach it: `node:sqlite`'s `iterate()`
   * ends silently when a step fails (a damaged page reads as the end), which would skip changes
   * without a word. The entry after the ones read must not exist; reading it fails again on a
   * damaged page, with SQLite's own error.
   */
  #checkComplete(args: readonly (number | string | null)[], read: number): void {
    this.#after ??= this.#db().prepare(`${ENTRIES_SQL} LIMIT 1 OFFSET ?5`);
    if (this.#after.get(...args, read) !== undefined) {
      throw new Error(`the change history page stopped after ${read} entries, before its end`);
    }
  }
}
