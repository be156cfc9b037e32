/**
 * The one place a thrown value gets the status and the words the console answers with: its own
 * {@linkcode HttpError}s keep theirs, reader errors become the client error they stand for (bad
 * names and keys 400, unknown tables 404, history no longer retained 410, no change history 501,
 * …), a damaged LDB 503, and
 * anything else is a 500 whose message the operator sees in a sentence, never a stack trace.
 *
 * @module
 */
import { HttpError } from "../http/mod.ts";
import { isCorruptionError } from "../ldb/mod.ts";
import { errorMessage } from "../log/mod.ts";
import { ReaderError } from "../reader/mod.ts";

/** What is asked for, to name it in a "not found" message. */
export interface Asked {
  family?: string | undefined;
  table?: string | undefined;
}

function named(asked: Asked): string {
  if (asked.family !== undefined && asked.table !== undefined) {
    return `Table "${asked.family}.${asked.table}"`;
  }
  if (asked.family !== undefined) return `Family "${asked.family}"`;
  return "The table";
}

/**
 * Maps any error to the {@linkcode HttpError} the console answers with.
 *
 * @param error What was thrown.
 * @param asked The family and table of the request, for the messages.
 * @example
 * ```ts
 * toConsoleError(new ReaderError("table-not-found", "Table not found"), { family: "a", table: "b" });
 * // HttpError 404 'Table "a.b" is not in the LDB'
 * ```
 */
export function toConsoleError(error: unknown, asked: Asked = {}): HttpError {
  if (error instanceof HttpError) return error;
  if (error instanceof ReaderError) {
    const options = { cause: error };
    switch (error.code) {
      case "bad-name":
        return new HttpError(400, `Invalid name: ${error.message}`, options);
      case "bad-key":
        return new HttpError(400, `Invalid key: ${error.message}`, options);
      case "table-not-found":
        return new HttpError(404, `${named(asked)} is not in the LDB`, options);
      case "family-not-carried":
        return new HttpError(404, error.message, options);
      case "no-primary-key":
      case "bad-schema":
        return new HttpError(422, `${named(asked)} cannot be read: ${error.message}`, options);
      case "history-gone":
        return new HttpError(410, error.message, options);
      case "no-change-history":
        return new HttpError(501, `No history to show: ${error.message}`, options);
      case "no-ledger-updates":
        return new HttpError(503, "The LDB has not applied any ledger statement yet", options);
      case "closed":
        return new HttpError(503, "The console is shutting down", options);
      default:
        break;
    }
  }
  if (isCorruptionError(error)) {
    return new HttpError(503, `The LDB is damaged or unreadable: ${errorMessage(error)}`, {
      cause: error,
    });
  }
  return new HttpError(500, `Something went wrong: ${errorMessage(error)}`, { cause: error });
}
