import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { CLI_PERMISSIONS, freePort, REPO_ROOT } from "../_helpers/process.ts";
import { tempDir } from "../_helpers/temp.ts";
import { toolTest } from "../_helpers/tool.ts";

const SCRIPTS = ".github/scripts";

async function run(args: string[], env: Record<string, string> = {}) {
  const output = await new Deno.Command("bash", {
    args,
    cwd: REPO_ROOT,
    env,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  const decode = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
  return { code: output.code, stdout: decode(output.stdout), stderr: decode(output.stderr) };
}

async function denoJsonVersion(): Promise<string> {
  return JSON.parse(await Deno.readTextFile(`${REPO_ROOT}deno.json`)).version;
}

async function sha256(path: string): Promise<string> {
  return createHash("sha256").update(await Deno.readFile(path)).digest("hex");
}

async function listing(command: string, args: string[]): Promise<string[]> {
  const { code, stdout } = await new Deno.Command(command, { args, stdout: "piped" }).output();
  assert.equal(code, 0, `${command} ${args.join(" ")}`);
  return new TextDecoder().decode(stdout).trim().split("\n");
}

Deno.test("install.sh and the release scripts are executable, as the workflows run them", async () => {
  const scripts = ["install.sh"];
  for await (const entry of Deno.readDir(`${REPO_ROOT}${SCRIPTS}`)) {
    scripts.push(`${SCRIPTS}/${entry.name}`);
  }
  assert.ok(scripts.includes(`${SCRIPTS}/smoke.sh`));
  for (const script of scripts) {
    const { mode } = await Deno.stat(`${REPO_ROOT}${script}`);
    assert.equal(mode! & 0o111, 0o111, script);
  }
});

Deno.test("release_version.sh accepts only the tag v<deno.json version>", async () => {
  const version = await denoJsonVersion();
  const accepted = await run([`${SCRIPTS}/release_version.sh`, `v${version}`]);
  assert.equal(accepted.code, 0, accepted.stderr);
  assert.equal(accepted.stdout, `${version}\n`);
  for (const tag of [version, `v${version}.1`, "v99.0.0"]) {
    const refused = await run([`${SCRIPTS}/release_version.sh`, tag]);
    assert.equal(refused.code, 1, tag);
    assert.equal(refused.stdout, "");
    assert.equal(
      refused.stderr,
      `release: tag ${tag} does not match deno.json's version ${version} (tag v${version} ` +
        "to release it)\n",
    );
  }
});

Deno.test("pack.sh puts the executable, README.md, LICENSE and for Linux the systemd units in a tar.gz", async () => {
  const units = (await Array.fromAsync(Deno.readDir(`${REPO_ROOT}deploy/systemd`)))
    .map((entry) => `systemd/${entry.name}`);
  assert.ok(units.includes("systemd/ctlstore-reflector.service"));
  const cases: [string, string[]][] = [
    ["aarch64-apple-darwin", []],
    ["x86_64-unknown-linux-gnu", ["systemd/", ...units]],
  ];
  for (const [target, extra] of cases) {
    await using dir = await tempDir();
    await Deno.writeTextFile(`${dir.path}/ctlstore`, "#!/bin/sh\n", { mode: 0o700 });
    const packed = await run([`${SCRIPTS}/pack.sh`, "1.2.3", target, dir.path]);
    assert.equal(packed.code, 0, packed.stderr);
    const archive = `${dir.path}/ctlstore-1.2.3-${target}.tar.gz`;
    assert.equal(packed.stdout, `${archive}\n`);
    const entries = await listing("tar", ["-tzvf", archive]);
    assert.deepEqual(
      entries.map((line) => line.split(/\s+/).at(-1)).toSorted(),
      ["ctlstore", "README.md", "LICENSE", ...extra].toSorted(),
      target,
    );
    assert.match(entries[0]!, /^-rwxr-xr-x .* ctlstore$/, target);
  }
});

await toolTest("zip", "pack.sh zips ctlstore.exe for Windows", async () => {
  await using dir = await tempDir();
  await Deno.writeTextFile(`${dir.path}/ctlstore.exe`, "MZ");
  const packed = await run([`${SCRIPTS}/pack.sh`, "1.2.3", "x86_64-pc-windows-msvc", dir.path]);
  assert.equal(packed.code, 0, packed.stderr);
  const archive = `${dir.path}/ctlstore-1.2.3-x86_64-pc-windows-msvc.zip`;
  const entries = (await listing("zip", ["-sf", archive])).slice(1, -1).map((line) => line.trim());
  assert.deepEqual(entries, ["ctlstore.exe", "README.md", "LICENSE"]);
});

Deno.test("checksums.sh lists the SHA-256 of every file in the directory", async () => {
  await using dir = await tempDir();
  const files = ["ctlstore-1.2.3-x86_64-pc-windows-msvc.zip", "install.sh", "a b.tar.gz"];
  for (const [i, file] of files.entries()) await Deno.writeTextFile(`${dir.path}/${file}`, `${i}`);
  const { code, stderr } = await run([`${SCRIPTS}/checksums.sh`, dir.path]);
  assert.equal(code, 0, stderr);
  const expected = await Promise.all(
    files.toSorted().map(async (file) => `${await sha256(`${dir.path}/${file}`)}  ${file}`),
  );
  assert.equal(await Deno.readTextFile(`${dir.path}/SHA256SUMS`), `${expected.join("\n")}\n`);
});

Deno.test("smoke.sh passes for main.ts run with the compiled binary's permissions", async () => {
  const version = await denoJsonVersion();
  const env = {
    CTLSTORE_SMOKE_EXECUTIVE: `127.0.0.1:${freePort()}`,
    CTLSTORE_SMOKE_SIDECAR: `127.0.0.1:${freePort()}`,
  };
  const ctlstore = [Deno.execPath(), "run", ...CLI_PERMISSIONS, "main.ts"];
  const passed = await run([`${SCRIPTS}/smoke.sh`, version, ...ctlstore], env);
  assert.equal(passed.code, 0, passed.stdout + passed.stderr);
  assert.match(
    passed.stdout,
    /smoke: the walkthrough's row came back at seq \d+\nsmoke: passed\n$/,
  );

  const wrong = await run([`${SCRIPTS}/smoke.sh`, "9.9.9", ...ctlstore], env);
  assert.equal(wrong.code, 1);
  assert.equal(
    wrong.stderr,
    `smoke: FAIL: ctlstore version printed '${version}', expected '9.9.9'\n`,
  );
});
