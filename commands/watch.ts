/**
 * `ctlstore watch`: follows the change history of a local LDB and prints each change as one
 * JSON line (the JSON of the sidecar's `/changes` and `/watch`), for scripts and `jq`, until the
 * first SIGINT/SIGTERM (exit 0). The reader's {@linkcode Reader.watch} does the work; this file
 * turns flags into its options, writes the lines and words the errors for a shell user.
 *
 * @module
 */
import {
  ChangeHistoryGoneError,
  defaultLdbPath,
  type Reader,
  ReaderError,
  type WatchOptions,
} from "../lib/mod.ts";
import { encodeChange } from "../lib/sidecar/mod.ts";
import { CliError, defineCommand, FlagError } from "./_command.ts";
import { openReader } from "./_ldb.ts";
import { shutdownSignal } from "./_shutdown.ts";

const INTEGER = /^[+-]?\d+$/;

/**
 * `-after` is a string flag so that "not given" (start at the applied seq) differs from
 * `-after 0` (everything the history holds). The reader checks the range.
 */
function parseAfter(text: string): number | undefined {
  const trimmed = text.trim();
  if (trimmed === "") return undefined;
  const value = Number(trimmed);
  if (!INTEGER.test(trimmed) || !Number.isSafeInteger(value)) {
    throw new FlagError(`invalid integer value "${text}" for flag -after`);
  }
  return value;
}

/** The reader's failures as one CLI line; the history-gone line says what to do. */
function cliError(error: unknown): unknown {
  if (error instanceof ChangeHistoryGoneError) {
    return new CliError(
      `changes after seq ${error.after} are no longer retained: the change history holds the ` +
        `changes after seq ${error.oldestSeq}; re-read the state you follow, then run watch ` +
        `again with -after set to the seq of that read (ctlstore read-seq prints it)`,
    );
  }
  if (error instanceof ReaderError || error instanceof RangeError) {
    return new CliError(error.message);
  }
  return error;
}

/** Writes every line before it returns; `false` once stdout is closed (`| head -1`). */
async function writeLine(out: WritableStreamDefaultWriter<Uint8Array>, line: string) {
  try {
    await out.write(new TextEncoder().encode(`${line}\n`));
    return true;
  } catch (error) {
    if (error instanceof Deno.errors.BrokenPipe) return false;
    throw error;
  }
}

async function follow(reader: Reader, options: WatchOptions): Promise<void> {
  const out = Deno.stdout.writable.getWriter();
  try {
    for await (const change of reader.watch(options)) {
      if (!await writeLine(out, encodeChange(change))) return;
    }
  } finally {
    out.releaseLock();
  }
}

/** The `watch` command. */
export const watchCommand = defineCommand({
  name: "watch",
  summary: "print each change applied to a local LDB as one JSON line, until Ctrl-C",
  description: [
    "Follows the change history of a local LDB and prints every change as the reflector",
    "applies it, one JSON object per line (the JSON of the sidecar's /changes and /watch):",
    '  {"seq":12,"family":"f","table":"t","op":"upsert","key":{"id":1},"tx":12,' +
    '"time":"2024-05-01T12:00:00.000Z"}',
    "op is upsert, delete, clear, drop or schema; key holds the primary-key columns (empty for",
    "clear, drop and schema); the changes of one ledger transaction share tx. Each line is",
    "written as it happens and nothing else goes to stdout. Runs until Ctrl-C or SIGTERM",
    "(exit 0; also exits 0 when stdout is closed, e.g. by head).",
    "",
    "Without -after it prints only the changes applied from now on; -after N starts after",
    "ledger seq N (pass the last seq you saw to resume with no loss and no repeat). Needs an LDB",
    "with change history (reflector -change-history-size > 0). Exits 1 with one line on stderr",
    "when the LDB is missing or has no change history, when seq N is older than the retained",
    "history, or for an invalid name or a negative -after.",
    "",
    "Example: ctlstore watch -ldb-path ldb.db -family accounts | jq -c 'select(.op == \"delete\")'",
  ].join("\n"),
  flags: {
    "ldb-path": {
      type: "string",
      help: "LDB path (empty: $CTLSTORE_PATH/ldb.db, default /var/spool/ctlstore/ldb.db)",
    },
    after: {
      type: "string",
      help: "print the changes after this ledger seq (empty: the LDB's applied seq now, " +
        "only new changes)",
    },
    family: { type: "string", help: "only changes of this family" },
    table: { type: "string", help: "only changes of tables with this name" },
  },
  async run(values) {
    const after = parseAfter(values.after);
    using reader = openReader(values["ldb-path"] || defaultLdbPath());
    const signal = shutdownSignal();
    try {
      await follow(reader, {
        ...(after === undefined ? {} : { after }),
        ...(values.family ? { family: values.family } : {}),
        ...(values.table ? { table: values.table } : {}),
        signal,
      });
    } catch (error) {
      throw cliError(error);
    }
  },
});
