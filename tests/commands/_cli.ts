/**
 * Shared fixtures of the admin command tests: an in-process executive on a SQLite ctldb and a
 * runner for one-shot CLI invocations.
 *
 * @module
 */
import { startExecutive } from "../../lib/executive/mod.ts";
import { spawnCli } from "../_helpers/process.ts";
import { tempDir } from "../_helpers/temp.ts";

/** The output of one finished CLI run. */
export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `ctlstore <args>` to completion. */
export async function ctl(args: string[], env: Record<string, string> = {}): Promise<CliResult> {
  await using cli = await spawnCli(args, { env });
  const status = await cli.status;
  return { code: status.code, stdout: cli.stdout(), stderr: cli.stderr() };
}

/** An executive on a fresh SQLite ctldb; stopped and removed by `await using`. */
export interface TestExecutive extends AsyncDisposable {
  /** `127.0.0.1:<port>`. */
  readonly address: string;
}

/** Starts an executive for one test. */
export async function testExecutive(adminToken?: string): Promise<TestExecutive> {
  const dir = await tempDir();
  try {
    const executive = await startExecutive({
      bind: "127.0.0.1:0",
      ctldb: `sqlite:${dir.path}/ctldb.db`,
      adminToken,
    });
    return {
      address: `127.0.0.1:${executive.address!.port}`,
      async [Symbol.asyncDispose]() {
        await executive.stop();
        await dir[Symbol.asyncDispose]();
      },
    };
  } catch (error) {
    await dir[Symbol.asyncDispose]();
    throw error;
  }
}
