/**
 * A real full disk for tests: a small tmpfs mounted on a temporary directory (needs root, as CI
 * runs), filled on demand and unmounted on dispose, and a `Deno.test` wrapper that skips with
 * the reason (or, with `CI=true`, fails) where mounting is not permitted.
 *
 * @module
 */

async function run(command: string, args: string[]): Promise<{ ok: boolean; text: string }> {
  try {
    const output = await new Deno.Command(command, { args, stdout: "piped", stderr: "piped" })
      .output();
    const decoder = new TextDecoder();
    return {
      ok: output.success,
      text: decoder.decode(output.stderr).trim() || decoder.decode(output.stdout).trim(),
    };
  } catch (error) {
    return { ok: false, text: error instanceof Error ? error.message : String(error) };
  }
}

/** A mounted tmpfs; unmounted and removed by `await using`. */
export interface SmallDisk extends AsyncDisposable {
  /** The mount point. */
  readonly path: string;
  /** Writes a filler file until the disk is full. */
  fill(): Promise<void>;
  /** Removes the filler file. */
  free(): Promise<void>;
}

/**
 * Mounts a tmpfs of `bytes` on a new temporary directory.
 *
 * @throws {Error} When `mount` fails (not root, no permission).
 * @example
 * ```ts
 * await using disk = await smallDisk(2 << 20);
 * await disk.fill();
 * ```
 */
export async function smallDisk(bytes: number): Promise<SmallDisk> {
  const path = await Deno.makeTempDir({ prefix: "ctlstore_tmpfs_" });
  const mounted = await run("mount", ["-t", "tmpfs", "-o", `size=${bytes}`, "tmpfs", path]);
  if (!mounted.ok) {
    await Deno.remove(path);
    throw new Error(`cannot mount a tmpfs: ${mounted.text}`);
  }
  const filler = `${path}/filler`;
  return {
    path,
    async fill() {
      using file = await Deno.open(filler, { create: true, append: true });
      const chunk = new Uint8Array(16 << 10);
      try {
        for (;;) await file.write(chunk);
      } catch (error) {
        if (!/No space left/.test(String(error))) throw error;
      }
    },
    async free() {
      await Deno.remove(filler);
    },
    async [Symbol.asyncDispose]() {
      const unmounted = await run("umount", [path]);
      if (!unmounted.ok) throw new Error(`cannot unmount ${path}: ${unmounted.text}`);
      await Deno.remove(path, { recursive: true });
    },
  };
}

const probe = await (async () => {
  try {
    await (await smallDisk(64 << 10))[Symbol.asyncDispose]();
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
})();

/**
 * Registers a test that needs {@linkcode smallDisk}. Where a tmpfs cannot be mounted it is
 * reported as ignored (the reason printed once), except with `CI=true`, where it fails.
 *
 * @example
 * ```ts
 * smallDiskTest("the reflector backs off while the disk is full", async () => {
 *   await using disk = await smallDisk(2 << 20);
 * });
 * ```
 */
export function smallDiskTest(name: string, fn: () => Promise<void>): void {
  if (probe === undefined) {
    Deno.test(name, fn);
  } else if (Deno.env.get("CI") === "true") {
    Deno.test(name, () => {
      throw new Error(`${probe} (CI=true): ${name}`);
    });
  } else {
    // deno-lint-ignore no-console
    console.warn(`skipping "${name}": ${probe} (run as root to test a full disk)`);
    Deno.test({ name, ignore: true, fn });
  }
}
