// deno-lint-ignore-file no-console
/**
 * `ctlstore create-family <name>`: asks the executive to create a table family (spec §3).
 *
 * @module
 */
import { CliError, defineCommand } from "./_command.ts";
import { callExecutive, EXECUTIVE_FLAGS, executiveClient } from "./_admin.ts";

/** The `create-family` command. */
export const createFamilyCommand = defineCommand({
  name: "create-family",
  summary: "create a new table family",
  args: "<name>",
  description: "Makes an HTTP request to the executive to create a new table family.\n" +
    "Prints 'Family already exists' (exit 0) when it does.",
  flags: { ...EXECUTIVE_FLAGS },
  async run(values, positionals) {
    if (positionals.length !== 1) throw new CliError("Family required");
    const family = positionals[0]!;
    const client = executiveClient(values);
    await callExecutive(() => client.createFamily(family), {
      409: () => console.log("Family already exists"),
    });
  },
});
