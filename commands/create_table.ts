// deno-lint-ignore-file no-console
/**
 * `ctlstore create-table <name> -f F --field name:type… --key-field name…`: asks the executive
 * to create a table (spec §3).
 *
 * @module
 */
import { CliError, defineCommand } from "./_command.ts";
import {
  callExecutive,
  EXECUTIVE_FLAGS,
  executiveClient,
  FAMILY_FLAG,
  FIELD_FLAG,
  parseFields,
} from "./_admin.ts";

/** The `create-table` command. */
export const createTableCommand = defineCommand({
  name: "create-table",
  summary: "create a new table",
  args: "<name>",
  description: "Makes an HTTP request to the executive to create a new table.\n\n" +
    "Example:\n\n" +
    "  ctlstore create-table --family foo --field name:string --field foo:integer " +
    "--key-field name testtable\n\n" +
    "Resulting ledger statement (LDB schema):\n\n" +
    '  CREATE TABLE foo___testtable ("name" VARCHAR(191), "foo" INTEGER, PRIMARY KEY("name"));\n\n' +
    "Prints 'Table already exists' (exit 0) when it does.",
  flags: {
    ...EXECUTIVE_FLAGS,
    ...FAMILY_FLAG,
    ...FIELD_FLAG,
    "key-field": {
      type: "list",
      help: "a primary key field name (repeatable, in key order)",
      required: true,
    },
  },
  async run(values, positionals) {
    const fields = parseFields(values.field);
    if (positionals.length !== 1) throw new CliError("Table required");
    const table = positionals[0]!;
    const client = executiveClient(values);
    await callExecutive(
      () => client.createTable(values.family, table, { fields, keyFields: values["key-field"] }),
      { 409: () => console.log("Table already exists") },
    );
  },
});
