// deno-lint-ignore-file no-console
/**
 * `ctlstore <command> [flags]`: the single entry point of every ctlstore service and tool.
 *
 * @module
 */
import { CliError, type Command, FlagError } from "./commands/_command.ts";
import { COMMANDS } from "./commands/mod.ts";
import { formatFlagHelp, parseFlags } from "./lib/flags/mod.ts";
import { VERSION } from "./lib/version.ts";

function usage(commands: Command[], prefix: string): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  const lines = commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`);
  return `Usage: ${prefix} <command> [flags]\n\nCommands:\n${lines.join("\n")}\n\n` +
    `Run '${prefix} <command> --help' for a command's flags.`;
}

function commandHelp(command: Command, prefix: string): string {
  const args = command.args ? ` ${command.args}` : "";
  const text = [`Usage: ${prefix} ${command.name} [flags]${args}`, "", command.summary];
  if (command.description) text.push("", command.description);
  const flags = formatFlagHelp(command.flags);
  if (flags) text.push("", "Flags:", flags);
  return text.join("\n");
}

/** Runs one command line; returns the exit code. */
export async function main(
  argv: string[],
  commands = COMMANDS,
  prefix = "ctlstore",
): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined) {
    console.error(`missing command\n\n${usage(commands, prefix)}`);
    return 1;
  }
  if (name === "-h" || name === "-help" || name === "--help" || name === "help") {
    console.log(usage(commands, prefix));
    return 0;
  }
  if (name === "--version" || name === "-version") {
    console.log(VERSION);
    return 0;
  }
  const command = commands.find((c) => c.name === name);
  if (!command) {
    console.error(`unknown command: ${name}\n\n${usage(commands, prefix)}`);
    return 1;
  }
  if (command.subcommands) {
    return await main(rest, command.subcommands, `${prefix} ${command.name}`);
  }
  try {
    const parsed = parseFlags(command.flags, rest);
    if (parsed.help) {
      console.log(commandHelp(command, prefix));
      return 0;
    }
    if (command.args === undefined && parsed.positionals.length > 0) {
      throw new FlagError(`unexpected argument: ${parsed.positionals[0]}`);
    }
    return (await command.run(parsed.values, parsed.positionals)) ?? 0;
  } catch (error) {
    if (error instanceof FlagError) {
      const invocation = `${prefix} ${command.name}`;
      console.error(`${invocation}: ${error.message} (see ${invocation} --help)`);
      return 1;
    }
    if (error instanceof CliError) {
      console.error(`error: ${error.message}`);
      return error.exitCode;
    }
    console.error(`error: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  }
}

if (import.meta.main) {
  Deno.exit(await main(Deno.args));
}
