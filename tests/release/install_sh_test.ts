import assert from "node:assert/strict";
import { REPO_ROOT } from "../_helpers/process.ts";
import { tempDir } from "../_helpers/temp.ts";

/** The four targets install.sh installs (Windows users download the zip). */
const UNIX_TARGETS = [
  "x86_64-unknown-linux-gnu",
  "aarch64-unknown-linux-gnu",
  "x86_64-apple-darwin",
  "aarch64-apple-darwin",
];

/** This machine's release target, as install.sh should work it out from `uname -sm`. */
const HOST_TARGET = Deno.build.os === "darwin"
  ? `${Deno.build.arch}-apple-darwin`
  : `${Deno.build.arch}-unknown-linux-gnu`;

/** Where the fake release server keeps the releases: a mirror below a path, not at the root. */
const MIRROR_PATH = "/mirror/ctlstore";

async function run(command: string, args: string[], env?: Record<string, string>) {
  const output = await new Deno.Command(command, {
    args,
    cwd: REPO_ROOT,
    env,
    clearEnv: env !== undefined,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  const decode = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
  return { code: output.code, stdout: decode(output.stdout), stderr: decode(output.stderr) };
}

async function ok(command: string, args: string[]): Promise<string> {
  const result = await run(command, args);
  assert.equal(result.code, 0, `${command} ${args.join(" ")}: ${result.stderr}`);
  return result.stdout;
}

/**
 * Writes a release the way release.yml does (pack.sh, checksums.sh), with a stand-in executable
 * per target that prints "<version> <target>".
 */
async function writeRelease(dir: string, version: string): Promise<void> {
  await Deno.mkdir(dir, { recursive: true });
  for (const target of UNIX_TARGETS) {
    const build = await Deno.makeTempDir({ dir, prefix: "build-" });
    await Deno.writeTextFile(`${build}/ctlstore`, `#!/bin/sh\necho "${version} ${target}"\n`, {
      mode: 0o755,
    });
    await ok("bash", [".github/scripts/pack.sh", version, target, build]);
    const archive = `ctlstore-${version}-${target}.tar.gz`;
    await Deno.rename(`${build}/${archive}`, `${dir}/${archive}`);
    await Deno.remove(build, { recursive: true });
  }
  await ok("bash", [".github/scripts/checksums.sh", dir]);
}

/** A fake release mirror: 0.1.0, 0.2.0 (latest) and 0.0.9, whose archive was swapped after signing. */
async function fakeMirror(root: string) {
  const releases = `${root}${MIRROR_PATH}`;
  await writeRelease(`${releases}/download/v0.1.0`, "0.1.0");
  await writeRelease(`${releases}/download/v0.2.0`, "0.2.0");
  await writeRelease(`${releases}/download/v0.0.9`, "0.0.9");
  await Deno.copyFile(
    `${releases}/download/v0.1.0/ctlstore-0.1.0-${HOST_TARGET}.tar.gz`,
    `${releases}/download/v0.0.9/ctlstore-0.0.9-${HOST_TARGET}.tar.gz`,
  );
  await Deno.mkdir(`${releases}/latest/download`, { recursive: true });
  await Deno.copyFile(
    `${releases}/download/v0.2.0/SHA256SUMS`,
    `${releases}/latest/download/SHA256SUMS`,
  );

  const requests: string[] = [];
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (request) => {
    const path = decodeURIComponent(new URL(request.url).pathname);
    requests.push(path);
    if (path.split("/").includes("..")) return new Response("bad path", { status: 400 });
    try {
      return new Response(await Deno.readFile(`${root}${path}`));
    } catch (error) {
      if (error instanceof Deno.errors.NotFound || error instanceof Deno.errors.IsADirectory) {
        return new Response("not found", { status: 404 });
      }
      throw error;
    }
  });
  return {
    baseUrl: `http://127.0.0.1:${server.addr.port}${MIRROR_PATH}`,
    requests,
    [Symbol.asyncDispose]: () => server.shutdown(),
  };
}

Deno.test("install.sh installs verified release archives from a mirror", async (t) => {
  await using dir = await tempDir("ctlstore_install_");
  await using mirror = await fakeMirror(`${dir.path}/www`);
  const tmp = `${dir.path}/tmp`;
  await Deno.mkdir(tmp);
  let installs = 0;

  /** Runs install.sh with a clean environment: the mirror, a private TMPDIR, no HOME install. */
  const install = (args: string[], env: Record<string, string> = {}) =>
    run("sh", ["install.sh", ...args], {
      PATH: Deno.env.get("PATH") ?? "/usr/bin:/bin",
      HOME: `${dir.path}/home`,
      TMPDIR: tmp,
      CTLSTORE_INSTALL_BASE_URL: mirror.baseUrl,
      ...env,
    });
  const freshDir = () => `${dir.path}/bin-${++installs}`;
  const installedVersion = async (binDir: string) =>
    (await ok(`${binDir}/ctlstore`, ["version"])).trim();
  const assertNothingLeft = async (binDir: string) => {
    await assert.rejects(Deno.stat(binDir), Deno.errors.NotFound, `${binDir} was created`);
    assert.deepEqual(await Array.fromAsync(Deno.readDir(tmp)), [], "the temp dir is removed");
  };

  await t.step("without a version, it installs the latest archive for this platform", async () => {
    const bin = freshDir();
    const { code, stderr } = await install([], { CTLSTORE_INSTALL_DIR: bin });
    assert.equal(code, 0, stderr);
    assert.equal(await installedVersion(bin), `0.2.0 ${HOST_TARGET}`);
    assert.equal((await Deno.stat(`${bin}/ctlstore`)).mode! & 0o777, 0o755);
    assert.match(
      stderr,
      new RegExp(`installed ctlstore 0\\.2\\.0 ${HOST_TARGET} \\(${HOST_TARGET}\\)`),
    );
    assert.deepEqual(mirror.requests.splice(0), [
      `${MIRROR_PATH}/latest/download/SHA256SUMS`,
      `${MIRROR_PATH}/download/v0.2.0/ctlstore-0.2.0-${HOST_TARGET}.tar.gz`,
    ]);
    assert.deepEqual(await Array.fromAsync(Deno.readDir(tmp)), [], "the temp dir is removed");
  });

  await t.step("--version and CTLSTORE_VERSION pick a release; the option wins", async () => {
    const cases: [string[], Record<string, string>][] = [
      [["--version", "0.1.0"], {}],
      [["--version=v0.1.0"], {}],
      [[], { CTLSTORE_VERSION: "v0.1.0" }],
      [["--version", "0.1.0"], { CTLSTORE_VERSION: "0.2.0" }],
    ];
    for (const [args, env] of cases) {
      const bin = freshDir();
      const { code, stderr } = await install([...args, "--dir", bin], env);
      assert.equal(code, 0, stderr);
      assert.equal(await installedVersion(bin), `0.1.0 ${HOST_TARGET}`, JSON.stringify(env));
      assert.deepEqual(mirror.requests.splice(0), [
        `${MIRROR_PATH}/download/v0.1.0/SHA256SUMS`,
        `${MIRROR_PATH}/download/v0.1.0/ctlstore-0.1.0-${HOST_TARGET}.tar.gz`,
      ]);
    }
  });

  await t.step(
    "--dir and CTLSTORE_INSTALL_DIR choose the directory; a reinstall replaces",
    async () => {
      const bin = freshDir();
      const first = await install(["--version", "0.1.0"], { CTLSTORE_INSTALL_DIR: bin });
      assert.equal(first.code, 0, first.stderr);
      assert.equal(await installedVersion(bin), `0.1.0 ${HOST_TARGET}`);
      const second = await install(["--dir", bin], {
        CTLSTORE_INSTALL_DIR: `${dir.path}/elsewhere`,
      });
      assert.equal(second.code, 0, second.stderr);
      assert.equal(await installedVersion(bin), `0.2.0 ${HOST_TARGET}`);
      assert.deepEqual((await Array.fromAsync(Deno.readDir(bin))).map((e) => e.name), ["ctlstore"]);
      await assert.rejects(Deno.stat(`${dir.path}/elsewhere`), Deno.errors.NotFound);
      mirror.requests.length = 0;
    },
  );

  await t.step(
    "--base-url wins over CTLSTORE_INSTALL_BASE_URL; a trailing slash is fine",
    async () => {
      const bin = freshDir();
      const { code, stderr } = await install(["--base-url", `${mirror.baseUrl}/`, "--dir", bin], {
        CTLSTORE_INSTALL_BASE_URL: `${mirror.baseUrl}/nowhere`,
      });
      assert.equal(code, 0, stderr);
      assert.equal(await installedVersion(bin), `0.2.0 ${HOST_TARGET}`);
      assert.equal(mirror.requests.splice(0)[0], `${MIRROR_PATH}/latest/download/SHA256SUMS`);
    },
  );

  await t.step("uname -sm maps to each release target", async () => {
    const cases: [string, string, string][] = [
      ["Linux", "x86_64", "x86_64-unknown-linux-gnu"],
      ["Linux", "amd64", "x86_64-unknown-linux-gnu"],
      ["Linux", "aarch64", "aarch64-unknown-linux-gnu"],
      ["Linux", "arm64", "aarch64-unknown-linux-gnu"],
      ["Darwin", "x86_64", "x86_64-apple-darwin"],
      ["Darwin", "arm64", "aarch64-apple-darwin"],
    ];
    for (const [os, arch, target] of cases) {
      const bin = freshDir();
      const { code, stderr } = await install(["--dir", bin], {
        CTLSTORE_INSTALL_UNAME_S: os,
        CTLSTORE_INSTALL_UNAME_M: arch,
        CTLSTORE_INSTALL_LIBC: "glibc",
      });
      assert.equal(code, 0, `${os} ${arch}: ${stderr}`);
      assert.equal(await installedVersion(bin), `0.2.0 ${target}`, `${os} ${arch}`);
    }
    mirror.requests.length = 0;
  });

  await t.step("an unsupported platform is refused before any download", async () => {
    const cases: [string, string, RegExp][] = [
      ["FreeBSD", "amd64", /error: unsupported platform: FreeBSD amd64 \(releases exist for Linux/],
      ["Linux", "riscv64", /error: unsupported platform: Linux riscv64 \(Linux releases are/],
      ["Darwin", "ppc", /error: unsupported platform: Darwin ppc \(macOS releases are/],
      [
        "MINGW64_NT-10.0-20348",
        "x86_64",
        /on Windows download\s+ctlstore-<version>-x86_64-pc-windows-msvc\.zip/,
      ],
    ];
    for (const [os, arch, message] of cases) {
      const bin = freshDir();
      const { code, stdout, stderr } = await install(["--dir", bin], {
        CTLSTORE_INSTALL_UNAME_S: os,
        CTLSTORE_INSTALL_UNAME_M: arch,
      });
      assert.equal(code, 1, `${os} ${arch}`);
      assert.equal(stdout, "");
      assert.match(stderr, message);
      await assertNothingLeft(bin);
    }
    assert.deepEqual(mirror.requests, []);
  });

  await t.step("musl libc (Alpine) is refused: the binaries need glibc", async () => {
    for (const arch of ["x86_64", "aarch64"]) {
      const bin = freshDir();
      const { code, stderr } = await install(["--dir", bin], {
        CTLSTORE_INSTALL_UNAME_S: "Linux",
        CTLSTORE_INSTALL_UNAME_M: arch,
        CTLSTORE_INSTALL_LIBC: "musl",
      });
      assert.equal(code, 1);
      assert.match(stderr, /error: musl libc \(Alpine\) is not supported: .* need glibc/);
      await assertNothingLeft(bin);
    }
    assert.deepEqual(mirror.requests, []);
  });

  await t.step("an archive that does not match SHA256SUMS is refused", async () => {
    const bin = freshDir();
    const { code, stderr } = await install(["--version", "0.0.9", "--dir", bin]);
    assert.equal(code, 1);
    assert.match(
      stderr,
      new RegExp(
        `error: checksum mismatch for ctlstore-0\\.0\\.9-${HOST_TARGET}\\.tar\\.gz: SHA256SUMS ` +
          "lists [0-9a-f]{64}, the download is [0-9a-f]{64}; nothing was installed",
      ),
    );
    await assertNothingLeft(bin);
    mirror.requests.length = 0;
  });

  await t.step("a version the mirror does not have fails naming the URL", async () => {
    const bin = freshDir();
    const { code, stderr } = await install(["--version", "9.9.9", "--dir", bin]);
    assert.equal(code, 1);
    assert.match(
      stderr,
      new RegExp(`error: no release 9\\.9\\.9 at ${mirror.baseUrl}/download/v9\\.9\\.9/SHA256SUMS`),
    );
    await assertNothingLeft(bin);
  });
});
