/**
 * The fleet page: each target's applied seq, how long it has been behind the fleet, ledger
 * latency, health, last error and, for supervisors, the last snapshot's age, size and checksum;
 * lagging and failing targets highlighted; line charts (uPlot) of ledger latency and applied seq
 * over the last hour. The page script refreshes the table (`/fleet/table`, the same HTML) and
 * the charts (`/fleet.json`) every poll interval.
 *
 * @module
 */
import { type ConsoleContext, page } from "../context.ts";
import type { TargetView } from "../fleet.ts";
import { markup, type SafeHtml } from "../html.ts";
import { notice } from "../layout.ts";
import { formatBytes, formatDuration } from "../values.ts";

const STATUS_TEXT: Record<TargetView["status"], string> = {
  ok: "ok",
  lagging: "lagging",
  unhealthy: "unhealthy",
  unreachable: "unreachable",
  waiting: "waiting",
};

function ago(at: number, now: number): string {
  return `${formatDuration(now - at)} ago`;
}

function snapshotCell(target: TargetView, now: number): SafeHtml {
  const snapshot = target.reading?.snapshot;
  if (target.reading?.kind !== "supervisor") return markup``;
  if (!snapshot) return markup`<span class="muted">none published yet</span>`;
  const seq = snapshot.seq === undefined ? "" : `, seq ${snapshot.seq}`;
  const size = snapshot.sizeBytes === undefined ? "" : formatBytes(snapshot.sizeBytes);
  const checksum = snapshot.checksum
    ? markup`<code class="b64" title="base64 SHA-1 of the uncompressed snapshot">${snapshot.checksum}</code>`
    : markup`<span class="muted">checksum not exported</span>`;
  return markup`<div>${ago(snapshot.at, now)}${seq}</div><div>${size}</div><div>${checksum}</div>`;
}

function targetRow(target: TargetView, lagThresholdMs: number, now: number): SafeHtml {
  const reading = target.reading;
  const behindText = formatDuration(target.behindMs);
  const behind = target.behindMs === 0
    ? markup`<span class="muted">—</span>`
    : target.behindMs > lagThresholdMs
    ? markup`<span class="bad">${behindText}</span>`
    : markup`<span>${behindText}</span>`;
  const latency = reading?.reachable && reading.latencySeconds !== undefined
    ? formatDuration(reading.latencySeconds * 1000)
    : "—";
  const health = reading?.health === undefined
    ? markup`<span class="muted">—</span>`
    : markup`<span class="${reading.healthy ? "good" : "bad"}">${reading.health}</span>`;
  const lastError = target.lastError
    ? markup`<div>${target.lastError.message}</div><small class="muted">${
      ago(target.lastError.at, now)
    }</small>`
    : markup`<span class="muted">none</span>`;
  const where = target.url && target.url !== target.label ? ` · ${target.url}` : "";
  const kind = reading?.kind ?? "";
  return markup`<tr class="target ${target.status}" data-status="${target.status}" data-kind="${kind}">
<td><div class="target-label">${target.label}</div><small class="muted">${kind}${where}</small></td>
<td><span class="badge ${target.status}">${STATUS_TEXT[target.status]}</span></td>
<td class="n">${target.appliedSeq ?? "—"}</td>
<td class="n">${behind}</td>
<td class="n">${latency}</td>
<td>${health}</td>
<td>${lastError}</td>
<td>${snapshotCell(target, now)}</td>
</tr>`;
}

/**
 * The fleet table (the page's and `/fleet/table`'s HTML).
 *
 * @example
 * ```ts
 * router.add("GET", "/fleet/table", () => pageResponse(fleetTable(ctx).toString()));
 * ```
 */
export function fleetTable(ctx: ConsoleContext): SafeHtml {
  const view = ctx.fleet.view();
  const now = Date.now();
  if (view.targets.length === 0) {
    return notice(
      "No targets: give the console the /metrics URLs of reflectors, sidecars and supervisors " +
        "with -targets.",
      "info",
    );
  }
  const threshold = formatDuration(view.lagThresholdMs);
  const read = view.at ? `Read ${ago(view.at, now)}.` : "First reading in progress.";
  return markup`<p class="muted">Newest applied seq in the fleet: <b>${view.newestSeq ?? "—"}</b>.
A target lags when it has not reached a seq the fleet had ${threshold} ago. ${read}</p>
<div class="scroll">
<table class="grid fleet">
<thead><tr><th>Target</th><th>Status</th><th class="n">Applied seq</th><th class="n">Behind for</th><th class="n">Ledger latency</th><th>Health</th><th>Last error</th><th>Last snapshot</th></tr></thead>
<tbody>${view.targets.map((target) => targetRow(target, view.lagThresholdMs, now))}</tbody>
</table>
</div>`;
}

/**
 * `GET /fleet`.
 *
 * @example
 * ```ts
 * router.add("GET", "/fleet", () => fleetPage(ctx));
 * ```
 */
export function fleetPage(ctx: ConsoleContext): Response {
  const body = markup`
    <div data-fleet data-interval="${ctx.config.pollIntervalMs}">${fleetTable(ctx)}</div>
    <section class="charts">
      <div class="chart-box">
        <h2>Ledger latency (seconds), last hour</h2>
        <div class="chart" data-chart="latency"></div>
      </div>
      <div class="chart-box">
        <h2>Applied seq, last hour</h2>
        <div class="chart" data-chart="seq"></div>
      </div>
    </section>
  `;
  return page(ctx, { title: "Fleet", section: "fleet", charts: true, body });
}

/**
 * `GET /fleet.json`: the charts' data.
 *
 * @example
 * ```ts
 * router.add("GET", "/fleet.json", () => fleetJson(ctx));
 * ```
 */
export function fleetJson(ctx: ConsoleContext): Response {
  return new Response(JSON.stringify(ctx.fleet.chart()), {
    headers: { "content-type": "application/json", "cache-control": "no-store" },
  });
}
