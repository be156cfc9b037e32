/**
 * Runs `ctlstore <args>` to completion, for tests of one-shot commands (the LDB commands and
 * the CLI frame).
 *
 * @module
 */
import { spawnCli } from "../_helpers/process.ts";

/** The output of one finished CLI run. */
export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `deno run -A main.ts <args>` and waits for it to exit. */
export async function runCli(args: string[]): Promise<RunResult> {
  await using cli = await spawnCli(args);
  const { code } = await cli.status;
  return { code, stdout: cli.stdout(), stderr: cli.stderr() };
}
