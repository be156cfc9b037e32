/**
 * `ctlstore delete-row`: deletes one row by its key through the executive as a writer and
 * prints the ledger seq of the write, for scripts.
 *
 * @module
 */
import { defineCommand } from "./_command.ts";
import { ROW_WRITE_FLAGS, rowValues, writeRow } from "./_rows.ts";

/** The `delete-row` command. */
export const deleteRowCommand = defineCommand({
  name: "delete-row",
  summary: "delete one row by its key as a writer and print its ledger seq",
  description:
    "Every key column needs a -key (repeatable), written as for 'ctlstore mutate -set':\n" +
    "  -key id=42          a string, or an integer when it is digits only\n" +
    "  -key code:='\"007\"'  any JSON value\n" +
    "Deleting a row that does not exist succeeds. Prints the seq of the write " +
    '(-json: {"seq":N}).\n\n' +
    "Example:\n\n" +
    "  CTLSTORE_SECRET=demo-secret ctlstore delete-row -family demo -table users \\\n" +
    "    -writer demo-writer -key id=1",
  flags: {
    ...ROW_WRITE_FLAGS,
    key: { type: "list", help: "a key column value as name=value or name:=<json> (repeatable)" },
  },
  async run(values) {
    await writeRow(
      values,
      (table) => ({ table, delete: true, values: rowValues(values.key, "key") }),
    );
  },
});
