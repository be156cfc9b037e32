/**
 * The command frame every subcommand uses: flags in, a run function, help and exit codes.
 *
 * @module
 */
import { FlagError, type FlagSpecs, type FlagValues } from "../lib/flags/mod.ts";

/** One `ctlstore <command>`. */
export interface Command<S extends FlagSpecs = FlagSpecs> {
  /** The word typed after `ctlstore`. */
  name: string;
  /** One line for `ctlstore --help`. */
  summary: string;
  /**
   * Positional arguments in the usage line, e.g. `<name>`. Without it the command takes none,
   * and `main.ts` refuses any given (`unexpected argument: <arg>`).
   */
  args?: string;
  /** Longer text printed by `<command> --help` above the flags. */
  description?: string;
  flags: S;
  /** Runs the command; the returned number is the exit code (default 0). */
  run(flags: FlagValues<S>, positionals: string[]): Promise<number | void>;
  /** Sub-commands (`table-limits read`), used instead of `run` when present. */
  subcommands?: Command[];
}

/** Declares a command with its flag types inferred. */
export function defineCommand<S extends FlagSpecs>(command: Command<S>): Command {
  return command as unknown as Command;
}

/**
 * A failure to report as one line on stderr with exit code 1 (no stack trace, no usage).
 *
 * @example
 * ```ts
 * throw new CliError("could not create family 'abc': server returned [500]: boom");
 * ```
 */
export class CliError extends Error {
  /** @param message The line printed after `error: `. */
  constructor(message: string, readonly exitCode = 1) {
    super(message);
    this.name = "CliError";
  }
}

export { FlagError };
