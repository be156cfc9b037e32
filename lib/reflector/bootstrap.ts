/**
 * Bootstrap (spec §10.2, DESIGN §3.7): when the LDB file is absent, download a snapshot to
 * `<ldb>.tmp`, verify it and rename it into place.
 *
 * Sources: `file://` (checksum from a `<path>.checksum` sidecar file when present), `s3://`
 * (`lib/s3`, checksum from the `checksum` user metadata), `http(s)://` (checksum from the
 * `x-amz-meta-checksum` header) and `data:` (base64 or base64url, or an RFC 2397 data URL). A
 * name ending in `.gz` is gunzipped while streaming. The checksum (base64 SHA-1 of the
 * uncompressed file) is verified before the rename; a partial reflector then removes the families
 * it does not carry (`partial_snapshot.ts`); stale side files of an older LDB (`-wal`, `-shm`,
 * `-journal`, `lib/ldb/files.ts`) are removed first. Up to 5 attempts 1 s apart (`retry` of
 * `lib/backoff.ts`) for temporary failures (network, 5xx, checksum mismatch, a missing
 * snapshot); a missing snapshot in supervisor mode means "start empty"; corrupt gzip or a file
 * that is not SQLite fails at once.
 *
 * @module
 */
import { createHash } from "node:crypto";
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { Backoff, retry } from "../backoff.ts";
import { removeLdbFiles, removeLdbSideFiles } from "../ldb/mod.ts";
import { errorMessage, type Logger } from "../log/mod.ts";
import { parseS3Url, S3Client, S3Error } from "../s3/mod.ts";
import { fitSnapshotToFamilies } from "./partial_snapshot.ts";

/** Options of {@linkcode bootstrapLdb}. */
export interface BootstrapOptions {
  /** Snapshot URL. */
  url: string;
  /** Where the LDB goes. */
  ldbPath: string;
  /** AWS region for `s3://`. */
  region?: string;
  /** S3 endpoint for `s3://` (path-style). */
  endpoint?: string;
  /** A missing snapshot means "start with an empty LDB" (supervisor mode). */
  notFoundIsEmpty?: boolean;
  /**
   * The families of a partial reflector: other families are removed from the snapshot before
   * it is moved into place (`partial_snapshot.ts`). Absent: the snapshot must be a full one.
   */
  families?: readonly string[];
  /** Attempts for temporary failures (default 5). */
  attempts?: number;
  /** Delay between attempts (default 1 s). */
  retryDelayMs?: number;
  /** Where progress and retries are logged. */
  log: Logger;
  /** Stops waiting between attempts. */
  signal?: AbortSignal;
  /** Counts failures by type: `temporary`, `permanent` (a missing snapshot) or `generic`. */
  onError?: (type: "temporary" | "permanent" | "generic") => void;
}

/** What bootstrap did. */
export type BootstrapOutcome = "skipped" | "downloaded" | "empty";

type FailureType = "temporary" | "permanent" | "generic";

class BootstrapFailure extends Error {
  constructor(readonly type: FailureType, message: string, options?: ErrorOptions) {
    super(message, options);
  }
}

function failureType(error: unknown): FailureType {
  return error instanceof BootstrapFailure ? error.type : "generic";
}

interface Snapshot {
  body: ReadableStream<Uint8Array>;
  /** Base64 SHA-1 of the uncompressed content, when the source publishes one. */
  checksum?: string;
  gzip: boolean;
}

const PROGRESS_BYTES = 64 * 1024 * 1024;
const SQLITE_HEADER = new TextEncoder().encode("SQLite format 3\0");

function notFound(message: string): BootstrapFailure {
  return new BootstrapFailure("permanent", message);
}

function decodeBase64(text: string): Uint8Array<ArrayBuffer> {
  let normal = text.trim().replace(/-/g, "+").replace(/_/g, "/").replace(/=+$/, "");
  normal += "=".repeat((4 - normal.length % 4) % 4);
  return Uint8Array.from(atob(normal), (c) => c.charCodeAt(0));
}

function dataSnapshot(url: string): Snapshot {
  const body = url.slice("data:".length);
  const comma = body.indexOf(",");
  let bytes: Uint8Array<ArrayBuffer>;
  try {
    if (comma < 0) bytes = decodeBase64(body);
    else if (body.slice(0, comma).endsWith(";base64")) bytes = decodeBase64(body.slice(comma + 1));
    else bytes = new TextEncoder().encode(decodeURIComponent(body.slice(comma + 1)));
  } catch (error) {
    throw new BootstrapFailure("generic", `invalid data: bootstrap URL: ${errorMessage(error)}`);
  }
  return { body: new Blob([bytes]).stream(), gzip: false };
}

