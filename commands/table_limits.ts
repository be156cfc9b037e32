/**
 * `ctlstore table-limits read|update|delete`: reads and changes the executive's table size
 * limits (spec §3).
 *
 * @module
 */
import { EXECUTIVE_DEFAULTS } from "../lib/executive/mod.ts";
import { CliError, defineCommand } from "./_command.ts";
import {
  callExecutive,
  EXECUTIVE_FLAGS,
  executiveClient,
  FAMILY_FLAG,
  formatTable,
  TABLE_FLAG,
} from "./_admin.ts";

const read = defineCommand({
  name: "read",
  summary: "read all table limits",
  flags: { ...EXECUTIVE_FLAGS },
  async run(values) {
    const client = executiveClient(values);
    const limits = (await callExecutive(() => client.readTableLimits()))!;
    let out = `warn: ${limits.global.warnSize} bytes\nmax : ${limits.global.maxSize} bytes\n`;
    if (limits.tables.length > 0) {
      out += "\n" + formatTable([
        ["FAMILY", "TABLE", "WARN", "MAX"],
        ["------", "-----", "----", "---"],
        ...limits.tables.map((t) => [t.family, t.table, String(t.warnSize), String(t.maxSize)]),
      ]);
    }
    await Deno.stdout.write(new TextEncoder().encode(out));
  },
});

function size(value: number, name: string): number {
  if (value < 0) throw new CliError(`${name} size cannot be negative`);
  if (value === 0) throw new CliError(`${name} size required`);
  return value;
}

const update = defineCommand({
  name: "update",
  summary: "update a table limit",
  flags: {
    ...EXECUTIVE_FLAGS,
    ...FAMILY_FLAG,
    ...TABLE_FLAG,
    "max-size": {
      type: "int",
      help: "maximum table size in bytes",
      default: String(EXECUTIVE_DEFAULTS.maxTableSize),
    },
    "warn-size": {
      type: "int",
      help: "table size in bytes to warn at",
      default: String(EXECUTIVE_DEFAULTS.warnTableSize),
    },
  },
  async run(values) {
    const maxSize = size(values["max-size"], "Max");
    const warnSize = size(values["warn-size"], "Warn");
    if (warnSize > maxSize) throw new CliError("warnSize must be <= maxSize");
    const client = executiveClient(values);
    await callExecutive(() =>
      client.updateTableLimit(values.family, values.table, { maxSize, warnSize })
    );
  },
});

const remove = defineCommand({
  name: "delete",
  summary: "delete a table limit",
  flags: { ...EXECUTIVE_FLAGS, ...FAMILY_FLAG, ...TABLE_FLAG },
  async run(values) {
    const client = executiveClient(values);
    await callExecutive(() => client.deleteTableLimit(values.family, values.table));
  },
});

/** The `table-limits` command and its `read`, `update` and `delete` subcommands. */
export const tableLimitsCommand = defineCommand({
  name: "table-limits",
  summary: "read, update or delete table size limits",
  flags: {},
  run() {
    throw new CliError("missing subcommand: read, update or delete");
  },
  subcommands: [read, update, remove],
});
