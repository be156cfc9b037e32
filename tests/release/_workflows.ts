/**
 * The GitHub Actions workflows under `.github/workflows`, read and parsed for the release tests.
 *
 * @module
 */
import { parse } from "yaml";
import { REPO_ROOT } from "../_helpers/process.ts";

/** A step of a job: an action (`uses`) or a shell script (`run`). */
export interface Step {
  name?: string;
  id?: string;
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
  env?: Record<string, string>;
  shell?: string;
}

/** A job of a workflow (the keys the tests read). */
export interface Job {
  "runs-on": string;
  "timeout-minutes"?: number;
  needs?: string | string[];
  permissions?: Record<string, string>;
  strategy?: { matrix: { include: Record<string, string>[] } };
  services?: Record<string, { image: string; ports?: string[] }>;
  env?: Record<string, string>;
  defaults?: { run?: { shell?: string } };
  steps: Step[];
}

/** A workflow file, raw and parsed. */
export interface Workflow {
  /** File name, e.g. `ci.yml`. */
  file: string;
  /** The YAML text. */
  text: string;
  name: string;
  on: Record<string, unknown>;
  permissions: Record<string, string>;
  jobs: Record<string, Job>;
}

/** Where the workflows live. */
export const WORKFLOWS_DIR = `${REPO_ROOT}.github/workflows`;

/** Reads and parses one workflow (`ci.yml`, `release.yml`, `publish.yml`). */
export async function readWorkflow(file: string): Promise<Workflow> {
  const text = await Deno.readTextFile(`${WORKFLOWS_DIR}/${file}`);
  return { file, text, ...parse(text) };
}

/** Every workflow file in the directory, sorted by name. */
export async function readWorkflows(): Promise<Workflow[]> {
  const files: string[] = [];
  for await (const entry of Deno.readDir(WORKFLOWS_DIR)) {
    if (entry.isFile && /\.ya?ml$/.test(entry.name)) files.push(entry.name);
  }
  return await Promise.all(files.sort().map(readWorkflow));
}
