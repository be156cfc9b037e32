// deno-lint-ignore-file no-console
/**
 * `ctlstore ctldb-schema`: prints a ctldb's DDL (spec §2.10), MySQL's unless `-dialect` names
 * another system of record.
 *
 * @module
 */
import { adapterNamed, CTLDB_DIALECTS, DEFAULT_CTLDB_DIALECT } from "../lib/ctldb/mod.ts";
import { CliError, defineCommand } from "./_command.ts";

/**
 * The `ctldb-schema` command: prints the schema of `-dialect` (default `mysql`) and a newline.
 *
 * @example
 * ```ts
 * import { ctldbSchemaCommand } from "./ctldb_schema.ts";
 *
 * await ctldbSchemaCommand.run({ dialect: "postgres" }, []);
 * ```
 */
export const ctldbSchemaCommand = defineCommand({
  name: "ctldb-schema",
  summary: "print the ctldb schema (DDL)",
  description: "Prints the DDL of the ctldb system-of-record tables. The executive also creates " +
    "them on an empty database by itself.",
  flags: {
    dialect: {
      type: "string",
      default: DEFAULT_CTLDB_DIALECT,
      help: `the system of record: ${CTLDB_DIALECTS.join(", ")}`,
    },
  },
  run(values) {
    let schema: string;
    try {
      schema = adapterNamed(values.dialect).schemaSql;
    } catch (error) {
      if (error instanceof TypeError) throw new CliError(error.message);
      throw error;
    }
    console.log(schema);
    return Promise.resolve();
  },
});
