/**
 * `ctlstore writer-limits read|update|delete`: reads and changes the executive's writer rate
 * limits (spec §3). Unlike the original, `update` and `delete` are usable: `--writer W` and
 * `--rows-per-minute N` are real flags.
 *
 * @module
 */
import { formatGoDuration } from "../lib/flags/mod.ts";
import type { RateLimit } from "../lib/client/mod.ts";
import { CliError, defineCommand } from "./_command.ts";
import {
  callExecutive,
  EXECUTIVE_FLAGS,
  executiveClient,
  formatTable,
  WRITER_FLAG,
} from "./_admin.ts";

/** A rate limit as Go's `RateLimit.String` prints it, e.g. `1000/1m0s`. */
function formatRate(rate: RateLimit): string {
  return `${rate.amount}/${formatGoDuration(rate.periodNs / 1_000_000)}`;
}

const read = defineCommand({
  name: "read",
  summary: "read all writer limits",
  flags: { ...EXECUTIVE_FLAGS },
  async run(values) {
    const client = executiveClient(values);
    const limits = (await callExecutive(() => client.readWriterLimits()))!;
    let out = `default: ${formatRate(limits.global)}\n`;
    if (limits.writers.length > 0) {
      out += "\n" + formatTable([
        ["WRITER", "LIMIT"],
        ["------", "-----"],
        ...limits.writers.map((w) => [w.writer, formatRate(w.rateLimit)]),
      ]);
    }
    await Deno.stdout.write(new TextEncoder().encode(out));
  },
});

function rowsPerMinute(text: string): number {
  if (!/^[+-]?\d+$/.test(text.trim())) throw new CliError(`invalid rows per minute: ${text}`);
  const value = Number(text);
  if (value < 0) throw new CliError("Rows per minute cannot be negative");
  return value;
}

const update = defineCommand({
  name: "update",
  summary: "add or update a writer limit",
  flags: {
    ...EXECUTIVE_FLAGS,
    ...WRITER_FLAG,
    "rows-per-minute": {
      type: "string",
      help: "mutations per minute allowed for the writer",
      required: true,
    },
  },
  async run(values) {
    const amount = rowsPerMinute(values["rows-per-minute"]);
    const client = executiveClient(values);
    await callExecutive(() => client.updateWriterLimit(values.writer, amount));
  },
});

const remove = defineCommand({
  name: "delete",
  summary: "delete a writer limit",
  flags: { ...EXECUTIVE_FLAGS, ...WRITER_FLAG },
  async run(values) {
    const client = executiveClient(values);
    await callExecutive(() => client.deleteWriterLimit(values.writer));
  },
});

/** The `writer-limits` command and its `read`, `update` and `delete` subcommands. */
export const writerLimitsCommand = defineCommand({
  name: "writer-limits",
  summary: "read, update or delete writer rate limits",
  flags: {},
  run() {
    throw new CliError("missing subcommand: read, update or delete");
  },
  subcommands: [read, update, remove],
});
