// deno-lint-ignore-file no-console
/**
 * `ctlstore ctldb-schema`: prints the MySQL ctldb DDL (spec §2.10).
 *
 * @module
 */
import { MYSQL_CTLDB_SCHEMA } from "../lib/ctldb/schema_sql.ts";
import { defineCommand } from "./_command.ts";

/**
 * The `ctldb-schema` command: prints {@linkcode MYSQL_CTLDB_SCHEMA} and a newline.
 *
 * @example
 * ```ts
 * import { ctldbSchemaCommand } from "./ctldb_schema.ts";
 *
 * await ctldbSchemaCommand.run({}, []);
 * ```
 */
export const ctldbSchemaCommand = defineCommand({
  name: "ctldb-schema",
  summary: "print the MySQL ctldb schema (DDL)",
  description: "Prints the DDL of the ctldb system-of-record tables. The executive also creates " +
    "them on an empty database by itself.",
  flags: {},
  run() {
    console.log(MYSQL_CTLDB_SCHEMA);
    return Promise.resolve();
  },
});
