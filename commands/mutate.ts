/**
 * `ctlstore mutate`: writes (upserts) one row through the executive as a writer and prints the
 * ledger seq of the write, for scripts.
 *
 * @module
 */
import { defineCommand } from "./_command.ts";
import { ROW_WRITE_FLAGS, rowValues, writeRow } from "./_rows.ts";

/** The `mutate` command. */
export const mutateCommand = defineCommand({
  name: "mutate",
  summary: "write one row as a writer and print its ledger seq",
  description: "Upserts one row: every column of the table needs a value. Values come from\n" +
    "-row '<json object>' and from -set (repeatable), which wins over -row:\n" +
    "  -set name=ada       a string, or an integer when it is digits only (-set id=42)\n" +
    "  -set score:=1.5     any JSON value (1.5, true, null, '\"0042\"')\n" +
    "Bytes (binary, bytestring) are base64 text. Prints the seq of the write (-json: " +
    '{"seq":N}),\n' +
    "which 'ctlstore wait-seq' and the sidecar's X-Ctlstore-Min-Seq wait for.\n\n" +
    "Example:\n\n" +
    "  CTLSTORE_SECRET=demo-secret ctlstore mutate -family demo -table users \\\n" +
    "    -writer demo-writer -set id=1 -set name=ada -set avatar=3q2+7w==",
  flags: {
    ...ROW_WRITE_FLAGS,
    set: { type: "list", help: "a column value as name=value or name:=<json> (repeatable)" },
    row: { type: "string", help: "the row as a JSON object" },
  },
  async run(values) {
    await writeRow(
      values,
      (table) => ({ table, values: rowValues(values.set, "set", values.row) }),
    );
  },
});
