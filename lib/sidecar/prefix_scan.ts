/**
 * The answer of `POST /get-rows-by-key-prefix` (spec §13): the JSON array of the matching rows
 * plus `\n`, byte for byte as `encodeRows` (`row_json.ts`) writes it, with memory bounded
 * however large the scan and however slow the client.
 *
 * A scan whose JSON fits in one chunk (64 KiB) is read on the shared reader and answered in
 * one piece, as before. A larger one is read again on a reader of its own (one SQLite snapshot
 * for the whole answer, released when the answer ends) and streamed a chunk at a time as the
 * client reads (backpressure): a client that stops reading stops the scan, and one that reads
 * nothing for the write timeout has its answer aborted. `-max-rows` keeps its meaning: more
 * rows answer 416, counted in the snapshot the rows are streamed from before anything is sent.
 *
 * A read that fails before the status is sent is thrown (the route maps it: a damaged LDB is a
 * 503); one that fails after it aborts the answer, so the client sees a broken response, never
 * a complete `200` holding the rows read before the damage.
 *
 * @module
 */
import { openLdbForRead } from "../ldb/mod.ts";
import { type KeyPart, Reader, type Row } from "../reader/mod.ts";
import { RowJsonWriter } from "./row_json.ts";

/** What a streamed scan needs of its own reader. */
export type ScanReader = Pick<Reader, "getRowsByKeyPrefix" | "close">;

/** A scan whose JSON is at most this many bytes is answered in one piece. */
const BUFFERED_BYTES = 64 * 1024;

/**
 * The size of a streamed answer's chunks, in bytes: small, so the few chunks on their way to
 * each slow client (in the stream, the HTTP server and its channel) stay small.
 */
const CHUNK_BYTES = 16 * 1024;

/**
 * How long a streamed answer may wait for its client to read, in milliseconds, unless told
 * otherwise: the original sidecar's write timeout.
 */
export const DEFAULT_WRITE_TIMEOUT_MS = 5000;

/**
 * The streamed answers in progress, so a stopping sidecar can end the ones its graceful
 * shutdown did not see finish (each holds a reader and a snapshot).
 *
 * @example
 * ```ts
 * const scanStreams = new ScanStreams();
 * const handler = createSidecarHandler(reader, {
 *   openScanReader: () => openScanReader(path),
 *   scanStreams,
 * });
 * // on stop, after the server drained:
 * scanStreams.abortAll(new Error("the sidecar stopped"));
 * ```
 */
export class ScanStreams {
  readonly #open = new Set<(reason: Error) => void>();

