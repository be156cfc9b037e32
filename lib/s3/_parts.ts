/**
 * Cutting a byte stream into fixed-size parts, knowing which part is the last.
 *
 * @module
 */

/** One part of a stream: exactly the part size, except possibly the last. */
export interface StreamPart {
  data: Uint8Array<ArrayBuffer>;
  last: boolean;
}

/** Yields the stream's bytes as parts of `size` bytes (the last may be shorter or empty). */
export async function* streamParts(
  stream: ReadableStream<Uint8Array>,
  size: number,
): AsyncGenerator<StreamPart> {
  const reader = stream.getReader();
  try {
    let part = new Uint8Array(size);
    let filled = 0;
    let pending: Uint8Array | undefined;
    while (true) {
      const chunk = pending ?? (await reader.read()).value;
      pending = undefined;
      if (chunk === undefined) {
        yield { data: part.subarray(0, filled), last: true };
        return;
      }
      if (filled === size) {
        yield { data: part, last: false };
        part = new Uint8Array(size);
        filled = 0;
      }
      const take = Math.min(chunk.byteLength, size - filled);
      part.set(chunk.subarray(0, take), filled);
      filled += take;
      if (take < chunk.byteLength) pending = chunk.subarray(take);
    }
  } finally {
    await reader.cancel().catch(() => {});
  }
}
