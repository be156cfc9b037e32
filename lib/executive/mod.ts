/**
 * The executive: the HTTP service that is the only writer of the system of record (ctldb)
 * and its DML ledger (spec §7, DESIGN §3). {@linkcode startExecutive} binds its address, opens
 * the ctldb, creates its schema where missing, loads the limits (waiting, with 503 answers, while
 * the ctldb is unreachable), serves HTTP and stops gracefully.
 * `ctlstore executive` and `ctlstore up` both start it through this function.
 *
 * @module
 */
import { adapterForDsn, openCtldb } from "../ctldb/mod.ts";
import { formatListenAddress, startServer } from "../http/mod.ts";
import { errorMessage, redactDsn } from "../log/mod.ts";
import { registerConnectionMetrics } from "../metrics/mod.ts";
import { type ExecutiveConfig, resolveExecutiveConfig } from "./config.ts";
import { PeriodicTasks, reportFailures } from "./background.ts";
import type { ExecutiveContext } from "./context.ts";
import { GroupCommit } from "./group_commit.ts";
import { Ledger } from "./ledger.ts";
import { countLedgerRows } from "./ledger_row_count.ts";
import { Limiter } from "./limiter.ts";
import { ExecutiveMetrics } from "./metrics.ts";
import { CtldbReadiness } from "./readiness.ts";
import { createExecutiveHandler } from "./routes.ts";
import type { RunningService } from "../service.ts";
import { TableMetaCache } from "./table_meta.ts";

export {
  EXECUTIVE_DEFAULTS,
  type ExecutiveConfig,
  type ExecutiveLimits,
  resolveExecutiveConfig,
} from "./config.ts";
export { hashSecret, initialCookie } from "./secrets.ts";
export type { RunningService } from "../service.ts";

/**
 * Starts an executive.
 *
 * @throws When the DSN or bind address is malformed, the address cannot be bound, the ctldb
 *   cannot be opened (a SQLite file whose directory is missing), or getting ready fails for a
 *   reason other than an unreachable ctldb. An unreachable ctldb is waited for instead.
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
  // A malformed DSN or bind address fails before anything is bound or created; the port is
  // bound before the ctldb is opened, so a taken port creates no SQLite file either. Requests
  // that arrive during the first attempt to get ready wait for its outcome, so an answering
  // port still means a ready executive whenever the ctldb is reachable at start.
  if (ownsDb) adapterForDsn(resolved.ctldb);
  const started = Promise.withResolvers<void>();
  const failed = () => Promise.resolve(new Response("executive failed to start", { status: 503 }));
  let handle = async (request: Request): Promise<Response> => {
    await started.promise;
    return handle(request);
  };
  const server = await startServer(resolved.bind, (request) => handle(request), {
    idleTimeoutMs: resolved.idleTimeoutMs,
    maxConnections: resolved.maxConnections,
  });
  let db;
  try {
    db = resolved.db ?? await openCtldb(resolved.ctldb);
  } catch (error) {
    handle = failed;
    started.resolve();
    await server.shutdown();
    throw error;
  }
  const ctldb = db;
  const metrics = new ExecutiveMetrics(resolved.shadow);
  registerConnectionMetrics(metrics.registry, "executive", () => server.connections);
  const limiter = new Limiter(ctldb, resolved, metrics, log.child("limiter"));
  const parts = {
    db: ctldb,
    ledger: new Ledger(ctldb, log.child("ledger")),
    limiter,
    tables: new TableMetaCache(ctldb),
    metrics,
  };
  const ctx: ExecutiveContext = {
    ...parts,
    groupCommit: new GroupCommit(parts),
    log,
    config: resolved,
  };
  metrics.watchPendingRepairs(() => ctx.ledger.pendingRepairs);
  const tasks = new PeriodicTasks(reportFailures(metrics, log));
  const readiness = new CtldbReadiness(async () => {
    await ctldb.ensureSchema();
    await limiter.start();
    tasks.every(resolved.limitsRefreshMs, "instrument-ledger-row-count", async () => {
      metrics.ledgerRowCount.set(await countLedgerRows(ctldb));
    }, { immediately: true });
  }, log);
  const stopRequested = new AbortController();
  const executiveHandler = createExecutiveHandler(ctx, {
    stopping: stopRequested.signal,
    readiness,
  });
  const release = async () => {
    await readiness.stop();
    await Promise.all([limiter.stop(), tasks.stop()]);
    if (ownsDb) await ctldb.close();
  };
  try {
    await readiness.start();
  } catch (error) {
    handle = failed;
    started.resolve();
    await server.shutdown();
    await release();
    throw error;
  }
  handle = executiveHandler;
  started.resolve();
  log.info(`running with max/warn: ${resolved.maxTableSize} ${resolved.warnTableSize}`);
  log.info("executive listening", {
    address: formatListenAddress(server.address),
    dialect: ctldb.dialect,
    ctldb: ownsDb ? redactDsn(resolved.ctldb) : "(shared)",
    ready: readiness.ready,
    destructive: resolved.enableDestructiveSchemaChanges,
    adminToken: resolved.adminToken !== "",
  });
  let stopping: Promise<void> | undefined;
  const stop = () =>
    stopping ??= (async () => {
      stopRequested.abort();
      await server.shutdown();
      await release();
      log.info("executive stopped");
    })();
  resolved.signal?.addEventListener("abort", () => void stop(), { once: true });
  if (resolved.signal?.aborted) void stop();
  // A preparation that fails for good after a start during an outage ends the executive.
  const finished = Promise.race([server.finished, readiness.failed]).then(
    stop,
    async (error: unknown) => {
      log.error("executive cannot become ready", { error: errorMessage(error) });
      await stop();
      throw error;
    },
  );
  return { address: server.address, stop, finished };
}
