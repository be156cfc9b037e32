// deno-lint-ignore-file no-console
/**
 * `ctlstore version`: prints the version.
 *
 * @module
 */
import { VERSION } from "../lib/version.ts";
import { defineCommand } from "./_command.ts";

/** The `version` command. */
export const versionCommand = defineCommand({
  name: "version",
  summary: "print the version",
  flags: {},
  run() {
    console.log(VERSION);
    return Promise.resolve();
  },
});
