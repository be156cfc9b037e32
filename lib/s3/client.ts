/**
 * A small S3 client over `aws4fetch` (SigV4 on `fetch`): streaming downloads with user metadata,
 * and uploads from a file with multipart for large or gzip-streamed bodies.
 *
 * It owns request signing, addressing (path-style when an endpoint is set, virtual-hosted on AWS)
 * and the multipart protocol; it does not retry beyond `aws4fetch`'s retries of 5xx answers.
 *
 * @module
 */
import { AwsClient } from "aws4fetch";
import { S3Error } from "./error.ts";
import { streamParts } from "./_parts.ts";

/** Connection settings; each one falls back to the usual `AWS_*` environment variable. */
export interface S3Options {
  /** `AWS_REGION` or `AWS_DEFAULT_REGION`, else `us-east-1`. */
  region?: string;
  /** `AWS_ENDPOINT_URL_S3` or `AWS_ENDPOINT_URL`, e.g. `http://127.0.0.1:4568`; selects path-style URLs. */
  endpoint?: string;
  /** `AWS_ACCESS_KEY_ID`; without credentials requests are sent unsigned. */
  accessKeyId?: string;
  /** `AWS_SECRET_ACCESS_KEY`. */
  secretAccessKey?: string;
  /** `AWS_SESSION_TOKEN`. */
  sessionToken?: string;
}

/** A downloaded object: its body as a stream, its user metadata and its size. */
export interface S3Object {
  body: ReadableStream<Uint8Array>;
  /** User metadata (`x-amz-meta-<name>` headers) by lower-case `<name>`. */
  metadata: Record<string, string>;
  contentLength?: number;
}

/** Options of {@linkcode S3Client.putObjectFromFile}. */
export interface PutObjectOptions {
  /** User metadata, sent as `x-amz-meta-<name>` headers. */
  metadata?: Record<string, string>;
  /** Gzip the file while streaming it up. */
  gzip?: boolean;
  /** Aborts the upload; a started multipart upload is aborted on the server too. */
  signal?: AbortSignal;
}

/** The size of multipart upload parts, as in the original supervisor: 16 MiB. */
export const MULTIPART_PART_SIZE = 16 * 1024 * 1024;

const PARALLEL_PARTS = 4;

function env(name: string): string | undefined {
  try {
    return Deno.env.get(name) || undefined;
  } catch {
    return undefined;
  }
}

function xmlText(xml: string, tag: string): string | undefined {
  const match = new RegExp(`<${tag}>([\\s\\S]*?)</${tag}>`).exec(xml);
  return match?.[1];
}

