/**
 * What the console asks the executive: table and writer limits, the writers it has seen (the
 * `ctlstore_executive_mutations_total` counter of its `/metrics`, by writer), and the one admin
 * action (clearing a table). Reads never throw: a page shows what could not be read, in words,
 * beside what could.
 * The console's admin token is sent as `Authorization: Bearer <token>`, as the CLI sends it.
 *
 * @module
 */
import {
  ExecutiveClient,
  ExecutiveError,
  ExecutiveUnreachableError,
  type TableLimits,
  type WriterLimits,
} from "../client/mod.ts";
import { errorMessage } from "../log/mod.ts";
import { parsePrometheusText, samplesOf } from "./prometheus.ts";

/** How long a page waits for the executive. */
const TIMEOUT_MS = 3000;

/** A value, or why it could not be read. */
export type Fetched<T> = { readonly value: T } | { readonly problem: string };

/** A writer the executive has seen since it started. */
export interface SeenWriter {
  readonly writer: string;
  /** Mutations committed since the executive started. */
  readonly mutations: number;
}

/**
 * The executive, as the console reads it.
 *
 * @example
 * ```ts
 * const executive = new ExecutiveSource("http://127.0.0.1:3000", "");
 * const limits = await executive.tableLimits();
 * if ("problem" in limits) console.log(limits.problem);
 * ```
 */
export class ExecutiveSource {
  /** The executive's base URL. */
  readonly url: string;
  readonly #client: ExecutiveClient;

  /**
   * @param url The executive's base URL.
   * @param adminToken Sent on every request when not empty.
   */
  constructor(url: string, adminToken: string) {
    this.#client = new ExecutiveClient(url, {
      timeoutMs: TIMEOUT_MS,
      ...(adminToken ? { adminToken } : {}),
    });
    this.url = this.#client.baseUrl;
  }

  /** `GET /limits/tables`. */
  tableLimits(): Promise<Fetched<TableLimits>> {
    return this.#fetched(() => this.#client.readTableLimits());
  }

  /** `GET /limits/writers`. */
  writerLimits(): Promise<Fetched<WriterLimits>> {
    return this.#fetched(() => this.#client.readWriterLimits());
  }

  /** The writers of the executive's `ctlstore_executive_mutations_total` counter, by name. */
  writersSeen(): Promise<Fetched<SeenWriter[]>> {
    return this.#fetched(async () => {
      let response: Response;
      try {
        response = await fetch(`${this.url}/metrics`, { signal: AbortSignal.timeout(TIMEOUT_MS) });
      } catch (error) {
        throw new ExecutiveUnreachableError(errorMessage(error), { cause: error });
      }
      const text = await response.text();
      if (response.status !== 200) {
        throw new ExecutiveError("could not read metrics", response.status, text);
      }
      const counts = new Map<string, number>();
      for (
        const sample of samplesOf(parsePrometheusText(text), "ctlstore_executive_mutations_total")
      ) {
        const writer = sample.labels.writer ?? "";
        counts.set(writer, (counts.get(writer) ?? 0) + sample.value);
      }
      return [...counts].map(([writer, mutations]) => ({ writer, mutations }))
        .sort((a, b) => a.writer < b.writer ? -1 : a.writer > b.writer ? 1 : 0);
    });
  }

  /**
   * Deletes every row of a table.
   *
   * @throws {ExecutiveError} With the executive's status and message.
   * @throws {ExecutiveUnreachableError} When it does not answer.
   */
  clearTableRows(family: string, table: string): Promise<void> {
    return this.#client.clearTableRows(family, table);
  }

  async #fetched<T>(read: () => Promise<T>): Promise<Fetched<T>> {
    try {
      return { value: await read() };
    } catch (error) {
      return { problem: describeExecutiveError(this.url, error) };
    }
  }
}

/**
 * An executive failure in words for a page.
 *
 * @example
 * ```ts
 * describeExecutiveError("http://exec:3000", new ExecutiveUnreachableError("connection refused"));
 * // "The executive at http://exec:3000 did not answer: could not make request: connection refused"
 * ```
 */
export function describeExecutiveError(url: string, error: unknown): string {
  if (error instanceof ExecutiveUnreachableError) {
    return `The executive at ${url} did not answer: ${error.message}`;
  }
  if (error instanceof ExecutiveError && error.status === 401) {
    return `The executive at ${url} requires its admin token for this; start the console with ` +
      "-admin-token";
  }
  if (error instanceof ExecutiveError) {
    return `The executive at ${url} refused: ${error.body.trim() || `status ${error.status}`}`;
  }
  return `The executive at ${url} failed: ${errorMessage(error)}`;
}
