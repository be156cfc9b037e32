/**
 * Size and count limits of the original (spec §5.5) and the per-type value limits we add to
 * keep ctldb and every LDB identical (DESIGN §3.2).
 *
 * @module
 */

/**
 * Largest accepted HTTP request body, in bytes (1 MiB).
 *
 * @example Check a body size
 * ```ts
 * import { MAX_REQUEST_BODY_BYTES } from "./limits.ts";
 *
 * const tooLarge = 2_000_000 > MAX_REQUEST_BODY_BYTES; // true
 * ```
 */
export const MAX_REQUEST_BODY_BYTES = 1_048_576;

/**
 * Largest generated DML statement, in UTF-8 bytes (768 KiB).
 *
 * @example Check a statement
 * ```ts
 * import { MAX_DML_STATEMENT_BYTES } from "./limits.ts";
 *
 * const ok = new TextEncoder().encode("DELETE FROM a___b").length <= MAX_DML_STATEMENT_BYTES;
 * ```
 */
export const MAX_DML_STATEMENT_BYTES = 786_432;

/**
 * Most mutations accepted in one request.
 *
 * @example Check a request
 * ```ts
 * import { MAX_MUTATIONS_PER_REQUEST } from "./limits.ts";
 *
 * const tooMany = 101 > MAX_MUTATIONS_PER_REQUEST; // true
 * ```
 */
export const MAX_MUTATIONS_PER_REQUEST = 100;

/**
 * Longest cookie or check-cookie, in bytes.
 *
 * @example Check a cookie
 * ```ts
 * import { MAX_COOKIE_BYTES } from "./limits.ts";
 *
 * const ok = new Uint8Array(16).length <= MAX_COOKIE_BYTES; // true
 * ```
 */
export const MAX_COOKIE_BYTES = 1024;

/**
 * Longest value of a `string` field, in characters (code points), as `VARCHAR(191)` allows.
 *
 * @example Check a string value
 * ```ts
 * import { MAX_STRING_FIELD_CHARS } from "./limits.ts";
 *
 * const ok = [..."héllo"].length <= MAX_STRING_FIELD_CHARS; // true
 * ```
 */
export const MAX_STRING_FIELD_CHARS = 191;

/**
 * Longest value of a `bytestring` field, in bytes, as `VARBINARY(255)` allows.
 *
 * @example Check a bytestring value
 * ```ts
 * import { MAX_BYTESTRING_BYTES } from "./limits.ts";
 *
 * const ok = new Uint8Array(255).length <= MAX_BYTESTRING_BYTES; // true
 * ```
 */
export const MAX_BYTESTRING_BYTES = 255;