async function fileSnapshot(url: string): Promise<Snapshot> {
  const path = fileURLToPath(url);
  let file: Deno.FsFile;
  try {
    file = await Deno.open(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) throw notFound(`snapshot ${path} does not exist`);
    throw new BootstrapFailure("temporary", `open ${path}: ${errorMessage(error)}`);
  }
  let checksum: string | undefined;
  try {
    checksum = (await Deno.readTextFile(`${path}.checksum`)).trim() || undefined;
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) {
      file.close();
      throw new BootstrapFailure("temporary", `read ${path}.checksum: ${errorMessage(error)}`);
    }
  }
  return { body: file.readable, checksum, gzip: path.endsWith(".gz") };
}

async function s3Snapshot(url: string, options: BootstrapOptions): Promise<Snapshot> {
  let location;
  try {
    location = parseS3Url(url);
  } catch (error) {
    throw new BootstrapFailure("generic", errorMessage(error));
  }
  const client = new S3Client({
    ...(options.region ? { region: options.region } : {}),
    ...(options.endpoint ? { endpoint: options.endpoint } : {}),
  });
  try {
    const object = await client.getObject(location.bucket, location.key, {
      ...(options.signal ? { signal: options.signal } : {}),
    });
    return { body: object.body, checksum: object.metadata.checksum, gzip: url.endsWith(".gz") };
  } catch (error) {
    if (error instanceof S3Error && error.status === 404) throw notFound(error.message);
    throw new BootstrapFailure("temporary", errorMessage(error), { cause: error });
  }
}

async function httpSnapshot(url: string, signal?: AbortSignal): Promise<Snapshot> {
  let response: Response;
  try {
    response = await fetch(url, signal ? { signal } : {});
  } catch (error) {
    throw new BootstrapFailure("temporary", `GET ${url}: ${errorMessage(error)}`);
  }
  if (!response.ok || !response.body) {
    await response.body?.cancel();
    const message = `GET ${url}: ${response.status} ${response.statusText}`;
    if (response.status === 404) throw notFound(message);
    throw new BootstrapFailure("temporary", message);
  }
  const checksum = response.headers.get("x-amz-meta-checksum") ?? undefined;
  return { body: response.body, checksum, gzip: new URL(url).pathname.endsWith(".gz") };
}

function openSnapshot(url: string, options: BootstrapOptions): Promise<Snapshot> | Snapshot {
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):/.exec(url)?.[1]?.toLowerCase() ?? "";
  switch (scheme) {
    case "data":
      return dataSnapshot(url);
    case "file":
      return fileSnapshot(url);
    case "s3":
      return s3Snapshot(url, options);
    case "http":
    case "https":
      return httpSnapshot(url, options.signal);
  }
  throw new BootstrapFailure(
    "generic",
    `unsupported scheme '${scheme}' for bootstrap URL '${url.slice(0, 200)}'`,
  );
}

/** What the source stream did: bytes read and whether it failed (not the gunzip after it). */
interface SourceState {
  bytes: number;
  failed: boolean;
}

/** Passes a stream through, counting its bytes and noting when the source itself fails. */
function observeSource(
  body: ReadableStream<Uint8Array>,
  state: SourceState,
): ReadableStream<Uint8Array> {
  const reader = body.getReader();
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      let result: ReadableStreamReadResult<Uint8Array>;
      try {
        result = await reader.read();
      } catch (error) {
        state.failed = true;
        throw error;
      }
      if (result.done) {
        controller.close();
      } else {
        state.bytes += result.value.length;
        controller.enqueue(result.value);
      }
    },
    cancel: (reason) => reader.cancel(reason),
  });
}

function startsWithSqliteHeader(head: Uint8Array): boolean {
  return head.length >= SQLITE_HEADER.length && SQLITE_HEADER.every((b, i) => head[i] === b);
}

