/**
 * `ctlstore add-fields -f F -t T --field name:type…`: asks the executive to add columns to a
 * table (spec §3).
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
  TABLE_FLAG,
} from "./_admin.ts";

/** The `add-fields` command. */
export const addFieldsCommand = defineCommand({
  name: "add-fields",
  summary: "add fields to an existing table",
  description: "Makes an HTTP request to the executive to add fields to an existing table.\n\n" +
    "Example:\n\n  ctlstore add-fields --family foo --table bar --field name:string",
  flags: { ...EXECUTIVE_FLAGS, ...FAMILY_FLAG, ...TABLE_FLAG, ...FIELD_FLAG },
  async run(values) {
    const fields = parseFields(values.field);
    const client = executiveClient(values);
    await callExecutive(() => client.addFields(values.family, values.table, fields), {
      409: () => {
        throw new CliError("One or more columns already exist");
      },
    });
  },
});
