/**
 * The table view: its schema, a lookup by full key, and its rows listed in key order (all, or
 * with a key prefix), a page at a time with a link to the next (keyset paging: no page scans
 * the table). Key columns link to the row page.
 *
 * @module
 */
import { HttpError } from "../../http/mod.ts";
import type { TableInfo } from "../../reader/mod.ts";
import { type ConsoleContext, page } from "../context.ts";
import { toConsoleError } from "../errors.ts";
import { markup, type SafeHtml } from "../html.ts";
import { keyPartText, type KeyValue, parseFullKey, parseKeyPrefix } from "../keys.ts";
import { readRowPage } from "../row_pages.ts";
import { familyUrl, listUrl, rowUrl, tableUrl } from "../urls.ts";
import { renderValue } from "../values.ts";
import { schemaTable } from "./families.ts";

/** Rows per page unless `limit` says otherwise. */
export const DEFAULT_PAGE_ROWS = 50;

/** The largest `limit`. */
export const MAX_PAGE_ROWS = 500;

/**
 * The reader's description of a table, or the console's error for it.
 *
 * @throws {HttpError} 400 for invalid names, 404 for a table not in the LDB.
 * @example
 * ```ts
 * const info = tableInfo(ctx, "demo", "users");
 * ```
 */
export function tableInfo(ctx: ConsoleContext, family: string, table: string): TableInfo {
  try {
    return ctx.ldb.reader().tableInfo(family, table);
  } catch (error) {
    throw toConsoleError(error, { family, table });
  }
}

/**
 * The breadcrumbs of a table's pages.
 *
 * @example
 * ```ts
 * tableCrumbs(info, "History");
 * ```
 */
export function tableCrumbs(info: TableInfo, last?: string): { label: string; href?: string }[] {
  return [
    { label: "Families", href: "/" },
    { label: info.family, href: familyUrl(info.family) },
    last ? { label: info.table, href: tableUrl(info.family, info.table) } : { label: info.table },
    ...(last ? [{ label: last }] : []),
  ];
}

function parseLimit(text: string | null): number {
  if (text === null || text === "") return DEFAULT_PAGE_ROWS;
  const value = Number(text);
  if (!/^\d+$/.test(text) || value < 1 || value > MAX_PAGE_ROWS) {
    throw new HttpError(
      400,
      `Invalid limit "${text}": rows per page go from 1 to ${MAX_PAGE_ROWS}`,
    );
  }
  return value;
}

function keyInputs(info: TableInfo, name: string, values: readonly string[], required: boolean) {
  return info.keyColumns.map((column, i) => {
    const binary = column.fieldType === "bytestring" || column.fieldType === "binary";
    const hint = `${column.fieldType ?? column.declaredType}${binary ? ", text or 0x hex" : ""}`;
    const value = values[i] ?? "";
    const input = required
      ? markup`<input name="${name}" value="${value}" required autocomplete="off">`
      : markup`<input name="${name}" value="${value}" autocomplete="off">`;
    return markup`<label><span>${column.name} <small>${hint}</small></span>${input}</label>`;
  });
}

function rowsTable(info: TableInfo, rows: readonly unknown[][]): SafeHtml {
  const keyIndexes = info.keyColumns.map((k) => info.columns.findIndex((c) => c.name === k.name));
  const isKey = (i: number) => keyIndexes.includes(i);
  const header = info.columns.map((column, i) =>
    isKey(i) ? markup`<th class="key">${column.name}</th>` : markup`<th>${column.name}</th>`
  );
  const body = rows.map((row) => {
    const href = rowUrl(info.family, info.table, keyIndexes.map((i) => row[i]));
    const cells = row.map((value, i) => {
      const shown = renderValue(value, { short: true });
      return isKey(i)
        ? markup`<td class="key"><a href="${href}">${shown}</a></td>`
        : markup`<td>${shown}</td>`;
    });
    return markup`<tr>${cells}</tr>`;
  });
  const empty =
    markup`<tr class="empty"><td colspan="${info.columns.length}" class="muted">No rows.</td></tr>`;
  return markup`<div class="scroll">
<table class="grid rows">
<thead><tr>${header}</tr></thead>
<tbody>${rows.length ? body : empty}</tbody>
</table>
</div>`;
}

function describePrefix(info: TableInfo, prefix: readonly KeyValue[]): string {
  if (prefix.length === 0) return "All rows, in key order";
  const parts = prefix.map((part, i) => `${info.keyColumns[i]!.name} = ${keyPartText(part)}`);
  return `Rows with ${parts.join(", ")}, in key order`;
}

/**
 * `GET /families/:family/tables/:table?p=…&a=…&limit=N`.
 *
 * @throws {HttpError} 400 for an invalid prefix, cursor or limit; 404 for an unknown table.
 * @example
 * ```ts
 * router.add("GET", "/families/:family/tables/:table", (r, p) => tablePage(ctx, p.family!, p.table!, new URL(r.url)));
 * ```
 */
export function tablePage(
  ctx: ConsoleContext,
  family: string,
  table: string,
  url: URL,
): Response {
  const info = tableInfo(ctx, family, table);
  const params = url.searchParams;
  const prefixTexts = params.getAll("p");
  const prefix = parseKeyPrefix(info.keyColumns, prefixTexts);
  const afterTexts = params.getAll("a");
  const after = afterTexts.length > 0 ? parseFullKey(info.keyColumns, afterTexts) : undefined;
  const limit = parseLimit(params.get("limit"));
  let rows;
  try {
    rows = readRowPage(ctx.ldb.db(), info, { prefix, after, limit });
  } catch (error) {
    throw toConsoleError(error, info);
  }
  const { family: f, table: t } = info;
  const next = rows.next
    ? markup`<a class="button" rel="next" href="${
      listUrl(f, t, prefix, rows.next, limit)
    }">Next ${limit} →</a>`
    : "";
  const first = after
    ? markup`<a class="button" href="${listUrl(f, t, prefix, [], limit)}">← First page</a>`
    : "";
  const keyNames = info.keyColumns.map((c) => c.name).join(", ");
  const continued = after ? markup` <span class="muted">(continued)</span>` : "";
  const body = markup`<p class="actions">
<a class="button" href="${tableUrl(f, t, "history")}">History</a>
<a class="button danger" href="${tableUrl(f, t, "clear")}">Clear table…</a>
</p>
<details class="schema">
<summary>Schema: ${info.columns.length} fields, key ${keyNames}</summary>
${schemaTable(info)}
</details>
<div class="forms">
<form class="card" method="get" action="${tableUrl(f, t, "row")}">
<h2>Look up a row</h2>
<div class="inputs">${keyInputs(info, "k", [], true)}</div>
<button type="submit">Look up</button>
</form>
<form class="card" method="get" action="${tableUrl(f, t)}">
<h2>List by key prefix</h2>
<div class="inputs">${keyInputs(info, "p", prefixTexts, false)}</div>
<input type="hidden" name="limit" value="${limit}">
<button type="submit">List</button>
</form>
</div>
<h2>${describePrefix(info, prefix)}${continued}</h2>
${rowsTable(info, rows.rows)}
<p class="pager">${first} ${next}</p>`;
  return page(ctx, {
    title: `${info.family}.${info.table}`,
    section: "families",
    crumbs: tableCrumbs(info),
    body,
  });
}
