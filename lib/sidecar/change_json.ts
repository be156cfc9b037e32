/**
 * The JSON of one change-history entry, as `/changes`, `/watch` and `ctlstore watch` print it:
 * `{"seq":…,"family":…,"table":…,"op":…,"key":{…},"tx":…,"time":"…"}`. Key values are encoded
 * as the row routes encode them (exact 64-bit integers, base64 blobs, Go escaping), in
 * primary-key order; `time` is the leader timestamp in RFC 3339 with milliseconds, UTC.
 *
 * @module
 */
import type { Change } from "../reader/mod.ts";
import { stringifyGoJson } from "../schema/mod.ts";

/**
 * Encodes a change as one line of JSON (no newline).
 *
 * @example
 * ```ts
 * import { encodeChange } from "./change_json.ts";
 *
 * encodeChange({
 *   seq: 7, tx: 7, family: "demo", table: "users", op: "upsert",
 *   key: { id: 9007199254740993n }, time: new Date(0),
 * });
 * // {"seq":7,"family":"demo","table":"users","op":"upsert","key":{"id":9007199254740993},"tx":7,"time":"1970-01-01T00:00:00.000Z"}
 * ```
 */
export function encodeChange(change: Change): string {
  return stringifyGoJson({
    seq: change.seq,
    family: change.family,
    table: change.table,
    op: change.op,
    key: change.key,
    tx: change.tx,
    time: change.time.toISOString(),
  });
}