  /** Aborts every answer still streaming. */
  abortAll(reason: Error): void {
    for (const abort of [...this.#open]) abort(reason);
  }

  /** Registers an answer's abort; returns its deregistration. */
  add(abort: (reason: Error) => void): () => void {
    this.#open.add(abort);
    return () => this.#open.delete(abort);
  }
}

/** A scan reads each page once, so its reader's page cache is kept small (KiB). */
const SCAN_CACHE_KIB = 64;

/**
 * Opens the reader of one streamed scan: read-only like every reader, with a small page cache
 * (64 KiB instead of SQLite's 2 MiB: a scan reads each page once, and the b-tree pages it
 * revisits fit), since many slow clients may each hold one.
 *
 * @param path The LDB file.
 * @returns The reader; the scan closes it.
 *
 * @example
 * ```ts
 * const handler = createSidecarHandler(reader, { openScanReader: () => openScanReader(path) });
 * ```
 */
export function openScanReader(path: string): ScanReader {
  const db = openLdbForRead(path);
  try {
    db.exec(`PRAGMA cache_size = -${SCAN_CACHE_KIB}`);
    return Reader.fromDatabase(db);
  } catch (error) {
    db.close();
    throw error;
  }
}

/** Options of {@linkcode prefixScanResponse}. */
export interface PrefixScanOptions {
  /** More rows than this answer 416; 0 means unlimited. */
  maxRows: number;
  /** Opens a reader of its own for a scan too large for one chunk; without it, it is buffered. */
  openScanReader?: () => ScanReader;
  /** A streamed answer the client does not read for this long is aborted, in milliseconds. */
  writeTimeoutMs: number;
  /** Where streamed answers are registered. */
  streams?: ScanStreams;
  /** Called with the row count of every complete answer. */
  onRows?: (count: number) => void;
  /** Called when a streamed answer is aborted: a read failed, or the client stopped reading. */
  onAbort?: (error: Error) => void;
}

/** A scan's JSON array, encoded a chunk at a time as its rows are read. */
class RowArrayEncoder {
  /** Rows encoded so far. */
  count = 0;
  /** The array is complete (`]\n` included). */
  done = false;
  /** The scan has more than `maxRows` rows (nothing more is encoded). */
  tooMany = false;
  readonly #rows: Iterator<Row>;
  readonly #limit: number;
  readonly #writer = new RowJsonWriter(CHUNK_BYTES + 1024);

  constructor(rows: Iterator<Row>, maxRows: number) {
    this.#rows = rows;
    this.#limit = maxRows > 0 ? maxRows : Infinity;
  }

  /** The next piece of the array: at least `size` bytes unless it is the last. */
  next(size = CHUNK_BYTES): Uint8Array<ArrayBuffer> {
    const out = this.#writer;
    if (this.count === 0) out.text("[");
    while (out.length < size) {
      const result = this.#rows.next();
      if (result.done) {
        this.done = true;
        out.text("]\n");
        break;
      }
      if (++this.count > this.#limit) {
        this.tooMany = true;
        this.close();
        break;
      }
      if (this.count > 1) out.comma();
      out.row(result.value);
    }
    return out.take();
  }

  /** Releases the scan's statement (and with it the snapshot it holds). */
  close(): void {
    this.#rows.return?.();
  }
}

/** The rows of a scan whose first step is taken now: its snapshot is fixed from here on. */
function started(rows: Iterator<Row>): Iterator<Row> {
  let first: IteratorResult<Row> | undefined = rows.next();
  return {
    next: () => {
      const result = first ?? rows.next();
      first = undefined;
      return result;
    },
    return: (value?: unknown) => {
      first = undefined;
      return rows.return?.(value) ?? { done: true, value: undefined };
    },
  };
}

/** Counts rows, stopping at `limit`. */
function countRows(rows: Iterable<Row>, limit: number): number {
  let count = 0;
  for (const _ of rows) if (++count >= limit) break;
  return count;
}

function tooManyRows(headers: Record<string, string>): Response {
  return new Response(null, { status: 416, headers: withoutContentType(headers) });
}

function withoutContentType(headers: Record<string, string>): Record<string, string> {
  const { "content-type": _, ...rest } = headers;
  return rest;
}

/**
 * Answers a prefix scan (see the module doc).
 *
 * @param reader The sidecar's reader; the first chunk is read on it.
 * @param family Family name, as requested.
 * @param table Table name, as requested.
 * @param key The key prefix.
 * @param headers The headers of a 200 (`content-type`, `X-Ctlstore-Seq`); a 416 gets the others.
 * @param options Max rows, the scan reader, the write timeout and the callbacks.
 * @returns 200 (buffered or streamed) or 416.
 * @throws {ReaderError} What the reader throws before the status is sent.
 *
 * @example
 * ```ts
 * const response = prefixScanResponse(reader, "accounts", "members", ["team-1"], {
 *   "content-type": "application/json",
 * }, { maxRows: 0, writeTimeoutMs: 5000, openScanReader: () => openScanReader(path) });
 * ```
 */
export function prefixScanResponse(
  reader: Pick<Reader, "getRowsByKeyPrefix">,
  family: string,
  table: string,
  key: readonly KeyPart[],
  headers: Record<string, string>,
  options: PrefixScanOptions,
): Response {
  const encoder = new RowArrayEncoder(
    reader.getRowsByKeyPrefix(family, table, key as KeyPart[]),
    options.maxRows,
  );
  let body = encoder.next(BUFFERED_BYTES);
  if (!encoder.done && !encoder.tooMany && !options.openScanReader) {
    // No reader of its own to stream from: the whole answer is buffered.
    const chunks = [body];
    let length = body.length;
    while (!encoder.done && !encoder.tooMany) {
      chunks.push(encoder.next());
      length += chunks.at(-1)!.length;
    }
    body = new Uint8Array(length);
    let offset = 0;
    for (const chunk of chunks) {
      body.set(chunk, offset);
      offset += chunk.length;
    }
  }
  if (encoder.tooMany) return tooManyRows(headers);
  if (encoder.done) {
    options.onRows?.(encoder.count);
    return new Response(body, { headers });
  }
  // Too large for one chunk: free the shared reader's statement, stream from a snapshot.
  encoder.close();
  return streamScan(options.openScanReader!(), family, table, key, headers, options);
}

function streamScan(
  scan: ScanReader,
  family: string,
  table: string,
  key: readonly KeyPart[],
  headers: Record<string, string>,
  options: PrefixScanOptions,
): Response {
  let encoder: RowArrayEncoder | undefined;
  let head: Uint8Array<ArrayBuffer>;
  try {
    const rows = started(scan.getRowsByKeyPrefix(family, table, key as KeyPart[]));
    encoder = new RowArrayEncoder(rows, 0);
    // Counted while `rows` holds the snapshot, so the count is of the rows streamed.
    const limit = options.maxRows + 1;
    if (
      options.maxRows > 0 &&
      countRows(scan.getRowsByKeyPrefix(family, table, key as KeyPart[]), limit) === limit
    ) {
      encoder.close();
      scan.close();
      return tooManyRows(headers);
    }
    // The first chunk is read before the status is sent, so an early failure is an error answer.
    head = encoder.next();
  } catch (error) {
    encoder?.close();
    scan.close();
    throw error;
  }
  if (encoder.done) {
    scan.close();
    options.onRows?.(encoder.count);
    return new Response(head, { headers });
  }
  return new Response(scanStream(encoder, scan, head, options), { headers });
}

function scanStream(
  encoder: RowArrayEncoder,
  scan: ScanReader,
  head: Uint8Array<ArrayBuffer>,
  options: PrefixScanOptions,
): ReadableStream<Uint8Array> {
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  let stall: ReturnType<typeof setTimeout> | undefined;
  let open = true;
  const release = () => {
    if (!open) return false;
    open = false;
    clearTimeout(stall);
    deregister();
    encoder.close();
    scan.close();
    return true;
  };
  const abort = (error: Error) => {
    if (!release()) return;
    options.onAbort?.(error);
    controller.error(error);
  };
  const deregister = options.streams?.add(abort) ?? (() => false);
  // Armed whenever a chunk waits for the client; a read (the next pull) disarms it.
  const waitForClient = () => {
    stall = setTimeout(
      () => abort(new Error(`the client read nothing for ${options.writeTimeoutMs} ms`)),
      options.writeTimeoutMs,
    );
  };
  return new ReadableStream<Uint8Array>({
    start(c) {
      controller = c;
      c.enqueue(head);
      waitForClient();
    },
    pull(c) {
      clearTimeout(stall);
      let piece: Uint8Array<ArrayBuffer>;
      try {
        piece = encoder.next();
      } catch (error) {
        abort(error instanceof Error ? error : new Error(String(error)));
        return;
      }
      c.enqueue(piece);
      if (!encoder.done) return waitForClient();
      release();
      c.close();
      options.onRows?.(encoder.count);
    },
    cancel() {
      release();
    },
  }, { highWaterMark: 1 });
}
