// deno-lint-ignore-file no-console
/**
 * `ctlstore ldb-read-key`: prints one LDB row as JSON (spec §2.11; the original is a stub).
 *
 * @module
 */
import type { KeyPart } from "../lib/mod.ts";
import {
  coerceFieldValue,
  parseJsonExact,
  stringifyGoJson,
  ValueError,
} from "../lib/schema/mod.ts";
import { CliError, defineCommand } from "./_command.ts";
import { checkKeyLength, openReader, readerCall } from "./_ldb.ts";

const KEY_OBJECT_FIELDS = new Set(["value", "binary"]);

/**
 * Turns `-key-json` into key parts: a JSON array of scalars, or of `{"Binary": "<base64>"}` /
 * `{"Value": <scalar>}` objects as in sidecar requests (names matched case-insensitively).
 *
 * @example
 * ```ts
 * parseKeyJson('["a", {"Binary": "AQI="}, 42]'); // ["a", Uint8Array [1, 2], 42]
 * ```
 */
function parseKeyJson(text: string): KeyPart[] {
  let parsed: unknown;
  try {
    parsed = parseJsonExact(text);
  } catch (error) {
    throw new CliError(`invalid -key-json: ${(error as Error).message}`);
  }
  if (!Array.isArray(parsed)) throw new CliError("invalid -key-json: expected a JSON array");
  return parsed.map((item: unknown, i) => {
    if (item === null || typeof item !== "object") return item as KeyPart;
    if (Array.isArray(item)) throw new CliError(`invalid -key-json: key #${i} is not a scalar`);
    const unknown = Object.keys(item).find((k) => !KEY_OBJECT_FIELDS.has(k.toLowerCase()));
    if (unknown !== undefined) {
      throw new CliError(`invalid -key-json: key #${i} has an unknown field '${unknown}'`);
    }
    const fields = new Map(Object.entries(item).map(([k, v]) => [k.toLowerCase(), v]));
    const binary = fields.get("binary");
    if (binary !== undefined && binary !== null) {
      try {
        return coerceFieldValue("binary", `key #${i}`, binary) as KeyPart;
      } catch (error) {
        if (error instanceof ValueError) throw new CliError(`invalid -key-json: ${error.message}`);
        throw error;
      }
    }
    const value = fields.get("value") ?? null;
    if (value !== null && typeof value === "object") {
      throw new CliError(`invalid -key-json: key #${i} is not a scalar`);
    }
    return value as KeyPart;
  });
}

/** The `ldb-read-key` command. */
export const ldbReadKeyCommand = defineCommand({
  name: "ldb-read-key",
  summary: "print one LDB row, found by its primary key, as JSON",
  description:
    "Reads a row from a local LDB and prints it as one JSON object (keys sorted, blobs " +
    "as base64, exact 64-bit integers). Exits 1 with 'Not found' when no row has the key.\n" +
    `Example: ctlstore ldb-read-key -ldb-path ldb.db -family f -table t -key-json '[42]'`,
  flags: {
    "ldb-path": { type: "string", help: "path to the LDB file", required: true },
    family: { type: "string", help: "family name", required: true },
    table: { type: "string", help: "table name", required: true },
    "key-json": {
      type: "string",
      help: 'the primary key as a JSON array, e.g. [42] or ["a", {"Binary": "AQI="}]',
      required: true,
    },
  },
  run(values) {
    const key = parseKeyJson(values["key-json"]);
    using reader = openReader(values["ldb-path"], "Error opening reader: ");
    checkKeyLength(readerCall(() => reader.tableInfo(values.family, values.table)), key.length);
    const row = readerCall(() => reader.getRowByKey(values.family, values.table, key));
    if (row === undefined) throw new CliError("Not found");
    console.log(stringifyGoJson(row, { sortKeys: true }));
    return Promise.resolve();
  },
});
