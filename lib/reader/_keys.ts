/**
 * Key parts of reader calls: accepting them as arguments or as one array, checking their
 * types, and converting them for binding (spec §15.3 step 3). Private to the reader.
 *
 * @module
 */
import type { SQLInputValue } from "node:sqlite";
import { isInt64 } from "../schema/mod.ts";
import { ReaderError } from "./errors.ts";
import type { TableEntry } from "./_table.ts";
import type { KeyArgs, KeyPart } from "./types.ts";

const encoder = new TextEncoder();

/** The key parts of a call, given as arguments or as one array. */
export function keyParts(key: KeyArgs): readonly KeyPart[] {
  return key.length === 1 && Array.isArray(key[0]) ? key[0] : key as KeyPart[];
}

/** Checks key part types; converts strings for binary key columns and booleans. */
export function bindable(entry: TableEntry, parts: readonly KeyPart[]): readonly SQLInputValue[] {
  let out: SQLInputValue[] | undefined;
  for (let i = 0; i < parts.length; i++) {
    const part: unknown = parts[i];
    let value: SQLInputValue;
    switch (typeof part) {
      case "number":
        continue;
      case "bigint":
        if (isInt64(part)) continue;
        throw new ReaderError(
          "bad-key",
          `key part ${part} is outside the range of a 64-bit integer`,
        );
      case "string":
        if (!entry.binaryKey[i]) continue;
        value = encoder.encode(part);
        break;
      case "boolean":
        value = part ? 1 : 0;
        break;
      case "object":
        if (part === null || part instanceof Uint8Array) continue;
        throw new ReaderError("bad-key", `unsupported key part type: ${part.constructor?.name}`);
      default:
        throw new ReaderError("bad-key", `unsupported key part type: ${typeof part}`);
    }
    out ??= parts.slice() as SQLInputValue[];
    out[i] = value;
  }
  return (out ?? parts) as readonly SQLInputValue[];
}
