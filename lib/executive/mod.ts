/**
 * The executive: the HTTP service that is the only writer of the system of record (ctldb)
 * and its DML ledger (spec §7, DESIGN §3). {@linkcode startExecutive} opens the ctldb,
 * creates its schema where missing, loads the limits, serves HTTP and stops gracefully.
 * `ctlstore executive` and `ctlstore up` both start it through this function.
 *
 * @module
 */
import { openCtldb } from "../ctldb/mod.ts";
import { formatListenAddress, startServer } from "../http/mod.ts";
import { redactDsn } from "../log/mod.ts";
import { type ExecutiveConfig, resolveExecutiveConfig } from "./config.ts";
import { PeriodicTasks, reportFailures } from "./background.ts";
import type { ExecutiveContext } from "./context.ts";
import { Ledger } from "./ledger.ts";
import { countLedgerRows } from "./ledger_row_count.ts";
import { Limiter } from "./limiter.ts";
import { ExecutiveMetrics } from "./metrics.ts";
import { createExecutiveHandler } from "./routes.ts";
import type { RunningService } from "../service.ts";
import { TableMetaCache } from "./table_meta.ts";

export { EXECUTIVE_DEFAULTS, type ExecutiveConfig, resolveExecutiveConfig } from "./config.ts";
export { hashSecret, initialCookie } from "./secrets.ts";
export type { RunningService } from "../service.ts";

/**
 * Starts an executive.
 *
 * @throws When the ctldb cannot be opened or read at startup, or the address cannot be bound.
 * @example
 * ```ts
 * const executive = await startExecutive({ bind: "127.0.0.1:3000", ctldb: "sqlite:./data/ctldb.db" });
 * await executive.finished;
 * ```
 */
export async function startExecutive(config: ExecutiveConfig): Promise<RunningService> {
  const resolved = resolveExecutiveConfig(config);
  const log = resolved.logger;
  const ownsDb = resolved.db === undefined;
  const db = resolved.db ?? await openCtldb(resolved.ctldb);
  const metrics = new ExecutiveMetrics(resolved.shadow);
  const limiter = new Limiter(db, resolved, metrics, log.child("limiter"));
  const ctx: ExecutiveContext = {
    db,
    ledger: new Ledger(db, log.child("ledger")),
    limiter,
    tables: new TableMetaCache(db),
    metrics,
    log,
    config: resolved,
  };
  metrics.watchPendingRepairs(() => ctx.ledger.pendingRepairs);
  const tasks = new PeriodicTasks(reportFailures(metrics, log));
  const stopRequested = new AbortController();
  let server;
  try {
    await db.ensureSchema();
    await limiter.start();
    tasks.every(resolved.limitsRefreshMs, "instrument-ledger-row-count", async () => {
      metrics.ledgerRowCount.set(await countLedgerRows(db));
    }, { immediately: true });
    log.info(`running with max/warn: ${resolved.maxTableSize} ${resolved.warnTableSize}`);
    server = await startServer(resolved.bind, createExecutiveHandler(ctx, stopRequested.signal));
  } catch (error) {
    await Promise.all([limiter.stop(), tasks.stop()]);
    if (ownsDb) await db.close();
    throw error;
  }
  log.info("executive listening", {
    address: formatListenAddress(server.address),
    dialect: db.dialect,
    ctldb: ownsDb ? redactDsn(resolved.ctldb) : "(shared)",
    destructive: resolved.enableDestructiveSchemaChanges,
    adminToken: resolved.adminToken !== "",
  });
  const running = server;
  let stopping: Promise<void> | undefined;
  const stop = () =>
    stopping ??= (async () => {
      stopRequested.abort();
      await running.shutdown();
      await Promise.all([limiter.stop(), tasks.stop()]);
      if (ownsDb) await db.close();
      log.info("executive stopped");
    })();
  resolved.signal?.addEventListener("abort", () => void stop(), { once: true });
  if (resolved.signal?.aborted) void stop();
  return { address: server.address, stop, finished: running.finished.then(stop) };
}
