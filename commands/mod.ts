/**
 * Every `ctlstore` subcommand, in the order `ctlstore --help` lists them.
 *
 * @module
 */
import type { Command } from "./_command.ts";
import { versionCommand } from "./version.ts";

/** The registered commands. */
export const COMMANDS: Command[] = [
  versionCommand,
];
