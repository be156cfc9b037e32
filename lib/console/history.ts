/**
 * The recent changes of a table or of one row, newest first, from the LDB's change history. The
 * history is read forward (`Reader.getChanges`), so the newest entries are found by reading
 * windows of seqs backwards from the end, each four times the last, until they hold enough
 * entries, reach the start of the retained history, or span {@linkcode MAX_WINDOW} seqs (or the
 * caller's `maxWindow`): a request never reads more than that many seqs of history, however
 * quiet the table or row is. An "older" page continues below the oldest seq read.
 *
 * @module
 */
import {
  type Change,
  type ChangeFilter,
  ChangeHistoryGoneError,
  type Reader,
} from "../reader/mod.ts";

/** The first window, in seqs. */
const FIRST_WINDOW = 256;

/** The widest window one request reads, in seqs. */
export const MAX_WINDOW = 65_536;

/** Entries per `getChanges` call while reading a window. */
const READ_LIMIT = 1000;

/** Options of {@linkcode recentChanges}. */
export interface RecentChangesOptions extends ChangeFilter {
  /** Only entries with a seq at or below this (default: the LDB's applied seq). */
  before?: number | undefined;
  /** Most entries returned (whole ledger statements: a statement's entries are never split). */
  limit: number;
  /** Keep only the entries this accepts (e.g. one row's key). */
  match?: (change: Change) => boolean;
  /** The most seqs read (default {@linkcode MAX_WINDOW}); older ones are on the next page. */
  maxWindow?: number;
}

/** An answer of {@linkcode recentChanges}. */
export interface RecentChanges {
  /** The entries, newest first. */
  readonly changes: Change[];
  /** The highest seq the answer covers. */
  readonly end: number;
  /** Entries with a seq above this were read (all of them, up to `end`). */
  readonly from: number;
  /** Where the next older page ends (`before`), or `undefined` at the start of the history. */
  readonly older: number | undefined;
}

/**
 * Reads the recent changes.
 *
 * @throws {ReaderError} `no-change-history`, `bad-name`, `family-not-carried`, `closed`.
 * @example
 * ```ts
 * const recent = recentChanges(reader, { family: "demo", table: "users", limit: 50 });
 * for (const change of recent.changes) console.log(change.seq, change.op, change.key);
 * ```
 */
export function recentChanges(reader: Reader, options: RecentChangesOptions): RecentChanges {
  const end = Math.min(options.before ?? Infinity, reader.getLastSequence());
  const maxWindow = options.maxWindow ?? MAX_WINDOW;
  let found: Change[] = [];
  let from = end;
  let window = Math.min(FIRST_WINDOW, maxWindow);
  let atStart = false;
  // Each step reads the seqs just below the ones already read, so nothing is read twice.
  while (found.length < options.limit && !atStart && end - from < maxWindow) {
    const to = from;
    from = Math.max(0, to - window);
    let part: Change[];
    try {
      part = readRange(reader, options, from, to);
    } catch (error) {
      if (!(error instanceof ChangeHistoryGoneError)) throw error;
      from = Math.min(Math.max(error.oldestSeq, from), to);
      part = readRange(reader, options, from, to);
      atStart = true;
    }
    found = part.concat(found);
    atStart ||= from === 0;
    window = Math.min(window * 4, maxWindow - (end - from));
  }
  const kept = newest(found, options.limit);
  const oldestKept = kept[kept.length - 1]?.seq;
  return {
    changes: kept,
    end,
    from,
    older: kept.length < found.length ? oldestKept! - 1 : atStart ? undefined : from,
  };
}

/** The matching entries with `from < seq <= end`, in ledger order. */
function readRange(
  reader: Reader,
  options: RecentChangesOptions,
  from: number,
  end: number,
): Change[] {
  const filter: ChangeFilter = {
    ...(options.family !== undefined ? { family: options.family } : {}),
    ...(options.table !== undefined ? { table: options.table } : {}),
  };
  const found: Change[] = [];
  let after = from;
  while (after < end) {
    const page = reader.getChanges({ ...filter, after, limit: READ_LIMIT });
    for (const change of page.changes) {
      if (change.seq > end) return found;
      if (!options.match || options.match(change)) found.push(change);
    }
    if (!page.more || page.lastSeq <= after) break;
    after = page.lastSeq;
  }
  return found;
}

/** The last `limit` entries, newest first, extended so no statement's entries are split. */
function newest(changes: Change[], limit: number): Change[] {
  if (changes.length <= limit) return changes.toReversed();
  let start = changes.length - limit;
  while (start > 0 && changes[start - 1]!.seq === changes[start]!.seq) start--;
  return changes.slice(start).reverse();
}
