/**
 * The row page: one row by its full key, every field with its value (blobs as hex and base64,
 * integers exact), and the row's own history (its upserts and deletes, and the table-wide
 * clears and drops that removed it), newest first and followed live. A key with no row is not
 * an error of the page: the row may have been deleted, and its history says when.
 *
 * @module
 */
import type { Change, ColumnInfo, TableInfo } from "../../reader/mod.ts";
import { type ConsoleContext, page } from "../context.ts";
import { toConsoleError } from "../errors.ts";
import { recentChanges } from "../history.ts";
import { markup, type SafeHtml } from "../html.ts";
import { keyPartText, type KeyValue, parseFullKey, sameKey } from "../keys.ts";
import { notice } from "../layout.ts";
import { rowUrl, tableUrl } from "../urls.ts";
import { renderValue } from "../values.ts";
import { changesTable, keyJson } from "./changes.ts";
import { HISTORY_ROWS, historyRange, parseBefore } from "./history.ts";
import { tableCrumbs, tableInfo } from "./table.ts";

/**
 * The most ledger seqs a row page reads for the row's history: every entry of the table in that
 * range is read to find the row's, so it is kept smaller than a table history's; older entries
 * are a click away.
 */
const ROW_HISTORY_WINDOW = 16_384;

function keyObject(info: TableInfo, key: readonly KeyValue[]): Record<string, unknown> {
  return Object.fromEntries(info.keyColumns.map((column, i) => [column.name, key[i]]));
}

function fieldRow(info: TableInfo, column: ColumnInfo, value: unknown): SafeHtml {
  const key = info.keyColumns.some((k) => k.name === column.name)
    ? markup` <span class="badge key">key</span>`
    : "";
  return markup`<tr>
<th>${column.name}${key}<small>${column.fieldType ?? column.declaredType}</small></th>
<td>${renderValue(value)}</td>
</tr>`;
}

function touches(key: readonly KeyValue[]) {
  return (change: Change) =>
    change.op === "clear" || change.op === "drop" || sameKey(Object.values(change.key), key);
}

/**
 * `GET /families/:family/tables/:table/row?k=…` (one `k` per key column, in key order).
 *
 * @throws {HttpError} 400 for an invalid key, 404 for an unknown table.
 * @example
 * ```ts
 * router.add("GET", "/families/:family/tables/:table/row", (r, p) => rowPage(ctx, p.family!, p.table!, new URL(r.url)));
 * ```
 */
export function rowPage(ctx: ConsoleContext, family: string, table: string, url: URL): Response {
  const info = tableInfo(ctx, family, table);
  const key = parseFullKey(info.keyColumns, url.searchParams.getAll("k"));
  const before = parseBefore(url.searchParams.get("before"));
  const reader = ctx.ldb.reader();
  let row;
  try {
    row = reader.getRowByKey(info.family, info.table, key);
  } catch (error) {
    throw toConsoleError(error, info);
  }
  let history;
  try {
    const recent = recentChanges(reader, {
      family: info.family,
      table: info.table,
      before,
      limit: HISTORY_ROWS,
      match: touches(key),
      maxWindow: ROW_HISTORY_WINDOW,
    });
    const live = before === undefined
      ? {
        family: info.family,
        table: info.table,
        after: recent.end,
        keyTypes: info.keyColumns.map((c) => c.fieldType),
        keyJson: keyJson(keyObject(info, key)),
      }
      : undefined;
    const here = (params: [string, string][] = []) =>
      tableUrl(info.family, info.table, "row", [
        ...key.map((part): [string, string] => ["k", keyPartText(part)]),
        ...params,
      ]);
    history = markup`${changesTable(recent.changes, live)}${
      historyRange(
        recent,
        (seq) => here([["before", String(seq)]]),
        before === undefined ? undefined : here(),
      )
    }`;
  } catch (error) {
    history = notice(toConsoleError(error, info).message);
  }
  const label = info.keyColumns.map((c, i) => `${c.name}=${keyPartText(key[i])}`).join(", ");
  const fields = row === undefined
    ? notice(`No row with ${label} in ${info.family}.${info.table} now.`, "info")
    : markup`<div class="scroll">
<table class="grid fields">
<tbody>${info.columns.map((column) => fieldRow(info, column, row[column.name]))}</tbody>
</table>
</div>`;
  return page(ctx, {
    title: `${info.family}.${info.table} ${label}`,
    section: "families",
    crumbs: tableCrumbs(info, label),
    body: markup`${fields}
<p class="actions"><a class="button" href="${rowUrl(info.family, info.table, key)}">Reload</a></p>
<h2>History of this row</h2>
${history}`,
  }, row === undefined ? 404 : 200);
}
