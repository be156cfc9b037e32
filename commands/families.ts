// deno-lint-ignore-file no-console
/**
 * `ctlstore families`: lists the executive's families, one name per line, or with `-json`
 * every family with its tables (`GET /families`).
 *
 * @module
 */
import { stringifyGoJson } from "../lib/schema/mod.ts";
import { defineCommand } from "./_command.ts";
import { callExecutive, EXECUTIVE_FLAGS, executiveClient, JSON_FLAG } from "./_admin.ts";

/** The `families` command. */
export const familiesCommand = defineCommand({
  name: "families",
  summary: "list the families",
  description: "Prints one family name per line, sorted. With -json, prints\n" +
    '{"families":[{"name":"demo","tables":["users"]}]}: every family with its tables.',
  flags: { ...EXECUTIVE_FLAGS, ...JSON_FLAG },
  async run(values) {
    const client = executiveClient(values);
    const families = (await callExecutive(() => client.listFamilies()))!;
    if (values.json) console.log(stringifyGoJson({ families }));
    else for (const family of families) console.log(family.name);
  },
});
