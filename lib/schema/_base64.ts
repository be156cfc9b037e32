/**
 * Standard padded base64 with the exact error offsets of Go's `base64.StdEncoding`
 * (`illegal base64 data at input byte N`), including Go's quirk of skipping `\r` and `\n`.
 * Private to lib/schema.
 *
 * @module
 */

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const PAD = 0x3d;
const CR = 0x0d;
const LF = 0x0a;
const DECODE = new Uint8Array(256).fill(0xff);
for (let i = 0; i < ALPHABET.length; i++) DECODE[ALPHABET.charCodeAt(i)] = i;
const encoder = new TextEncoder();

/** A base64 string Go would reject; `offset` is Go's `CorruptInputError` byte offset. */
export class Base64Error extends Error {
  constructor(readonly offset: number) {
    super(`illegal base64 data at input byte ${offset}`);
    this.name = "Base64Error";
  }
}

/** Encodes bytes as standard padded base64. */
export function encodeBase64(bytes: Uint8Array): string {
  let out = "";
  let i = 0;
  for (; i + 2 < bytes.length; i += 3) {
    const v = (bytes[i]! << 16) | (bytes[i + 1]! << 8) | bytes[i + 2]!;
    out += ALPHABET[v >> 18]! + ALPHABET[(v >> 12) & 63]! + ALPHABET[(v >> 6) & 63]! +
      ALPHABET[v & 63]!;
  }
  if (i + 1 === bytes.length) {
    const v = bytes[i]! << 16;
    out += `${ALPHABET[v >> 18]!}${ALPHABET[(v >> 12) & 63]!}==`;
  } else if (i + 2 === bytes.length) {
    const v = (bytes[i]! << 16) | (bytes[i + 1]! << 8);
    out += `${ALPHABET[v >> 18]!}${ALPHABET[(v >> 12) & 63]!}${ALPHABET[(v >> 6) & 63]!}=`;
  }
  return out;
}

function skipNewlines(src: Uint8Array, si: number): number {
  while (si < src.length && (src[si] === LF || src[si] === CR)) si++;
  return si;
}

/**
 * Decodes standard padded base64 as Go's `StdEncoding.DecodeString` does, quantum by quantum
 * over the UTF-8 bytes of `text`.
 *
 * @throws {Base64Error} At the byte offset Go reports.
 */
export function decodeBase64(text: string): Uint8Array {
  const src = encoder.encode(text);
  const out = new Uint8Array(Math.ceil(src.length / 4) * 3);
  let n = 0;
  let si = 0;
  while (si < src.length) {
    const quad = [0, 0, 0, 0];
    let length = 4;
    let done = false;
    for (let j = 0; j < 4; j++) {
      if (si === src.length) {
        if (j === 0) return out.slice(0, n);
        throw new Base64Error(si - j);
      }
      const c = src[si++]!;
      const value = DECODE[c]!;
      if (value !== 0xff) {
        quad[j] = value;
        continue;
      }
      if (c === LF || c === CR) {
        j--;
        continue;
      }
      if (c !== PAD || j < 2) throw new Base64Error(si - 1);
      if (j === 2) {
        si = skipNewlines(src, si);
        if (si === src.length) throw new Base64Error(src.length);
        if (src[si] !== PAD) throw new Base64Error(si - 1);
        si++;
      }
      si = skipNewlines(src, si);
      if (si < src.length) throw new Base64Error(si);
      length = j;
      done = true;
      break;
    }
    const v = (quad[0]! << 18) | (quad[1]! << 12) | (quad[2]! << 6) | quad[3]!;
    out[n++] = (v >> 16) & 0xff;
    if (length >= 3) out[n++] = (v >> 8) & 0xff;
    if (length === 4) out[n++] = v & 0xff;
    if (done) break;
  }
  return out.slice(0, n);
}
