/**
 * The table of change-history entries the history page and the row page share: newest first,
 * with ledger seq, time, operation, key and transaction, and the attributes the page script
 * reads to add new entries live from `/watch` (the console's own change stream).
 *
 * @module
 */
import type { Change } from "../../reader/mod.ts";
import { stringifyGoJson } from "../../schema/mod.ts";
import { markup, type SafeHtml } from "../html.ts";
import { rowUrl, tableUrl } from "../urls.ts";
import { renderTime } from "../values.ts";

/** Where new entries come from, when the page follows them. */
export interface LiveChanges {
  /** The family and table followed. */
  family: string;
  table: string;
  /** The seq the page shows entries up to: the stream starts after it. */
  after: number;
  /** The field types of the key columns, in key order (to link new entries to their rows). */
  keyTypes: readonly (string | undefined)[];
  /** Only entries of this key (its JSON, as the stream writes it), and table-wide ones. */
  keyJson?: string;
}

/**
 * A change's key as the change feed writes it (exact integers, base64 bytes).
 *
 * @example
 * ```ts
 * keyJson({ id: 9007199254740993n }); // '{"id":9007199254740993}'
 * ```
 */
export function keyJson(key: Record<string, unknown>): string {
  return stringifyGoJson(key);
}

function changeRow(change: Change): SafeHtml {
  const text = keyJson(change.key);
  const rowOp = change.op === "upsert" || change.op === "delete";
  const href = rowUrl(change.family, change.table, Object.values(change.key));
  const key = rowOp
    ? markup`<a href="${href}"><code>${text}</code></a>`
    : markup`<span class="muted">whole table</span>`;
  return markup`<tr>
<td class="n">${change.seq}</td>
<td>${renderTime(change.time)}</td>
<td><span class="op ${change.op}">${change.op}</span></td>
<td>${key}</td>
<td class="n">${change.tx}</td>
</tr>`;
}

/**
 * Renders the entries (already newest first), following new ones when `live` is given.
 *
 * @example
 * ```ts
 * changesTable(recent.changes, { family: "demo", table: "users", after: recent.end, keyTypes: ["integer"] });
 * ```
 */
export function changesTable(changes: readonly Change[], live?: LiveChanges): SafeHtml {
  let tbody = markup`<tbody>`;
  if (live) {
    const watch = `/watch?${new URLSearchParams({
      family: live.family,
      table: live.table,
      after: String(live.after),
    })}`;
    const rowBase = tableUrl(live.family, live.table, "row");
    const keyTypes = JSON.stringify(live.keyTypes);
    tbody = live.keyJson === undefined
      ? markup`<tbody data-watch="${watch}" data-row-base="${rowBase}" data-key-types="${keyTypes}">`
      : markup`<tbody data-watch="${watch}" data-row-base="${rowBase}" data-key-types="${keyTypes}" data-key="${live.keyJson}">`;
  }
  const waiting = live ? " yet: new ones appear here as they are applied" : "";
  const empty = changes.length === 0
    ? markup`<tr class="empty"><td colspan="5" class="muted">No changes in this range${waiting}.</td></tr>`
    : "";
  const status = live ? markup`<p class="live" data-live-status>Following new changes…</p>` : "";
  return markup`${status}
<div class="scroll">
<table class="grid changes">
<thead><tr><th class="n">Seq</th><th>Time (UTC)</th><th>Op</th><th>Key</th><th class="n">Tx</th></tr></thead>
${tbody}${empty}${changes.map(changeRow)}</tbody>
</table>
</div>`;
}