/** One download attempt into `<ldb>.tmp`, renamed into place when verified. */
async function downloadOnce(options: BootstrapOptions): Promise<number> {
  const { ldbPath, log } = options;
  const tmpPath = `${ldbPath}.tmp`;
  const started = performance.now();
  const hash = createHash("sha1");
  const source: SourceState = { bytes: 0, failed: false };
  let snapshot: Snapshot | undefined;
  let bytes = 0;
  let head = new Uint8Array(0);
  // The temp file first: a snapshot opened before a failing temp file would never be consumed.
  const file = await Deno.open(tmpPath, { create: true, write: true, truncate: true, mode: 0o644 });
  try {
    snapshot = await openSnapshot(options.url, options);
    let stream = observeSource(snapshot.body, source);
    if (snapshot.gzip) {
      const gunzip = new DecompressionStream("gzip") as unknown as TransformStream<
        Uint8Array,
        Uint8Array
      >;
      stream = stream.pipeThrough(gunzip);
    }
    let nextProgress = PROGRESS_BYTES;
    try {
      for await (const chunk of stream) {
        options.signal?.throwIfAborted();
        hash.update(chunk);
        if (head.length < SQLITE_HEADER.length) {
          head = new Uint8Array([...head, ...chunk.subarray(0, 16)]);
        }
        for (let offset = 0; offset < chunk.length;) {
          offset += await file.write(chunk.subarray(offset));
        }
        bytes += chunk.length;
        if (bytes >= nextProgress) {
          log.info("downloading LDB snapshot", {
            bytes,
            seconds: (performance.now() - started) / 1000,
          });
          nextProgress += PROGRESS_BYTES;
        }
      }
    } catch (error) {
      const type = source.failed || !snapshot.gzip ? "temporary" : "generic";
      throw new BootstrapFailure(type, `download snapshot: ${errorMessage(error)}`);
    }
    await file.sync();
  } finally {
    file.close();
  }
  const checksum = hash.digest("base64");
  if (snapshot.checksum !== undefined && snapshot.checksum.trim() !== checksum) {
    throw new BootstrapFailure(
      "temporary",
      `snapshot checksum mismatch: content has ${checksum}, expected ${snapshot.checksum.trim()}`,
    );
  }
  if (!startsWithSqliteHeader(head)) {
    throw new BootstrapFailure("generic", "bootstrap snapshot is not an SQLite database");
  }
  try {
    fitSnapshotToFamilies(tmpPath, options.families, log);
  } catch (error) {
    throw new BootstrapFailure("generic", errorMessage(error), { cause: error });
  }
  await removeLdbSideFiles(ldbPath);
  await Deno.rename(tmpPath, ldbPath);
  if (snapshot.gzip) log.info(`LDB inflated ${source.bytes} -> ${bytes} bytes`);
  log.info("LDB snapshot downloaded", {
    bytes,
    seconds: (performance.now() - started) / 1000,
    checksum: snapshot.checksum === undefined ? "none" : "verified",
  });
  return bytes;
}

/**
 * Downloads the snapshot when the LDB file does not exist.
 *
 * @returns `skipped` when the LDB exists, `downloaded`, or `empty` when no snapshot exists in
 *   supervisor mode.
 * @throws {Error} After the last attempt, or at once for permanent failures.
 * @example
 * ```ts
 * import { createLogger } from "../log/mod.ts";
 * import { bootstrapLdb } from "./bootstrap.ts";
 *
 * await bootstrapLdb({
 *   url: "s3://snapshots/ctlstore/snapshot.db.gz",
 *   ldbPath: "/var/spool/ctlstore/ldb.db",
 *   region: "us-west-2",
 *   log: createLogger("reflector"),
 * });
 * ```
 */
export async function bootstrapLdb(options: BootstrapOptions): Promise<BootstrapOutcome> {
  const { ldbPath, log } = options;
  try {
    await Deno.stat(ldbPath);
    log.info(`LDB File ${ldbPath} exists, skipping bootstrap.`);
    return "skipped";
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
  await Deno.mkdir(dirname(ldbPath), { recursive: true });
  /** Whether a failure ends the retries: one that will not go away, or "start empty". */
  const final = (error: unknown) => {
    const type = failureType(error);
    return type === "generic" || (type === "permanent" && !!options.notFoundIsEmpty);
  };
  const downloadAttempt = async (attempt: number) => {
    try {
      await downloadOnce(options);
    } catch (error) {
      options.onError?.(failureType(error));
      if (!final(error)) {
        log.warn("bootstrap attempt failed", { attempt, error: errorMessage(error) });
      }
      throw error;
    }
  };
  const delayMs = options.retryDelayMs ?? 1000;
  try {
    await retry(downloadAttempt, {
      attempts: options.attempts ?? 5,
      backoff: new Backoff(delayMs, delayMs),
      signal: options.signal,
      retryable: (error) => !final(error),
    });
    return "downloaded";
  } catch (error) {
    if (failureType(error) === "generic") throw error;
    if (final(error)) {
      log.info("Starting with a new LDB", { reason: errorMessage(error) });
      return "empty";
    }
    throw new Error(
      `download of ldb snapshot failed after max attempts reached: ${errorMessage(error)}`,
      { cause: error },
    );
  } finally {
    await removeLdbFiles(`${ldbPath}.tmp`);
  }
}
