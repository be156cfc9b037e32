/**
 * What the admin commands (`create-family`, `create-table`, `add-fields`, `table-limits`,
 * `writer-limits`, `families`, `tables`, `writers`, `mutate`, `delete-row`) share: the executive,
 * family, table, writer and `-json` flags, the client, `--field` parsing, error lines and Go
 * `tabwriter`-style tables.
 *
 * @module
 */
import {
  DEFAULT_EXECUTIVE_ADDRESS,
  ExecutiveClient,
  ExecutiveError,
  ExecutiveUnreachableError,
  type FieldTuple,
} from "../lib/client/mod.ts";
import type { FlagSpecs } from "../lib/flags/mod.ts";
import { errorMessage } from "../lib/log/mod.ts";
import { CliError } from "./_command.ts";

/** `-e/--executive` and `--admin-token`, on every admin command that calls the executive. */
export const EXECUTIVE_FLAGS = {
  executive: {
    type: "string",
    short: "e",
    help: "executive address; http:// is prepended unless it starts with http:// or https://",
    default: DEFAULT_EXECUTIVE_ADDRESS,
  },
  "admin-token": {
    type: "string",
    help: "admin token, sent as 'Authorization: Bearer <token>'",
  },
} as const satisfies FlagSpecs;

/** `-f/--family`, required. */
export const FAMILY_FLAG = {
  family: { type: "string", short: "f", help: "family name", required: true },
} as const satisfies FlagSpecs;

/** `-t/--table`, required. */
export const TABLE_FLAG = {
  table: { type: "string", short: "t", help: "table name", required: true },
} as const satisfies FlagSpecs;

/** `-writer`, required. */
export const WRITER_FLAG = {
  writer: { type: "string", help: "writer name", required: true },
} as const satisfies FlagSpecs;

/** `-secret`, a writer's secret, required. */
export const SECRET_FLAG = {
  secret: {
    type: "string",
    help: "the writer's secret (the environment variable keeps it out of the process list)",
    required: true,
  },
} as const satisfies FlagSpecs;

/** `-json`: print the answer as JSON instead of plain lines. */
export const JSON_FLAG = {
  json: { type: "bool", help: "print JSON instead of one line per item" },
} as const satisfies FlagSpecs;

/** `--field name:type`, repeatable; at least one is required. */
export const FIELD_FLAG = {
  field: { type: "list", help: "a field as name:type (repeatable)", required: true },
} as const satisfies FlagSpecs;

/** The whole invocation gets 30 s, as the original `ctlstore-cli`. */
const INVOCATION_TIMEOUT_MS = 30_000;

/**
 * A client for the executive named by the flags.
 *
 * @throws {CliError} When the address is not a valid URL.
 * @example
 * ```ts
 * const client = executiveClient({ executive: "localhost:3000", "admin-token": "" });
 * ```
 */
export function executiveClient(
  values: { executive: string; "admin-token": string },
): ExecutiveClient {
  try {
    return new ExecutiveClient(values.executive, {
      adminToken: values["admin-token"] || undefined,
      signal: AbortSignal.timeout(INVOCATION_TIMEOUT_MS),
    });
  } catch (error) {
    throw new CliError(errorMessage(error));
  }
}

/**
 * Parses `--field` values: each must be exactly `name:type`.
 *
 * @throws {CliError} `invalid field: <value>` otherwise.
 * @example
 * ```ts
 * parseFields(["id:integer", "name:string"]); // [["id", "integer"], ["name", "string"]]
 * ```
 */
export function parseFields(values: string[]): FieldTuple[] {
  return values.map((value) => {
    const parts = value.split(":");
    if (parts.length !== 2) throw new CliError(`invalid field: ${value}`);
    return [parts[0]!, parts[1]!];
  });
}

/**
 * Runs an executive call, turning its failures into one-line CLI errors. `onStatus` may handle
 * a status (e.g. 409) itself: the call then resolves `undefined` (unless the handler throws).
 *
 * @example
 * ```ts
 * await callExecutive(() => client.createFamily("accounts"), {
 *   409: () => console.log("Family already exists"),
 * });
 * ```
 */
export async function callExecutive<T>(
  call: () => Promise<T>,
  onStatus: Record<number, () => void> = {},
): Promise<T | undefined> {
  try {
    return await call();
  } catch (error) {
    if (error instanceof ExecutiveError) {
      const handler = onStatus[error.status];
      if (handler) {
        handler();
        return undefined;
      }
      throw new CliError(error.message);
    }
    if (error instanceof ExecutiveUnreachableError) {
      const at = error.url === undefined ? "" : ` at ${error.url}`;
      throw new CliError(`cannot reach the executive${at}: ${error.reason}`);
    }
    throw error;
  }
}

/**
 * Lays out rows like Go's `tabwriter` with padding 1: every column but the last is padded to
 * its widest cell plus one space. Each line ends with `\n`.
 *
 * @example
 * ```ts
 * formatTable([["WRITER", "LIMIT"], ["------", "-----"], ["w1", "10/1m0s"]]);
 * // "WRITER LIMIT\n------ -----\nw1     10/1m0s\n"
 * ```
 */
export function formatTable(rows: string[][]): string {
  const widths: number[] = [];
  for (const row of rows) {
    row.forEach((cell, i) => {
      if (i < row.length - 1) widths[i] = Math.max(widths[i] ?? 0, cell.length);
    });
  }
  return rows.map((row) =>
    row.map((cell, i) => i < row.length - 1 ? cell.padEnd(widths[i]! + 1) : cell).join("") + "\n"
  ).join("");
}
