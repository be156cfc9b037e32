/**
 * The limits and writers page: the executive's table size limits and writer rate limits (its
 * defaults and every override), and the writers it has committed mutations for since it started.
 * Each part that cannot be read says why, in words, while the others show.
 *
 * @module
 */
import type { RateLimit, TableLimits, WriterLimits } from "../../client/mod.ts";
import { type ConsoleContext, page } from "../context.ts";
import type { Fetched, SeenWriter } from "../executive_source.ts";
import { markup, type SafeHtml } from "../html.ts";
import { notice } from "../layout.ts";
import { familyUrl, tableUrl } from "../urls.ts";
import { formatBytes, formatDuration } from "../values.ts";

function rate(limit: RateLimit): string {
  const periodMs = limit.periodNs / 1e6;
  const per = periodMs === 60_000
    ? "minute"
    : periodMs === 1000
    ? "second"
    : formatDuration(periodMs);
  return `${limit.amount.toLocaleString("en-US")} mutations per ${per}`;
}

function part<T>(fetched: Fetched<T>, render: (value: T) => SafeHtml): SafeHtml {
  return "problem" in fetched ? notice(fetched.problem) : render(fetched.value);
}

function grid(head: SafeHtml, rows: SafeHtml[], empty: string, columns: number): SafeHtml {
  const body = rows.length > 0
    ? rows
    : markup`<tr class="empty"><td colspan="${columns}" class="muted">${empty}</td></tr>`;
  return markup`<div class="scroll"><table class="grid"><thead>${head}</thead><tbody>${body}</tbody></table></div>`;
}

function tableLimits(limits: TableLimits): SafeHtml {
  const { warnSize, maxSize } = limits.global;
  const rows = limits.tables.map((t) =>
    markup`<tr>
<td><a href="${familyUrl(t.family)}">${t.family}</a></td>
<td><a href="${tableUrl(t.family, t.table)}">${t.table}</a></td>
<td class="n">${formatBytes(t.warnSize)}</td>
<td class="n">${formatBytes(t.maxSize)}</td>
</tr>`
  );
  const head =
    markup`<tr><th>Family</th><th>Table</th><th class="n">Warn at</th><th class="n">Refuse at</th></tr>`;
  return markup`<p>Default: warn at <b>${formatBytes(warnSize)}</b>, refuse writes at <b>${
    formatBytes(maxSize)
  }</b>.</p>
${grid(head, rows, "No table has its own limits.", 4)}`;
}

function writerLimits(limits: WriterLimits): SafeHtml {
  const rows = limits.writers.map((w) =>
    markup`<tr><td><code>${w.writer}</code></td><td>${rate(w.rateLimit)}</td></tr>`
  );
  const head = markup`<tr><th>Writer</th><th>Limit</th></tr>`;
  return markup`<p>Default: <b>${rate(limits.global)}</b>.</p>
${grid(head, rows, "No writer has its own limit.", 2)}`;
}

function writersSeen(writers: readonly SeenWriter[]): SafeHtml {
  const rows = writers.map((w) =>
    markup`<tr><td><code>${w.writer}</code></td><td class="n">${
      w.mutations.toLocaleString("en-US")
    }</td></tr>`
  );
  const head = markup`<tr><th>Writer</th><th class="n">Mutations</th></tr>`;
  return grid(head, rows, "None yet.", 2);
}

/**
 * `GET /limits`.
 *
 * @example
 * ```ts
 * router.add("GET", "/limits", () => limitsPage(ctx));
 * ```
 */
export async function limitsPage(ctx: ConsoleContext): Promise<Response> {
  const title = "Limits & writers";
  const executive = ctx.executive;
  if (!executive) {
    return page(ctx, {
      title,
      section: "limits",
      body: notice("No executive configured: start the console with -executive-url.", "info"),
    });
  }
  const [tables, writers, seen] = await Promise.all([
    executive.tableLimits(),
    executive.writerLimits(),
    executive.writersSeen(),
  ]);
  const body = markup`<p class="muted">From the executive at <code>${executive.url}</code>.</p>
<h2>Table size limits</h2>
${part(tables, tableLimits)}
<h2>Writer rate limits</h2>
${part(writers, writerLimits)}
<h2>Writers seen</h2>
<p class="muted">Writers with mutations committed since the executive started (its
<code>mutations</code> metric).</p>
${part(seen, writersSeen)}`;
  return page(ctx, { title, section: "limits", body });
}
