// deno-lint-ignore-file no-console
/**
 * What `mutate` and `delete-row` share: their flags, turning `name=value`, `name:=<json>` and
 * `-row '<json object>'` into the values of one row, and writing it as one mutation.
 *
 * @module
 */
import type { Mutation } from "../lib/client/mod.ts";
import { FlagError, type FlagValues, missingFlagsMessage } from "../lib/flags/mod.ts";
import { errorMessage } from "../lib/log/mod.ts";
import { parseJsonExact, stringifyGoJson } from "../lib/schema/mod.ts";
import { CliError } from "./_command.ts";
import {
  callExecutive,
  EXECUTIVE_FLAGS,
  executiveClient,
  FAMILY_FLAG,
  JSON_FLAG,
  SECRET_FLAG,
  TABLE_FLAG,
  WRITER_FLAG,
} from "./_admin.ts";

/** The flags of a one-row write: executive, family, table, writer, secret and `-json`. */
export const ROW_WRITE_FLAGS = {
  ...EXECUTIVE_FLAGS,
  ...FAMILY_FLAG,
  ...TABLE_FLAG,
  ...WRITER_FLAG,
  ...SECRET_FLAG,
  ...JSON_FLAG,
} as const;

/** Digits only, as JSON writes an integer, and no `-0`: sent as an integer. */
const INTEGER_TEXT = /^(0|-?[1-9]\d*)$/;

function integer(text: string): number | bigint {
  const value = BigInt(text);
  return Number.isSafeInteger(Number(value)) ? Number(value) : value;
}

/**
 * Parses one `name=value` or `name:=<json>` of a `-set` or `-key` flag. A `value` of digits
 * only (`42`, `-7`, beyond 2^53 too) is an integer and anything else a string; `:=` takes any
 * JSON value (`1.5`, `true`, `null`, `"0042"`).
 *
 * @throws {CliError} When there is no `=`, no name, or the JSON is malformed.
 * @example
 * ```ts
 * parseAssignment("id=42", "set"); // ["id", 42]
 * parseAssignment("name=ada", "set"); // ["name", "ada"]
 * parseAssignment("score:=1.5", "set"); // ["score", 1.5]
 * ```
 */
export function parseAssignment(text: string, flag: string): [string, unknown] {
  const eq = text.indexOf("=");
  const isJson = eq > 0 && text[eq - 1] === ":";
  const name = eq < 0 ? "" : text.slice(0, isJson ? eq - 1 : eq);
  if (name === "") {
    throw new CliError(`invalid -${flag} '${text}': expected name=value or name:=<json>`);
  }
  const value = text.slice(eq + 1);
  if (!isJson) return [name, INTEGER_TEXT.test(value) ? integer(value) : value];
  try {
    return [name, parseJsonExact(value)];
  } catch (error) {
    throw new CliError(`invalid -${flag} '${text}': ${errorMessage(error)}`);
  }
}

/**
 * The values of a row: the `-row` JSON object, if any, then each assignment over it.
 *
 * @param assignments The `-set` (or `-key`) flags.
 * @param flag The assignments' flag name, for messages.
 * @param row The `-row` flag (a JSON object, or empty); `undefined` when the command has none.
 * @throws {CliError} When `-row` is not a JSON object or an assignment is malformed.
 * @throws {FlagError} When there are no values at all.
 * @example
 * ```ts
 * rowValues(["name=ada"], "set", '{"id":1}'); // { id: 1, name: "ada" }
 * ```
 */
export function rowValues(
  assignments: string[],
  flag: string,
  row?: string,
): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  if (row) {
    let parsed: unknown;
    try {
      parsed = parseJsonExact(row);
    } catch (error) {
      throw new CliError(`invalid -row: ${errorMessage(error)}`);
    }
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
      throw new CliError("invalid -row: expected a JSON object");
    }
    Object.assign(values, parsed);
  }
  for (const text of assignments) {
    const [name, value] = parseAssignment(text, flag);
    values[name] = value;
  }
  if (Object.keys(values).length === 0) {
    throw new FlagError(missingFlagsMessage([flag]) + (row === undefined ? "" : " or -row"));
  }
  return values;
}

/**
 * Writes one mutation as the writer the flags name and prints its ledger seq: a line with the
 * number, or `{"seq":N}` with `-json` (nothing, or `{}`, from an executive that reports none).
 *
 * @param flags The command's flag values.
 * @param mutation The mutation of the flags' table.
 * @throws {CliError} For the executive's refusal.
 * @example
 * ```ts
 * await writeRow(values, (table) => ({ table, values: { id: 1, name: "ada" } }));
 * ```
 */
export async function writeRow(
  flags: FlagValues<typeof ROW_WRITE_FLAGS>,
  mutation: (table: string) => Mutation,
): Promise<void> {
  const { family, writer, secret } = flags;
  const request = { mutations: [mutation(flags.table)] };
  const client = executiveClient(flags);
  const { seq } = (await callExecutive(() => client.mutate(family, { writer, secret }, request)))!;
  if (flags.json) console.log(stringifyGoJson(seq === undefined ? {} : { seq }));
  else if (seq !== undefined) console.log(seq);
}
