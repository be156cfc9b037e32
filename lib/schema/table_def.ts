/**
 * Table definition rules shared by the executive and `LdbTestUtil` (spec §5.3, §7.3): the
 * `[name, type]` field pairs and the primary-key rules, with the original's messages.
 * Name validation itself is `names.ts`.
 *
 * @module
 */
import { canBeKey, type FieldType, isFieldType } from "./field_types.ts";
import type { FieldDef } from "./sql_gen.ts";

/**
 * A table definition that breaks the rules; the message is the original's text.
 *
 * @example Report a bad table definition
 * ```ts
 * import { LdbTestUtil, TableDefinitionError } from "@ctlstore/ctlstore";
 *
 * using ldb = LdbTestUtil.create();
 * try {
 *   ldb.createTable({
 *     family: "games",
 *     name: "scores",
 *     fields: [["score", "decimal"]],
 *     keyFields: ["score"],
 *   });
 * } catch (e) {
 *   if (e instanceof TableDefinitionError) console.log(e.message); // Fields of type 'decimal' cannot be a key field
 * }
 * ```
 */
export class TableDefinitionError extends Error {
  /**
   * Creates the error.
   *
   * @param message The original's text.
   */
  constructor(message: string) {
    super(message);
    this.name = "TableDefinitionError";
  }
}

/**
 * Turns the `index`-th `[name, type]` pair of a request into a field (name not yet validated).
 *
 * @throws {TableDefinitionError} `Field #<i> is malformed: expected 2 elements, got <n>` or
 *   `Field #<i>: Type '<t>' unknown`.
 * @example
 * ```ts
 * unzipFieldPair(["id", "integer"], 0); // { name: "id", type: "integer" }
 * ```
 */
export function unzipFieldPair(pair: readonly string[], index: number): FieldDef {
  if (pair.length !== 2) {
    throw new TableDefinitionError(
      `Field #${index} is malformed: expected 2 elements, got ${pair.length}`,
    );
  }
  const [name, type] = pair as [string, string];
  if (!isFieldType(type)) throw new TableDefinitionError(`Field #${index}: Type '${type}' unknown`);
  return { name, type: type as FieldType };
}

/**
 * Requires at least one key field; checked before the family exists, as the original does.
 *
 * @throws {TableDefinitionError} `table must have at least one key field`.
 * @example
 * ```ts
 * requireKeyFields(["id"]);
 * ```
 */
export function requireKeyFields(keyFields: readonly string[]): void {
  if (keyFields.length === 0) {
    throw new TableDefinitionError("table must have at least one key field");
  }
}

/**
 * Checks the key fields of a table against its (normalized) fields: at least one, each declared
 * as a field, each of a key type, none listed twice.
 *
 * @throws {TableDefinitionError} With the original's message for the first broken rule.
 * @example
 * ```ts
 * checkKeyFields([{ name: "id", type: "integer" }], ["id"]);
 * ```
 */
export function checkKeyFields(fields: readonly FieldDef[], keyFields: readonly string[]): void {
  requireKeyFields(keyFields);
  const seen = new Set<string>();
  for (const key of keyFields) {
    const field = fields.find((f) => f.name === key);
    if (!field) {
      throw new TableDefinitionError(`Primary key field '${key}' not specified as a field`);
    }
    if (!canBeKey(field.type)) {
      throw new TableDefinitionError(`Fields of type '${field.type}' cannot be a key field`);
    }
    if (seen.has(key)) {
      throw new TableDefinitionError(`Key field '${key}' is listed more than once`);
    }
    seen.add(key);
  }
}
