/**
 * The fleet page's data: every few seconds each target is read (`fleet_target.ts`), and the
 * readings are kept in memory for the last hour (one bounded ring of rounds, sized by the poll
 * interval, at most {@linkcode MAX_ROUNDS}), with the verdict on each target. A target lags when it has not reached a seq the
 * fleet (the highest applied seq of any target) had {@linkcode FleetOptions.lagThresholdMs} ago:
 * compared with the fleet rather than with the clock, a quiet ledger (no writes, no heartbeat)
 * makes nobody lag, and a busy one does not make a healthy host look behind between two scrapes.
 *
 * @module
 */
import { sleep } from "../backoff.ts";
import { errorMessage } from "../log/mod.ts";
import type { TargetReading } from "./fleet_target.ts";

/**
 * The most rounds kept: an hour at one per second. Polling faster keeps a shorter history rather
 * than charts too large to send every few seconds.
 */
export const MAX_ROUNDS = 3600;

/** Something the fleet page shows: a `/metrics` URL, or the console's own LDB. */
export interface FleetSource {
  /** How the page names it. */
  readonly label: string;
  /** Where it is read: the `/metrics` URL, or the console's LDB path. */
  readonly url?: string | undefined;
  /** Reads it now; never throws. */
  read(timeoutMs: number): Promise<TargetReading>;
}

/** The verdict on a target. */
export type TargetStatus = "ok" | "lagging" | "unhealthy" | "unreachable" | "waiting";

/** One target as the fleet page shows it. */
export interface TargetView {
  readonly label: string;
  readonly url: string | undefined;
  /** The latest reading. */
  readonly reading: TargetReading | undefined;
  /** The applied seq last seen (kept while the target is unreachable). */
  readonly appliedSeq: number | undefined;
  /** The last problem reported, and when, even after it cleared. */
  readonly lastError: { readonly at: number; readonly message: string } | undefined;
  /** How long the target has been below the fleet's seq, in milliseconds (0 when not). */
  readonly behindMs: number;
  readonly status: TargetStatus;
}

/** The fleet now. */
export interface FleetView {
  /** When the last round of readings finished (0 before the first). */
  readonly at: number;
  /** The highest applied seq of any target. */
  readonly newestSeq: number | undefined;
  readonly lagThresholdMs: number;
  readonly targets: readonly TargetView[];
}

/** The charts' data, in uPlot's shape: shared times, one series per target. */
export interface FleetChart {
  /** Sample times, epoch seconds. */
  readonly t: number[];
  readonly targets: {
    readonly label: string;
    readonly seq: (number | null)[];
    readonly latency: (number | null)[];
  }[];
}

/** Options of {@linkcode FleetPoller}. */
export interface FleetOptions {
  pollIntervalMs: number;
  lagThresholdMs: number;
  /** How much history the rings keep, in milliseconds. */
  historyMs: number;
}

/** A fixed-size ring of the latest items. */
class Ring<T> {
  readonly #items: T[] = [];
  #start = 0;

  constructor(readonly capacity: number) {}

  push(item: T): void {
    if (this.#items.length < this.capacity) this.#items.push(item);
    else {
      this.#items[this.#start] = item;
      this.#start = (this.#start + 1) % this.capacity;
    }
  }

  toArray(): T[] {
    return [...this.#items.slice(this.#start), ...this.#items.slice(0, this.#start)];
  }
}

interface Round {
  t: number;
  /** The fleet's newest seq after this round. */
  newest: number | undefined;
  seq: (number | null)[];
  latency: (number | null)[];
}

interface TargetState {
  reading?: TargetReading;
  appliedSeq?: number;
  lastError?: { at: number; message: string };
}

/**
 * Reads the fleet periodically and keeps its recent history.
 *
 * @example
 * ```ts
 * const poller = new FleetPoller([source], { pollIntervalMs: 5000, lagThresholdMs: 30_000, historyMs: 3_600_000 });
 * poller.start();
 * console.log(poller.view().targets[0]?.status);
 * await poller.stop();
 * ```
 */
export class FleetPoller {
  readonly #sources: readonly FleetSource[];
  readonly #options: FleetOptions;
  readonly #states: TargetState[];
  readonly #rounds: Ring<Round>;
  readonly #stopped = new AbortController();
  #newest: number | undefined;
  #at = 0;
  #loop: Promise<void> | undefined;

  /**
   * @param sources The targets, in the order the page lists them.
   * @param options Poll interval, lag threshold and history length.
   */
  constructor(sources: readonly FleetSource[], options: FleetOptions) {
    this.#sources = sources;
    this.#options = options;
    this.#states = sources.map(() => ({}));
    this.#rounds = new Ring(
      Math.min(MAX_ROUNDS, Math.ceil(options.historyMs / options.pollIntervalMs) + 1),
    );
  }

  /** Starts polling: a round now, then one every poll interval, until {@linkcode stop}. */
  start(): void {
    this.#loop ??= (async () => {
      while (!this.#stopped.signal.aborted) {
        await this.poll();
        await sleep(this.#options.pollIntervalMs, this.#stopped.signal);
      }
    })();
  }

