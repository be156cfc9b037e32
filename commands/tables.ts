// deno-lint-ignore-file no-console
/**
 * `ctlstore tables -family F`: lists a family's tables, one name per line, or as JSON with
 * `-json` (`GET /families/<family>/tables`).
 *
 * @module
 */
import { stringifyGoJson } from "../lib/schema/mod.ts";
import { defineCommand } from "./_command.ts";
import {
  callExecutive,
  EXECUTIVE_FLAGS,
  executiveClient,
  FAMILY_FLAG,
  JSON_FLAG,
} from "./_admin.ts";

/** The `tables` command. */
export const tablesCommand = defineCommand({
  name: "tables",
  summary: "list the tables of a family",
  description: "Prints one table name per line, sorted. With -json, prints\n" +
    '{"name":"demo","tables":["users"]}. An unknown family fails with the executive\'s 404.',
  flags: { ...EXECUTIVE_FLAGS, ...FAMILY_FLAG, ...JSON_FLAG },
  async run(values) {
    const client = executiveClient(values);
    const listing = (await callExecutive(() => client.listTables(values.family)))!;
    if (values.json) console.log(stringifyGoJson(listing));
    else for (const table of listing.tables) console.log(table);
  },
});
