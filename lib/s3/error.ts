/**
 * The error of a failed S3 request, carrying the HTTP status and S3 error code.
 *
 * @module
 */

/**
 * An S3 request answered with a non-success status (or a malformed answer, status 0).
 *
 * @example
 * ```ts
 * try {
 *   await new S3Client().getObject("bucket", "missing.db");
 * } catch (error) {
 *   if (error instanceof S3Error && error.status === 404) console.log("no snapshot yet");
 * }
 * ```
 */
export class S3Error extends Error {
  /**
   * @param status The HTTP status of the answer.
   * @param code The S3 error code (`NoSuchKey`, `AccessDenied`, ...), or `""` when absent.
   * @param message What failed, naming the operation and object.
   */
  constructor(readonly status: number, readonly code: string, message: string) {
    super(message);
    this.name = "S3Error";
  }
}
