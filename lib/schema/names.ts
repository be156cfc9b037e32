/**
 * Validation and normalization of family, table, field and writer names and of writer
 * secrets, with the exact messages and check order of the original ctlstore (spec §5.1).
 *
 * Family, table and field names are lower-cased (ASCII letters only) before they are checked,
 * and the lower-cased name is the one stored. Writer names are checked for length only and kept
 * as given. This module does not know about physical table names; see `table_name.ts`.
 *
 * @module
 */

/**
 * A name or secret that breaks the rules of spec §5.1. The message is the original's text.
 *
 * @example Tell a bad name from other failures
 * ```ts
 * import { LdbTestUtil, NameError } from "@ctlstore/ctlstore";
 *
 * using ldb = LdbTestUtil.create();
 * try {
 *   ldb.createTable({ family: "a", name: "users", fields: [["id", "integer"]], keyFields: ["id"] });
 * } catch (e) {
 *   if (e instanceof NameError) console.log(e.message); // Family names must be at least 3 characters
 * }
 * ```
 */
export class NameError extends Error {
  /**
   * Creates the error with the given message.
   *
   * @param message The exact user-visible text.
   * @param options Standard error options (cause).
   */
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "NameError";
  }
}

const NAME_CHARS = /^$|^[a-z][a-z0-9_]*$/;
const encoder = new TextEncoder();

function lowerAscii(name: string): string {
  return name.replace(/[A-Z]+/g, (s) => s.toLowerCase());
}

function byteLength(text: string): number {
  return encoder.encode(text).length;
}

interface NameRule {
  kind: string;
  min: number;
  max: number;
  singleUnderscore: boolean;
}

function normalizeName(name: string, rule: NameRule): string {
  const lowered = lowerAscii(name);
  if (rule.singleUnderscore) {
    if (lowered.includes("__") || !NAME_CHARS.test(lowered)) {
      throw new NameError(
        `${rule.kind} names must be only letters, numbers, and single underscore`,
      );
    }
  } else if (!NAME_CHARS.test(lowered)) {
    throw new NameError(`${rule.kind} names must be only letters, numbers, and underscore`);
  }
  const length = byteLength(lowered);
  if (length > rule.max) {
    throw new NameError(`${rule.kind} names can only be up to ${rule.max} characters`);
  }
  if (length < rule.min) {
    throw new NameError(`${rule.kind} names must be at least ${rule.min} characters`);
  }
  return lowered;
}

/**
 * Lower-cases and validates a family name (3–30 bytes, `^[a-z][a-z0-9_]*$`, no `__`).
 *
 * @param name The name as given by the user.
 * @returns The lower-cased name.
 * @throws {NameError} With the original's message when the name is invalid.
 *
 * @example Normalize a family name
 * ```ts
 * import { normalizeFamilyName } from "./names.ts";
 *
 * console.log(normalizeFamilyName("MyFamily")); // "myfamily"
 * ```
 */
export function normalizeFamilyName(name: string): string {
  return normalizeName(name, { kind: "Family", min: 3, max: 30, singleUnderscore: true });
}

/**
 * Lower-cases and validates a table name (3–50 bytes, `^[a-z][a-z0-9_]*$`, no `__`).
 *
 * @param name The name as given by the user.
 * @returns The lower-cased name.
 * @throws {NameError} With the original's message when the name is invalid.
 *
 * @example Normalize a table name
 * ```ts
 * import { normalizeTableName } from "./names.ts";
 *
 * console.log(normalizeTableName("Users")); // "users"
 * ```
 */
export function normalizeTableName(name: string): string {
  return normalizeName(name, { kind: "Table", min: 3, max: 50, singleUnderscore: true });
}

/**
 * Lower-cases and validates a field (column) name (1–64 bytes, `^[a-z][a-z0-9_]*$`; double
 * underscores are allowed).
 *
 * @param name The name as given by the user.
 * @returns The lower-cased name.
 * @throws {NameError} With the original's message when the name is invalid.
 *
 * @example Normalize a field name
 * ```ts
 * import { normalizeFieldName } from "./names.ts";
 *
 * console.log(normalizeFieldName("User__ID")); // "user__id"
 * ```
 */
export function normalizeFieldName(name: string): string {
  return normalizeName(name, { kind: "Field", min: 1, max: 64, singleUnderscore: false });
}

/**
 * Validates a writer name: 3–50 bytes, any characters, not lower-cased.
 *
 * @param name The writer name as given.
 * @returns The same name, unchanged.
 * @throws {NameError} When the name is shorter than 3 or longer than 50 bytes.
 *
 * @example Validate a writer name
 * ```ts
 * import { validateWriterName } from "./names.ts";
 *
 * console.log(validateWriterName("My-Writer")); // "My-Writer"
 * ```
 */
export function validateWriterName(name: string): string {
  const length = byteLength(name);
  if (length > 50) throw new NameError("Writer names can only be up to 50 characters");
  if (length < 3) throw new NameError("Writer names must be at least 3 characters");
  return name;
}

/**
 * Validates a writer secret: 3–100 bytes.
 *
 * @param secret The raw secret.
 * @throws {NameError} When the secret is shorter than 3 or longer than 100 bytes.
 *
 * @example Validate a secret
 * ```ts
 * import { validateWriterSecret } from "./names.ts";
 *
 * validateWriterSecret("mysecret"); // passes
 * ```
 */
export function validateWriterSecret(secret: string): void {
  const length = byteLength(secret);
  if (length < 3) throw new NameError("Secret should be at least 3 characters");
  if (length > 100) throw new NameError("Secret can be at most 100 characters");
}

/**
 * The family `ctlstore heartbeat` writes to unless given `-family-name`. Partial LDBs carry it
 * unless told otherwise, so their ledger latency keeps being fed by heartbeats.
 *
 * @example
 * ```ts
 * import { DEFAULT_HEARTBEAT_FAMILY } from "./names.ts";
 *
 * console.log(DEFAULT_HEARTBEAT_FAMILY); // "ctlstore"
 * ```
 */
export const DEFAULT_HEARTBEAT_FAMILY = "ctlstore";