function xmlEscape(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

function encodeKey(key: string): string {
  return key.split("/").map(encodeURIComponent).join("/");
}

/**
 * An S3 client for one region/endpoint.
 *
 * @example Download an object
 * ```ts
 * const s3 = new S3Client({ region: "us-west-2" });
 * const { body, metadata } = await s3.getObject("snapshots", "ctlstore/snapshot.db");
 * console.log(metadata.checksum);
 * await body.cancel();
 * ```
 */
export class S3Client {
  readonly #aws: AwsClient | undefined;
  readonly #region: string;
  readonly #endpoint: string | undefined;

  /** @param options Settings; missing ones come from `AWS_*` environment variables. */
  constructor(options: S3Options = {}) {
    this.#region = options.region || env("AWS_REGION") || env("AWS_DEFAULT_REGION") ||
      "us-east-1";
    this.#endpoint = (options.endpoint || env("AWS_ENDPOINT_URL_S3") || env("AWS_ENDPOINT_URL"))
      ?.replace(/\/+$/, "");
    const accessKeyId = options.accessKeyId ?? env("AWS_ACCESS_KEY_ID");
    const secretAccessKey = options.secretAccessKey ?? env("AWS_SECRET_ACCESS_KEY");
    if (accessKeyId && secretAccessKey) {
      this.#aws = new AwsClient({
        accessKeyId,
        secretAccessKey,
        sessionToken: options.sessionToken ?? env("AWS_SESSION_TOKEN"),
        service: "s3",
        region: this.#region,
        retries: 3,
      });
    }
  }

  /**
   * The HTTP URL of an object: `<endpoint>/<bucket>/<key>` when an endpoint is set, else
   * `https://<bucket>.s3.<region>.amazonaws.com/<key>` (path-style on AWS for dotted buckets).
   *
   * @example
   * ```ts
   * new S3Client({ region: "eu-west-1" }).objectUrl("b", "a/x.db");
   * // "https://b.s3.eu-west-1.amazonaws.com/a/x.db"
   * ```
   */
  objectUrl(bucket: string, key: string): string {
    const path = encodeKey(key);
    if (this.#endpoint) return `${this.#endpoint}/${encodeURIComponent(bucket)}/${path}`;
    const host = `s3.${this.#region}.amazonaws.com`;
    return bucket.includes(".")
      ? `https://${host}/${bucket}/${path}`
      : `https://${bucket}.${host}/${path}`;
  }

  async #send(
    operation: string,
    bucket: string,
    key: string,
    query: string,
    init: RequestInit,
  ): Promise<Response> {
    const url = this.objectUrl(bucket, key) + query;
    const where = `s3://${bucket}/${key}`;
    let response: Response;
    try {
      response = this.#aws ? await this.#aws.fetch(url, init) : await fetch(url, init);
    } catch (error) {
      if (init.signal?.aborted) throw error;
      throw new S3Error(
        0,
        "NetworkError",
        `S3 ${operation} ${where}: ${(error as Error).message}`,
      );
    }
    if (response.ok) return response;
    const text = await response.text().catch(() => "");
    const code = xmlText(text, "Code") ?? "";
    const detail = xmlText(text, "Message") ?? response.statusText;
    throw new S3Error(
      response.status,
      code,
      `S3 ${operation} ${where}: ${response.status}${code ? ` ${code}` : ""}: ${detail}`,
    );
  }

  /**
   * Starts downloading an object; the body streams.
   *
   * @throws {S3Error} On any non-2xx answer (`status` 404 when the object does not exist).
   * @example
   * ```ts
   * const object = await new S3Client().getObject("snapshots", "snapshot.db.gz");
   * const plain = object.body.pipeThrough(new DecompressionStream("gzip"));
   * await plain.cancel();
   * ```
   */
  async getObject(
    bucket: string,
    key: string,
    options: { signal?: AbortSignal } = {},
  ): Promise<S3Object> {
    const init: RequestInit = { method: "GET" };
    if (options.signal) init.signal = options.signal;
    const response = await this.#send("GetObject", bucket, key, "", init);
    const metadata: Record<string, string> = {};
    for (const [name, value] of response.headers) {
      if (name.startsWith("x-amz-meta-")) metadata[name.slice("x-amz-meta-".length)] = value;
    }
    const length = response.headers.get("content-length");
    const result: S3Object = {
      body: response.body ?? new Blob([]).stream(),
      metadata,
    };
    if (length !== null && /^\d+$/.test(length)) result.contentLength = Number(length);
    return result;
  }

  /**
   * Uploads a file (gzip-compressed on the fly when asked). A body that fits in one 16 MiB part
   * goes up in a single PUT; a larger one as a multipart upload, aborted on failure.
   *
   * @returns The number of bytes sent (compressed bytes when gzipping).
   * @throws {S3Error} When S3 rejects a request.
   * @example
   * ```ts
   * await new S3Client().putObjectFromFile("snapshots", "snapshot.db.gz", "/tmp/snap.db", {
   *   gzip: true,
   *   metadata: { checksum: "2jmj7l5rSw0yVb/vlWAYkK/YBwk=" },
   * });
   * ```
   */
  async putObjectFromFile(
    bucket: string,
    key: string,
    path: string,
    options: PutObjectOptions = {},
  ): Promise<{ uploadedBytes: number }> {
    const headers: Record<string, string> = { "content-type": "application/octet-stream" };
    for (const [name, value] of Object.entries(options.metadata ?? {})) {
      headers[`x-amz-meta-${name.toLowerCase()}`] = value;
    }
    const signal = options.signal;
    const file = await Deno.open(path, { read: true });
    const stream = options.gzip
      ? file.readable.pipeThrough(new CompressionStream("gzip"))
      : file.readable;
    const where = `s3://${bucket}/${key}`;
    const send: Send = (operation, query, init) =>
      this.#send(operation, bucket, key, query, withSignal(init, signal));
    const upload = new MultipartUpload(send, where, headers);
    let uploadedBytes = 0;
    try {
      for await (const part of streamParts(stream, MULTIPART_PART_SIZE)) {
        signal?.throwIfAborted();
        uploadedBytes += part.data.byteLength;
        if (part.last && !upload.started) {
          await send("PutObject", "", { method: "PUT", headers, body: part.data });
          return { uploadedBytes };
        }
        await upload.add(part.data);
      }
      await upload.complete();
      return { uploadedBytes };
    } catch (error) {
      // The abort request must go out even when the caller's signal ended the upload.
      await upload.abort((operation, query, init) =>
        this.#send(operation, bucket, key, query, init)
      );
      throw error;
    }
  }
}

