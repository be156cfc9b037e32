import assert from "node:assert/strict";
import { REPO_ROOT } from "../_helpers/process.ts";
import { toolTest } from "../_helpers/tool.ts";
import { readWorkflows } from "./_workflows.ts";

async function shellcheck(args: string[], stdin?: string) {
  const child = new Deno.Command("shellcheck", {
    args: ["--format=gcc", ...args],
    cwd: REPO_ROOT,
    stdin: stdin === undefined ? "null" : "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  if (stdin !== undefined) {
    const writer = child.stdin.getWriter();
    await writer.write(new TextEncoder().encode(stdin));
    await writer.close();
  }
  const { code, stdout, stderr } = await child.output();
  const decode = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
  return { code, output: decode(stdout) + decode(stderr) };
}

await toolTest("shellcheck", "install.sh and the release scripts pass shellcheck", async () => {
  const scripts = ["install.sh"];
  for await (const entry of Deno.readDir(`${REPO_ROOT}.github/scripts`)) {
    if (entry.name.endsWith(".sh")) scripts.push(`.github/scripts/${entry.name}`);
  }
  assert.ok(scripts.length > 1, "the release scripts are found");
  const { code, output } = await shellcheck(scripts);
  assert.equal(output, "");
  assert.equal(code, 0);
});

await toolTest("shellcheck", "the workflows' run steps pass shellcheck as bash", async () => {
  const problems: string[] = [];
  for (const workflow of await readWorkflows()) {
    for (const [id, job] of Object.entries(workflow.jobs)) {
      for (const [index, step] of job.steps.entries()) {
        if (step.run === undefined) continue;
        // As actionlint does: an expression becomes a word of the same length.
        const script = step.run.replaceAll(/\$\{\{.*?\}\}/g, (e) => "_".repeat(e.length));
        const { code, output } = await shellcheck(["--shell=bash", "-"], script);
        if (code !== 0) problems.push(`${workflow.file} ${id} step ${index + 1}:\n${output}`);
      }
    }
  }
  assert.deepEqual(problems, []);
});
