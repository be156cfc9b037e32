/**
 * `ctlstore writers register|rotate|delete`: registers a writer, changes its secret, or removes
 * it. `rotate` is the way out when a writer's secret changed and its process (the heartbeat)
 * keeps failing with `409 Writer already exists with different credentials`.
 *
 * @module
 */
import type { FlagSpecs } from "../lib/flags/mod.ts";
import { CliError, defineCommand } from "./_command.ts";
import {
  callExecutive,
  EXECUTIVE_FLAGS,
  executiveClient,
  SECRET_FLAG,
  WRITER_FLAG,
} from "./_admin.ts";

/** `-secret` as the current secret, which the admin token replaces. */
const CURRENT_SECRET_FLAG = {
  secret: {
    type: "string",
    help: "the writer's current secret, needed when the executive has no admin token " +
      "(the environment variable keeps it out of the process list)",
  },
} as const satisfies FlagSpecs;

const AUTHORITY =
  "With -admin-token set on the executive, its token is required (-admin-token);\n" +
  "otherwise the writer's current secret is (-secret).";

const register = defineCommand({
  name: "register",
  summary: "register a writer with its secret",
  description: "Registering again with the same secret succeeds; with another secret it fails\n" +
    "(409): change the secret with 'ctlstore writers rotate'.",
  flags: { ...EXECUTIVE_FLAGS, ...WRITER_FLAG, ...SECRET_FLAG },
  async run(values) {
    const { writer, secret } = values;
    const client = executiveClient(values);
    await callExecutive(() => client.registerWriter({ writer, secret }), {
      409: () => {
        throw new CliError(
          `writer '${writer}' already exists with a different secret; ` +
            "change it with 'ctlstore writers rotate'",
        );
      },
    });
  },
});

const rotate = defineCommand({
  name: "rotate",
  summary: "change a writer's secret",
  description: "Changes the secret of an existing writer; its cookie and rate limit stay, and\n" +
    "requests with the old secret are refused from then on.\n" + AUTHORITY,
  flags: {
    ...EXECUTIVE_FLAGS,
    ...WRITER_FLAG,
    ...CURRENT_SECRET_FLAG,
    "new-secret": { type: "string", help: "the writer's new secret", required: true },
  },
  async run(values) {
    const client = executiveClient(values);
    await callExecutive(() =>
      client.rotateWriterSecret(values.writer, values["new-secret"], values.secret || undefined)
    );
  },
});

const remove = defineCommand({
  name: "delete",
  summary: "remove a writer with its cookie, rate limit and usage",
  description: AUTHORITY,
  flags: { ...EXECUTIVE_FLAGS, ...WRITER_FLAG, ...CURRENT_SECRET_FLAG },
  async run(values) {
    const client = executiveClient(values);
    await callExecutive(() => client.deleteWriter(values.writer, values.secret || undefined));
  },
});

/** The `writers` command and its `register`, `rotate` and `delete` subcommands. */
export const writersCommand = defineCommand({
  name: "writers",
  summary: "register a writer, change its secret or remove it",
  flags: {},
  run() {
    throw new CliError("missing subcommand: register, rotate or delete");
  },
  subcommands: [register, rotate, remove],
});