type Send = (operation: string, query: string, init: RequestInit) => Promise<Response>;

function withSignal(init: RequestInit, signal: AbortSignal | undefined): RequestInit {
  if (signal) init.signal = signal;
  return init;
}

/** One multipart upload: creation on the first part, parts in parallel, complete or abort. */
class MultipartUpload {
  #uploadId: string | undefined;
  #etags: string[] = [];
  #inflight = new Set<Promise<void>>();
  #failure: unknown;

  constructor(
    readonly send: Send,
    readonly where: string,
    readonly headers: Record<string, string>,
  ) {}

  get started(): boolean {
    return this.#uploadId !== undefined;
  }

  #query(extra = ""): string {
    return `?uploadId=${encodeURIComponent(this.#uploadId!)}${extra}`;
  }

  async add(data: Uint8Array<ArrayBuffer>): Promise<void> {
    if (this.#uploadId === undefined) {
      const response = await this.send("CreateMultipartUpload", "?uploads", {
        method: "POST",
        headers: this.headers,
      });
      const uploadId = xmlText(await response.text(), "UploadId");
      if (!uploadId) {
        throw new S3Error(0, "", `S3 CreateMultipartUpload ${this.where}: no UploadId`);
      }
      this.#uploadId = uploadId;
    }
    const index = this.#etags.length;
    this.#etags.push("");
    const query = this.#query(`&partNumber=${index + 1}`);
    const sent = this.send("UploadPart", query, { method: "PUT", body: data }).then((response) => {
      this.#etags[index] = response.headers.get("etag") ?? "";
      this.#inflight.delete(sent);
    }, (error) => {
      this.#failure ??= error;
      this.#inflight.delete(sent);
    });
    this.#inflight.add(sent);
    if (this.#inflight.size >= PARALLEL_PARTS) await Promise.race(this.#inflight);
    if (this.#failure !== undefined) throw this.#failure;
  }

  async complete(): Promise<void> {
    await Promise.all(this.#inflight);
    if (this.#failure !== undefined) throw this.#failure;
    const parts = this.#etags.map((etag, i) =>
      `<Part><PartNumber>${i + 1}</PartNumber><ETag>${xmlEscape(etag)}</ETag></Part>`
    );
    const body = `<CompleteMultipartUpload>${parts.join("")}</CompleteMultipartUpload>`;
    const response = await this.send("CompleteMultipartUpload", this.#query(), {
      method: "POST",
      headers: { "content-type": "application/xml" },
      body,
    });
    const text = await response.text();
    if (text.includes("<Error>")) {
      const code = xmlText(text, "Code") ?? "";
      throw new S3Error(
        500,
        code,
        `S3 CompleteMultipartUpload ${this.where}: ${code}: ${xmlText(text, "Message") ?? ""}`,
      );
    }
  }

  /** Aborts the upload on the server (best effort, never throws). */
  async abort(abortSend: Send): Promise<void> {
    await Promise.allSettled(this.#inflight);
    if (this.#uploadId === undefined) return;
    await abortSend("AbortMultipartUpload", this.#query(), { method: "DELETE" })
      .then((response) => response.body?.cancel(), () => {});
  }
}
