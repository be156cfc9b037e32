/**
 * What a ctldb failure means to an executive client: the one mapping from a `CtldbError`'s
 * kind to an HTTP error. The system of record unreachable is 503; on the mutation path a
 * missing table is 404 `Table not found: <table>` and a value the column refuses is 400
 * `dml exec error: <database message>` (as the original). Duplicates (409) are answered by the
 * operation that knows what was duplicated (family, writer, table, column).
 *
 * @module
 */
import { CtldbError } from "../ctldb/mod.ts";
import { HttpError } from "../http/mod.ts";

/** What the failing statement was doing, for the messages that name it. */
export interface CtldbErrorContext {
  /** The request's table name (normalized): a missing table is a 404 naming it. */
  table?: string;
}

/**
 * The HTTP error a ctldb failure means, or `undefined` when it is not a ctldb failure with a
 * client-facing meaning (the caller rethrows it; the route answers 500).
 *
 * @param error What was thrown.
 * @param context The table the statement wrote, on the mutation path.
 * @returns 503, 404 or 400 as described in the module doc, else `undefined`.
 *
 * @example
 * ```ts
 * import { CtldbError } from "../ctldb/mod.ts";
 * import { ctldbHttpError } from "./ctldb_errors.ts";
 *
 * ctldbHttpError(new CtldbError("no-such-table", "no such table"), { table: "t1" })?.status; // 404
 * ctldbHttpError(new CtldbError("bad-value", "Data too long"))?.message; // dml exec error: Data too long
 * ```
 */
export function ctldbHttpError(
  error: unknown,
  context: CtldbErrorContext = {},
): HttpError | undefined {
  if (!(error instanceof CtldbError)) return undefined;
  switch (error.kind) {
    case "unavailable":
    case "unknown-database":
      return new HttpError(503, error.message, { cause: error });
    case "no-such-table":
      return context.table === undefined
        ? undefined
        : new HttpError(404, `Table not found: ${context.table}`, { cause: error });
    case "bad-value":
      return new HttpError(400, `dml exec error: ${error.message}`, { cause: error });
    default:
      return undefined;
  }
}
