/**
 * The history page of a table: its recent changes from the LDB's change history, newest first,
 * each with its ledger seq and time, following new ones live; older pages on request.
 *
 * @module
 */
import { HttpError } from "../../http/mod.ts";
import { type ConsoleContext, page } from "../context.ts";
import { toConsoleError } from "../errors.ts";
import { recentChanges } from "../history.ts";
import { markup, type SafeHtml } from "../html.ts";
import { tableUrl } from "../urls.ts";
import { changesTable } from "./changes.ts";
import { tableCrumbs, tableInfo } from "./table.ts";

/** Entries per history page. */
export const HISTORY_ROWS = 50;

/**
 * Parses `before`, the seq an older page ends at.
 *
 * @throws {HttpError} 400 when it is not a non-negative integer.
 * @example
 * ```ts
 * parseBefore("120"); // 120
 * ```
 */
export function parseBefore(text: string | null): number | undefined {
  if (text === null || text === "") return undefined;
  const value = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(value)) {
    throw new HttpError(400, `Invalid before "${text}": must be a ledger seq (a whole number)`);
  }
  return value;
}

/**
 * What a history answer covered, and the links to older and newest entries.
 *
 * @example
 * ```ts
 * historyRange(recent, (before) => tableUrl(f, t, "history", [["before", String(before)]]), newest);
 * ```
 */
export function historyRange(
  recent: { from: number; end: number; older: number | undefined },
  olderUrl: (before: number) => string,
  newestUrl: string | undefined,
): SafeHtml {
  const start = recent.older === undefined ? " (the start of the retained history)" : "";
  const newest = newestUrl ? markup`<a class="button" href="${newestUrl}">← Newest</a>` : "";
  const older = recent.older === undefined
    ? ""
    : markup`<a class="button" rel="next" href="${olderUrl(recent.older)}">Older →</a>`;
  return markup`<p class="pager"><span class="muted">Ledger seqs ${
    recent.from + 1
  }–${recent.end}${start}</span>
${newest} ${older}</p>`;
}

/**
 * `GET /families/:family/tables/:table/history?before=N`.
 *
 * @throws {HttpError} 400 for a bad `before`, 404 for an unknown table, 501 without history.
 * @example
 * ```ts
 * router.add("GET", "/families/:family/tables/:table/history", (r, p) => historyPage(ctx, p.family!, p.table!, new URL(r.url)));
 * ```
 */
export function historyPage(
  ctx: ConsoleContext,
  family: string,
  table: string,
  url: URL,
): Response {
  const info = tableInfo(ctx, family, table);
  const before = parseBefore(url.searchParams.get("before"));
  let recent;
  try {
    recent = recentChanges(ctx.ldb.reader(), {
      family: info.family,
      table: info.table,
      before,
      limit: HISTORY_ROWS,
    });
  } catch (error) {
    throw toConsoleError(error, info);
  }
  const history = (params: [string, string][] = []) =>
    tableUrl(info.family, info.table, "history", params);
  const live = before === undefined
    ? {
      family: info.family,
      table: info.table,
      after: recent.end,
      keyTypes: info.keyColumns.map((c) => c.fieldType),
    }
    : undefined;
  const range = historyRange(
    recent,
    (seq) => history([["before", String(seq)]]),
    before === undefined ? undefined : history(),
  );
  const body = markup`<p class="actions">
<a class="button" href="${tableUrl(info.family, info.table)}">Browse rows</a>
</p>
${changesTable(recent.changes, live)}
${range}`;
  return page(ctx, {
    title: `History of ${info.family}.${info.table}`,
    section: "families",
    crumbs: tableCrumbs(info, "History"),
    body,
  });
}
