/**
 * What every console page reads from: the configuration, the LDB, its table counts, the
 * executive and the fleet; and the parts every page shares (the LDB's position in the header,
 * the page frame filled in with it).
 *
 * @module
 */
import type { ResolvedConsoleConfig } from "./config.ts";
import type { ExecutiveSource } from "./executive_source.ts";
import type { FleetPoller } from "./fleet.ts";
import { markup, type SafeHtml } from "./html.ts";
import { type PageParts, pageResponse, renderPage } from "./layout.ts";
import type { LdbSource } from "./ldb_source.ts";
import type { TableStats } from "./table_stats.ts";
import { formatDuration } from "./values.ts";

/** The console's sources of data. */
export interface ConsoleContext {
  readonly config: ResolvedConsoleConfig;
  readonly ldb: LdbSource;
  readonly stats: TableStats;
  /** The executive, when one is configured. */
  readonly executive: ExecutiveSource | undefined;
  readonly fleet: FleetPoller;
}

/**
 * The LDB's position for the page header: applied seq and ledger latency, or why not.
 *
 * @example
 * ```ts
 * ldbPosition(ctx).toString(); // 'LDB seq <b>42</b> · latency 1.20 s'
 * ```
 */
export function ldbPosition(ctx: ConsoleContext): SafeHtml {
  try {
    const reader = ctx.ldb.reader();
    const seq = reader.getLastSequence();
    let latency: SafeHtml;
    try {
      latency = markup` · latency <b>${formatDuration(reader.getLedgerLatency())}</b>`;
    } catch {
      latency = markup` · no ledger write applied yet`;
    }
    return markup`<span title="${ctx.ldb.path}">LDB seq <b data-ldb-seq>${seq}</b>${latency}</span>`;
  } catch {
    return markup`<span class="bad" title="${ctx.ldb.path}">no LDB</span>`;
  }
}

/**
 * A page answer with the shared parts filled in.
 *
 * @example
 * ```ts
 * return page(ctx, { title: "Fleet", section: "fleet", body });
 * ```
 */
export function page(
  ctx: ConsoleContext,
  parts: Omit<PageParts, "status" | "admin">,
  status = 200,
): Response {
  return pageResponse(
    renderPage({ ...parts, status: ldbPosition(ctx), admin: ctx.config.adminToken !== "" }),
    status,
  );
}
