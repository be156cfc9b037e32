// deno-lint-ignore-file no-console
/**
 * `ctlstore wait-seq`: waits until a local LDB has applied a ledger seq (the `seq` the
 * executive answered a write with), for deploy scripts asking "has my change reached this
 * host?". The reader's {@linkcode Reader.waitForSequence} does the work; this file turns flags
 * into its arguments and words the timeout for a shell user.
 *
 * @module
 */
import { defaultLdbPath, ReaderError, SequenceTimeoutError } from "../lib/mod.ts";
import { formatGoDuration } from "../lib/flags/mod.ts";
import { CliError, defineCommand, FlagError } from "./_command.ts";
import { openReader } from "./_ldb.ts";

/** The reader's failures as one CLI line, the timeout in the flag's Go duration syntax. */
function cliError(error: unknown): unknown {
  if (error instanceof SequenceTimeoutError) {
    return new CliError(
      `seq ${error.seq} not applied after ${formatGoDuration(error.timeoutMs)}: ` +
        `the LDB is at seq ${error.lastSeq}`,
    );
  }
  if (error instanceof ReaderError || error instanceof RangeError) {
    return new CliError(error.message);
  }
  return error;
}

/** The `wait-seq` command. */
export const waitSeqCommand = defineCommand({
  name: "wait-seq",
  summary: "wait until a local LDB has applied a ledger seq",
  description: [
    "Waits until the LDB has applied ledger seq N, e.g. the seq an executive mutation answered",
    'with (body {"seq":N}, header X-Ctlstore-Seq), then prints the LDB\'s applied seq (N or',
    "more) on stdout and exits 0, at once when N is applied already. Exits 1 with one line on",
    "stderr when N is not applied within -timeout",
    "  error: seq N not applied after 30s: the LDB is at seq M",
    "or when the LDB is missing. -timeout 0 checks once without waiting.",
    "",
    'Example: ctlstore wait-seq -seq 1234 -timeout 2m && echo "my change reached this host"',
  ].join("\n"),
  flags: {
    "ldb-path": {
      type: "string",
      help: "LDB path (empty: $CTLSTORE_PATH/ldb.db, default /var/spool/ctlstore/ldb.db)",
    },
    seq: { type: "int", help: "the ledger seq to wait for, 1 or more", required: true },
    timeout: { type: "duration", help: "how long to wait", default: "30s" },
  },
  async run(values) {
    if (values.timeout < 0) {
      throw new FlagError(
        `invalid value passed to -timeout: '${formatGoDuration(values.timeout)}' ` +
          "(must not be negative)",
      );
    }
    using reader = openReader(values["ldb-path"] || defaultLdbPath());
    let applied: number;
    try {
      applied = await reader.waitForSequence(values.seq, { timeoutMs: values.timeout });
    } catch (error) {
      throw cliError(error);
    }
    console.log(String(applied));
  },
});
