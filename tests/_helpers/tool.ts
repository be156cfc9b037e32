/**
 * Tests that need an external program (shellcheck, zip): skipped with a message where it is not
 * installed, failed with `CI=true`, where `.ci/run` installs it.
 *
 * @module
 */

/** Whether a program answers `--version` on this machine. */
export async function installed(program: string): Promise<boolean> {
  try {
    const { success } = await new Deno.Command(program, {
      args: ["--version"],
      stdout: "null",
      stderr: "null",
    }).output();
    return success;
  } catch {
    return false;
  }
}

/**
 * Registers a test that needs a program: skipped with a message when it is missing, except with
 * `CI=true`, where it fails (CI installs it).
 */
export async function toolTest(
  program: string,
  name: string,
  fn: () => Promise<void>,
): Promise<void> {
  if (await installed(program)) {
    Deno.test(name, fn);
  } else if (Deno.env.get("CI") === "true") {
    Deno.test(name, () => {
      throw new Error(`${program} is not installed (CI=true): apt-get install -y ${program}`);
    });
  } else {
    // deno-lint-ignore no-console
    console.warn(`skipping "${name}": ${program} is not installed (apt-get install -y ${program})`);
    Deno.test({ name, ignore: true, fn });
  }
}
