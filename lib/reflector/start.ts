/**
 * Starting a reflector (spec §10.1): log the configuration (DSN redacted), bootstrap when the LDB
 * is absent, open the LDB and the upstream, serve `-metrics-bind`, start the main loop.
 *
 * @module
 */
import { openLdbForWrite } from "../ldb/mod.ts";
import { redactDsn, silentLogger } from "../log/mod.ts";
import { createRegistry } from "../metrics/mod.ts";
import { VERSION } from "../version.ts";
import { bootstrapLdb } from "./bootstrap.ts";
import { ChangelogFile } from "./changelog.ts";
import { type ReflectorConfig, resolveReflectorConfig } from "./config.ts";
import { LedgerSource } from "./ledger_source.ts";
import { reflectorMetrics } from "./metrics.ts";
import { Reflector, type RunningReflector } from "./reflector.ts";

/**
 * Starts a reflector: bootstrap if needed, open the LDB and the upstream, serve metrics, run.
 *
 * @param config What to reflect where; see {@linkcode ReflectorConfig}.
 * @returns The running reflector.
 * @throws {Error} When the configuration is invalid, bootstrap fails, the LDB cannot be opened
 *   or the metrics address cannot be bound. Upstream outages are retried, not thrown.
 * @example
 * ```ts
 * import { startReflector } from "./start.ts";
 *
 * const reflector = await startReflector({
 *   ldbPath: "/var/spool/ctlstore/ldb.db",
 *   upstreamDriver: "sqlite3",
 *   upstreamDsn: "./data/ctldb.db",
 * });
 * console.log(reflector.status().appliedSeq);
 * await reflector.stop();
 * ```
 */
export async function startReflector(config: ReflectorConfig): Promise<RunningReflector> {
  const resolved = resolveReflectorConfig(config);
  const log = resolved.logger ?? silentLogger;
  const registry = resolved.registry ?? createRegistry("reflector", VERSION);
  log.info("starting reflector", {
    id: resolved.id,
    ldbPath: resolved.ldbPath,
    upstreamDriver: resolved.upstreamDriver,
    upstreamDsn: redactDsn(resolved.upstreamDsn),
    bootstrapUrl: resolved.bootstrapUrl.slice(0, 200) || undefined,
    changelog: resolved.changelogPath || undefined,
  });
  if (resolved.bootstrapUrl) {
    const started = performance.now();
    const metrics = reflectorMetrics(registry);
    const outcome = await bootstrapLdb({
      url: resolved.bootstrapUrl,
      ldbPath: resolved.ldbPath,
      region: resolved.bootstrapRegion,
      endpoint: resolved.bootstrapEndpoint,
      notFoundIsEmpty: resolved.bootstrapNotFoundIsEmpty,
      retryDelayMs: resolved.bootstrapRetryDelayMs,
      log,
      onError: (type) => metrics.snapshotDownloadErrors.inc({ id: resolved.id, type }),
    });
    if (outcome === "downloaded") {
      metrics.snapshotDownloadTime.observe(
        { id: resolved.id },
        (performance.now() - started) / 1000,
      );
    }
  }
  const db = openLdbForWrite(resolved.ldbPath, { busyTimeoutMs: resolved.busyTimeoutMs });
  let source: LedgerSource | undefined;
  let changelog: ChangelogFile | undefined;
  try {
    source = await LedgerSource.open(resolved.upstreamDriver, resolved.upstreamDsn, {
      ledgerTable: resolved.upstreamLedgerTable,
      blockSize: resolved.queryBlockSize,
      timeoutMs: resolved.pollTimeoutMs,
      gapGraceMs: resolved.gapGraceMs,
      log,
      onGapSkipped: () => reflectorMetrics(registry).gapsSkipped.inc({ id: resolved.id }),
    });
    if (resolved.changelogPath && resolved.changelogSize > 0) {
      changelog = new ChangelogFile(resolved.changelogPath, resolved.changelogSize, log);
    }
    const reflector = new Reflector({ ...resolved, registry }, db, source, changelog);
    try {
      await reflector.serve();
    } catch (error) {
      await reflector.stop();
      throw error;
    }
    return reflector;
  } catch (error) {
    if (db.isOpen) {
      await source?.close().catch(() => {});
      changelog?.close();
      db.close();
    }
    throw error;
  }
}
