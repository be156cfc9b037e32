// deno-lint-ignore-file no-console
/**
 * `ctlstore read-seq`: prints the last ledger sequence applied to a local LDB (spec §3).
 *
 * @module
 */
import { defineCommand } from "./_command.ts";
import { LDB_FLAG, openReader, readerCall } from "./_ldb.ts";

/** The `read-seq` command. */
export const readSeqCommand = defineCommand({
  name: "read-seq",
  summary: "print the last ledger sequence applied to a local LDB",
  flags: LDB_FLAG,
  run(values) {
    using reader = openReader(values.ldb);
    console.log(String(readerCall(() => reader.getLastSequence())));
    return Promise.resolve();
  },
});
