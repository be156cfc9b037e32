/**
 * Writers and their cookies (spec §7.6): registration, reading and overwriting the cookie,
 * and the cookie compare-and-swap every mutation performs. Secrets are stored and compared
 * as their SHA-256 hex (`secrets.ts`); they are never logged.
 *
 * An absent or `null` cookie is stored as empty bytes rather than SQL NULL, so it works on
 * both ctldbs (spec §19.5 #48: the heartbeat sends `"cookie": null`).
 *
 * @module
 */
import { type CtldbSession, isDuplicateKeyError } from "../ctldb/mod.ts";
import { HttpError } from "../http/mod.ts";
import { MAX_COOKIE_BYTES, validateWriterName, validateWriterSecret } from "../schema/mod.ts";
import { hashSecret, initialCookie } from "./secrets.ts";

const decoder = new TextDecoder();

/**
 * Registers a writer with its secret; registering again with the same secret succeeds.
 *
 * @param db Where to register.
 * @param writer The writer name (length-checked, kept as given).
 * @param secret The raw secret bytes (the request body).
 * @throws {NameError} Bad name or secret length (400).
 * @throws {HttpError} 409 `Writer already exists with different credentials`.
 * @example
 * ```ts
 * await registerWriter(ctldb, "writer1", new TextEncoder().encode("secret1"));
 * ```
 */
export async function registerWriter(
  db: CtldbSession,
  writer: string,
  secret: Uint8Array,
): Promise<void> {
  validateWriterName(writer);
  validateWriterSecret(decoder.decode(secret));
  const hash = hashSecret(secret);
  if (await writerExists(db, writer, hash)) return;
  try {
    await db.exec(
      "INSERT INTO mutators (writer, secret, cookie) VALUES(?, ?, ?)",
      [writer, hash, initialCookie(writer)],
    );
  } catch (e) {
    if (!isDuplicateKeyError(e)) throw e;
    // A concurrent registration with the same secret won the race: that is success too.
    if (await writerExists(db, writer, hash)) return;
    throw new HttpError(409, "Writer already exists with different credentials", { cause: e });
  }
}

/**
 * Whether a writer with this secret hash exists.
 *
 * @example
 * ```ts
 * await writerExists(ctldb, "writer1", hashSecret("secret1"));
 * ```
 */
export async function writerExists(
  db: CtldbSession,
  writer: string,
  secretHash: string,
): Promise<boolean> {
  const rows = await db.query(
    "SELECT writer FROM mutators WHERE writer = ? AND secret = ?",
    [writer, secretHash],
  );
  return rows.length > 0;
}

/**
 * A stored cookie as bytes, whichever way the driver returned the BLOB.
 *
 * @example
 * ```ts
 * cookieBytes("\x01"); // Uint8Array [1]
 * ```
 */
export function cookieBytes(value: unknown): Uint8Array {
  if (value instanceof Uint8Array) return value;
  if (typeof value === "string") return new TextEncoder().encode(value);
  return new Uint8Array();
}

/**
 * Reads a writer's cookie.
 *
 * @throws {NameError} Bad writer name (400).
 * @throws {HttpError} 404 `Writer not found` for an unknown writer or wrong secret.
 * @example
 * ```ts
 * const cookie = await readCookie(ctldb, "writer1", "secret1");
 * ```
 */
export async function readCookie(
  db: CtldbSession,
  writer: string,
  secret: string,
): Promise<Uint8Array> {
  validateWriterName(writer);
  const rows = await db.query<{ cookie: unknown }>(
    "SELECT cookie FROM mutators WHERE writer = ? AND secret = ?",
    [writer, hashSecret(secret)],
  );
  if (rows.length === 0) throw new HttpError(404, "Writer not found");
  return cookieBytes(rows[0]!.cookie);
}

/**
 * Overwrites a writer's cookie unconditionally.
 *
 * @throws {HttpError} 400 `Maximum cookie length is 1024 bytes`, 404 `Writer not found`.
 * @example
 * ```ts
 * await writeCookie(ctldb, "writer1", "secret1", new Uint8Array([1]));
 * ```
 */
export async function writeCookie(
  db: CtldbSession,
  writer: string,
  secret: string,
  cookie: Uint8Array,
): Promise<void> {
  if (cookie.length > MAX_COOKIE_BYTES) {
    throw new HttpError(400, `Maximum cookie length is ${MAX_COOKIE_BYTES} bytes`);
  }
  validateWriterName(writer);
  const { affectedRows } = await db.exec(
    "UPDATE mutators SET cookie = ?, clock = clock + 1 WHERE writer = ? AND secret = ?",
    [cookie, writer, hashSecret(secret)],
  );
  if (affectedRows === 0) throw new HttpError(404, "Writer not found");
}

/**
 * Rejects a mutation whose cookie or check cookie is longer than the column holds.
 *
 * @throws {HttpError} 400 `Maximum cookie length is 1024 bytes`.
 * @example
 * ```ts
 * checkCookieLengths(new Uint8Array([2]), null);
 * ```
 */
export function checkCookieLengths(
  cookie: Uint8Array | null,
  checkCookie: Uint8Array | null,
): void {
  for (const value of [cookie, checkCookie]) {
    if (value && value.length > MAX_COOKIE_BYTES) {
      throw new HttpError(400, `Maximum cookie length is ${MAX_COOKIE_BYTES} bytes`);
    }
  }
}

/**
 * The cookie step of a mutation (spec §7.4 step 8), inside its transaction: sets the cookie,
 * only if the stored one equals `checkCookie` when that is given.
 *
 * @throws {HttpError} 400 for an oversized cookie, 401 `Writer not found` for an unknown
 *   writer or wrong secret, 409 `Cookie conflict` when `checkCookie` does not match.
 * @example
 * ```ts
 * await swapCookie(tx, "writer1", hashSecret("secret1"), new Uint8Array([2]), new Uint8Array([1]));
 * ```
 */
export async function swapCookie(
  tx: CtldbSession,
  writer: string,
  secretHash: string,
  cookie: Uint8Array | null,
  checkCookie: Uint8Array | null,
): Promise<void> {
  checkCookieLengths(cookie, checkCookie);
  let sql = "UPDATE mutators SET cookie = ?, clock = clock + 1 WHERE writer = ? AND secret = ?";
  const params = [cookie ?? new Uint8Array(), writer, secretHash];
  if (checkCookie) {
    sql += " AND cookie = ?";
    params.push(checkCookie);
  }
  const { affectedRows } = await tx.exec(sql, params);
  if (affectedRows > 0) return;
  if (!await writerExists(tx, writer, secretHash)) throw new HttpError(401, "Writer not found");
  throw new HttpError(409, "Cookie conflict");
}
