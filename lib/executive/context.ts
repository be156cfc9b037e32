/**
 * What every executive operation works with: the ctldb, the ledger writer, the limiter, the
 * metrics, the logger and the resolved configuration. Built once by `mod.ts`.
 *
 * @module
 */
import type { Ctldb } from "../ctldb/mod.ts";
import type { Logger } from "../log/mod.ts";
import type { ResolvedExecutiveConfig } from "./config.ts";
import type { GroupCommit } from "./group_commit.ts";
import type { Ledger } from "./ledger.ts";
import type { Limiter } from "./limiter.ts";
import type { ExecutiveMetrics } from "./metrics.ts";
import type { TableMetaCache } from "./table_meta.ts";

/**
 * The shared state of one running executive.
 *
 * @example
 * ```ts
 * async function familyCount(ctx: ExecutiveContext): Promise<number> {
 *   const rows = await ctx.db.query<{ n: number }>("SELECT COUNT(*) AS n FROM families");
 *   return rows[0]?.n ?? 0;
 * }
 * ```
 */
export interface ExecutiveContext {
  readonly db: Ctldb;
  readonly ledger: Ledger;
  /** Where validated mutation requests wait for their shared ledger transaction. */
  readonly groupCommit: GroupCommit;
  readonly limiter: Limiter;
  /** Cached family-table columns for the mutation path. */
  readonly tables: TableMetaCache;
  readonly metrics: ExecutiveMetrics;
  readonly log: Logger;
  readonly config: ResolvedExecutiveConfig;
}
