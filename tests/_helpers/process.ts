/**
 * Test fixtures for the real CLI: spawn `deno run <permissions> main.ts <args>` from the
 * repository root, with exactly the permissions `deno task compile` grants the executable,
 * wait until a line of output appears or a TCP port answers, and stop it on dispose (SIGTERM,
 * then SIGKILL after a grace period), awaiting its exit. Also a free-port helper.
 *
 * @module
 */

/** The repository root (where `main.ts` lives). */
export const REPO_ROOT = new URL("../../", import.meta.url).pathname;

/**
 * The `--allow-*` flags of the `compile` task in deno.json: the permissions the shipped
 * executable has, so the CLI is tested as users run it.
 */
export const CLI_PERMISSIONS: string[] = JSON.parse(
  Deno.readTextFileSync(`${REPO_ROOT}deno.json`),
).tasks.compile.split(/\s+/).filter((arg: string) => arg.startsWith("--allow-"));

/**
 * A TCP port nothing listens on right now (bind port 0, read it, close).
 *
 * @example
 * ```ts
 * const port = freePort();
 * await using cli = await spawnCli(["executive", "-bind", `127.0.0.1:${port}`, "-ctldb", dsn], { port });
 * ```
 */
export function freePort(hostname = "127.0.0.1"): number {
  const listener = Deno.listen({ hostname, port: 0 });
  const { port } = listener.addr as Deno.NetAddr;
  listener.close();
  return port;
}

/** Options of {@linkcode spawnCli}. */
export interface SpawnOptions {
  /** Extra environment variables. */
  env?: Record<string, string>;
  /** Resolve once stdout or stderr contains this text (or matches this pattern). */
  waitFor?: string | RegExp;
  /** Resolve once this TCP port on 127.0.0.1 accepts connections. */
  port?: number;
  /** How long to wait for `waitFor`/`port` before failing (default 20 s). */
  timeoutMs?: number;
  /** Grace period between SIGTERM and SIGKILL on dispose (default 5 s). */
  killAfterMs?: number;
}

/** A running CLI process; `await using` stops it. */
export interface SpawnedCli extends AsyncDisposable {
  readonly process: Deno.ChildProcess;
  /** Everything written to stdout so far. */
  stdout(): string;
  /** Everything written to stderr so far. */
  stderr(): string;
  /** Waits until the output (stdout + stderr) contains the text or matches the pattern. */
  waitForOutput(pattern: string | RegExp, timeoutMs?: number): Promise<void>;
  /** Sends a signal (default SIGTERM). */
  kill(signal?: Deno.Signal): void;
  /** Resolves with the exit status once the process has exited and its output is read. */
  readonly status: Promise<Deno.CommandStatus>;
}

function matches(text: string, pattern: string | RegExp): boolean {
  return typeof pattern === "string" ? text.includes(pattern) : pattern.test(text);
}

async function portAnswers(port: number): Promise<boolean> {
  try {
    const connection = await Deno.connect({ hostname: "127.0.0.1", port });
    connection.close();
    return true;
  } catch {
    return false;
  }
}

/**
 * Spawns `deno run -A main.ts ...args` in the repository root.
 *
 * @throws {Error} When the process exits, or the wait times out, before it is ready; the
 *   message includes its output.
 * @example
 * ```ts
 * await using cli = await spawnCli(["version"]);
 * const status = await cli.status;
 * ```
 */
export async function spawnCli(args: string[], options: SpawnOptions = {}): Promise<SpawnedCli> {
  const process = new Deno.Command(Deno.execPath(), {
    args: ["run", ...CLI_PERMISSIONS, "main.ts", ...args],
    cwd: REPO_ROOT,
    env: options.env ?? {},
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  let out = "";
  let err = "";
  let exited = false;
  const changed = new Set<() => void>();
  const notify = () => changed.forEach((fn) => fn());
  const pump = async (stream: ReadableStream<Uint8Array>, add: (text: string) => void) => {
    for await (const text of stream.pipeThrough(new TextDecoderStream())) {
      add(text);
      notify();
    }
  };
  const pumps = Promise.all([
    pump(process.stdout, (t) => out += t),
    pump(process.stderr, (t) => err += t),
  ]);
  const status = (async () => {
    const [result] = await Promise.all([process.status, pumps]);
    exited = true;
    notify();
    return result;
  })();

  const waitUntil = (ready: () => boolean | Promise<boolean>, what: string, timeoutMs: number) =>
    new Promise<void>((resolve, reject) => {
      let done = false;
      const finish = (error?: Error) => {
        if (done) return;
        done = true;
        changed.delete(check);
        clearTimeout(timer);
        clearInterval(poll);
        if (error) reject(error);
        else resolve();
      };
      const check = async () => {
        if (done) return;
        if (await ready()) return finish();
        if (exited) finish(new Error(`process exited before ${what}\n${out}${err}`));
      };
      const timer = setTimeout(
        () => finish(new Error(`timed out waiting for ${what}\n${out}${err}`)),
        timeoutMs,
      );
      const poll = setInterval(check, 50);
      changed.add(check);
      check();
    });

  const spawned: SpawnedCli = {
    process,
    stdout: () => out,
    stderr: () => err,
    waitForOutput: (pattern, timeoutMs = options.timeoutMs ?? 20_000) =>
      waitUntil(() => matches(out + err, pattern), `output ${pattern}`, timeoutMs),
    kill: (signal = "SIGTERM") => {
      if (!exited) {
        try {
          process.kill(signal);
        } catch {
          // Already gone.
        }
      }
    },
    status,
    async [Symbol.asyncDispose]() {
      if (!exited) {
        spawned.kill("SIGTERM");
        const timer = setTimeout(() => spawned.kill("SIGKILL"), options.killAfterMs ?? 5000);
        try {
          await status;
        } finally {
          clearTimeout(timer);
        }
      }
      await status;
    },
  };
  try {
    const timeoutMs = options.timeoutMs ?? 20_000;
    if (options.waitFor !== undefined) await spawned.waitForOutput(options.waitFor, timeoutMs);
    if (options.port !== undefined) {
      const port = options.port;
      await waitUntil(() => portAnswers(port), `port ${port}`, timeoutMs);
    }
  } catch (error) {
    await spawned[Symbol.asyncDispose]();
    throw error;
  }
  return spawned;
}
