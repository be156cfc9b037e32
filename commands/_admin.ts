/**
 * What the admin commands (`create-family`, `create-table`, `add-fields`, `table-limits`,
 * `writer-limits`) share: the executive flags, the client, `--field` parsing, error lines and
 * Go `tabwriter`-style tables.
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

/** `-f/--family`. */
export const FAMILY_FLAG = {
  family: { type: "string", short: "f", help: "family name" },
} as const satisfies FlagSpecs;

/** `-t/--table`. */
export const TABLE_FLAG = {
  table: { type: "string", short: "t", help: "table name" },
} as const satisfies FlagSpecs;

/** `--field name:type`, repeatable. */
export const FIELD_FLAG = {
  field: { type: "list", help: "a field as name:type (repeatable)" },
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
 * The value of a flag the command needs, or the original CLI's
 * `missing required flag: "<name>"` error.
 *
 * @example
 * ```ts
 * const family = required("accounts", "family"); // "accounts"
 * ```
 */
export function required(value: string, flag: string): string {
  if (value === "") throw new CliError(`missing required flag: "${flag}"`);
  return value;
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
    if (error instanceof ExecutiveUnreachableError) throw new CliError(error.message);
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