  /** Stops polling and waits for the round in progress. */
  async stop(): Promise<void> {
    this.#stopped.abort();
    await this.#loop;
  }

  /** Reads every target once (in parallel) and records the round. */
  async poll(): Promise<void> {
    const timeoutMs = Math.min(5000, Math.max(1000, this.#options.pollIntervalMs));
    const readings = await Promise.all(this.#sources.map(async (source) => {
      try {
        return await source.read(timeoutMs);
      } catch (error) {
        const reading: TargetReading = {
          at: Date.now(),
          reachable: false,
          kind: "unknown",
          error: errorMessage(error),
        };
        return reading;
      }
    }));
    const round: Round = { t: Date.now(), newest: this.#newest, seq: [], latency: [] };
    readings.forEach((reading, i) => {
      const state = this.#states[i]!;
      state.reading = reading;
      if (reading.appliedSeq !== undefined) state.appliedSeq = reading.appliedSeq;
      if (reading.error) state.lastError = { at: reading.at, message: reading.error };
      const seq = reading.reachable ? reading.appliedSeq : undefined;
      if (seq !== undefined) round.newest = Math.max(round.newest ?? seq, seq);
      round.seq.push(seq ?? null);
      round.latency.push(reading.reachable ? reading.latencySeconds ?? null : null);
    });
    this.#newest = round.newest;
    this.#at = round.t;
    this.#rounds.push(round);
  }

  /** The targets and their verdicts now. */
  view(now: number = Date.now()): FleetView {
    const rounds = this.#rounds.toArray();
    return {
      at: this.#at,
      newestSeq: this.#newest,
      lagThresholdMs: this.#options.lagThresholdMs,
      targets: this.#sources.map((source, i) => {
        const state = this.#states[i]!;
        const behindMs = behind(rounds, state.appliedSeq, now);
        return {
          label: source.label,
          url: source.url,
          reading: state.reading,
          appliedSeq: state.appliedSeq,
          lastError: state.lastError,
          behindMs,
          status: statusOf(state.reading, behindMs, this.#options.lagThresholdMs),
        };
      }),
    };
  }

  /** The recorded rounds as chart data. */
  chart(): FleetChart {
    const rounds = this.#rounds.toArray();
    return {
      t: rounds.map((round) => round.t / 1000),
      targets: this.#sources.map((source, i) => ({
        label: source.label,
        seq: rounds.map((round) => round.seq[i] ?? null),
        latency: rounds.map((round) => round.latency[i] ?? null),
      })),
    };
  }
}

/**
 * How long the fleet has had a seq above `seq`: from the first recorded round whose newest seq
 * was above it (at least the whole history when even the oldest was).
 */
function behind(rounds: readonly Round[], seq: number | undefined, now: number): number {
  if (seq === undefined) return 0;
  const first = rounds.find((round) => round.newest !== undefined && round.newest > seq);
  return first ? now - first.t : 0;
}

function statusOf(
  reading: TargetReading | undefined,
  behindMs: number,
  lagThresholdMs: number,
): TargetStatus {
  if (!reading) return "waiting";
  if (!reading.reachable) return "unreachable";
  if (reading.healthy === false) return "unhealthy";
  if (behindMs > lagThresholdMs) return "lagging";
  return "ok";
}
