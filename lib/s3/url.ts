/**
 * Parsing of `s3://bucket/key` URLs, as the original's snapshot and bootstrap code reads them.
 *
 * @module
 */

/** The bucket and object key named by an `s3://` URL. */
export interface S3Location {
  bucket: string;
  key: string;
}

/**
 * Splits `s3://bucket/key` into bucket and key; the key is the URL path minus its leading `/`,
 * percent-decoded.
 *
 * @throws {TypeError} When the URL is not `s3://`, or has no bucket or no key.
 * @example
 * ```ts
 * parseS3Url("s3://snapshots/ctlstore/snapshot.db.gz");
 * // { bucket: "snapshots", key: "ctlstore/snapshot.db.gz" }
 * ```
 */
export function parseS3Url(url: string): S3Location {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new TypeError(`invalid S3 URL '${url}'`);
  }
  if (parsed.protocol !== "s3:") throw new TypeError(`not an s3:// URL: '${url}'`);
  const bucket = parsed.hostname;
  const key = decodeURIComponent(parsed.pathname.replace(/^\//, ""));
  if (bucket === "") throw new TypeError(`S3 URL '${url}' has no bucket`);
  if (key === "") throw new TypeError(`S3 URL '${url}' has no key`);
  return { bucket, key };
}
