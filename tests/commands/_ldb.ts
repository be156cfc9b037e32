/**
 * Runs `ctlstore <args>` as a subprocess for the LDB command tests.
 *
 * @module
 */

const MAIN = new URL("../../main.ts", import.meta.url).pathname;

/** The output of one finished CLI run. */
export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `deno run -A main.ts <args>` to completion. */
export async function runCli(args: string[]): Promise<RunResult> {
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", MAIN, ...args],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const decode = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
  return { code: output.code, stdout: decode(output.stdout), stderr: decode(output.stderr) };
}
