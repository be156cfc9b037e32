/**
 * Request body reading with the size limit enforced while streaming.
 *
 * @module
 */
import { HttpError } from "./http_error.ts";

/**
 * Reads a request body, failing with 413 `Request too large` beyond `limit` bytes, whether the
 * client announced the length or streamed it chunked.
 *
 * @example
 * ```ts
 * const bytes = await readBody(new Request("http://x/", { method: "POST", body: "hi" }), 1024);
 * console.log(bytes.length); // 2
 * ```
 */
export async function readBody(request: Request, limit: number): Promise<Uint8Array> {
  const declared = Number(request.headers.get("content-length") ?? "0");
  if (declared > limit) throw new HttpError(413, "Request too large");
  if (!request.body) return new Uint8Array();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of request.body) {
    size += chunk.length;
    if (size > limit) throw new HttpError(413, "Request too large");
    chunks.push(chunk);
  }
  const out = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.length;
  }
  return out;
}

/** Reads a request body as UTF-8 text with the same limit as {@linkcode readBody}. */
export async function readBodyText(request: Request, limit: number): Promise<string> {
  return new TextDecoder().decode(await readBody(request, limit));
}
