/**
 * Starting a reflector (spec §10.1): log the configuration (DSN redacted), bootstrap when the LDB
 * is absent, open the LDB and the upstream, record `download.sh`'s report, serve
 * `-metrics-bind`, start the main loop. A start that fails removes the LDB file it created, so
 * the next start bootstraps instead of replaying into an empty LDB.
 *
 * @module
 */
import { openLdbForWrite } from "../ldb/mod.ts";
import { errorMessage, type Logger, redactDsn, silentLogger } from "../log/mod.ts";
import { createRegistry } from "../metrics/mod.ts";
import { VERSION } from "../version.ts";
import { bootstrapLdb } from "./bootstrap.ts";
import { ChangelogFile } from "./changelog.ts";
import { type ReflectorConfig, resolveReflectorConfig } from "./config.ts";
import { consumeInitSnapshotMetrics } from "./init_snapshot_metrics.ts";
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
      ...(resolved.signal ? { signal: resolved.signal } : {}),
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
  const created = !(await exists(resolved.ldbPath));
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
    if (resolved.initSnapshotMetricsPath) {
      const report = await consumeInitSnapshotMetrics(resolved.initSnapshotMetricsPath, log);
      if (report) {
        const { startTime, downloaded, compressed } = report;
        reflectorMetrics(registry).initSnapshotDownloadTime.set(
          { downloaded, compressed },
          startTime,
        );
        log.info("snapshot download report recorded", { startTime, downloaded, compressed });
      }
    }
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
    // An LDB this start created would make the next start skip bootstrap: remove it.
    if (created) await removeLdbFiles(resolved.ldbPath, log);
    throw error;
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.lstat(path);
    return true;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return false;
    throw error;
  }
}

async function removeLdbFiles(ldbPath: string, log: Logger): Promise<void> {
  for (const path of [ldbPath, `${ldbPath}-wal`, `${ldbPath}-shm`]) {
    try {
      await Deno.remove(path);
    } catch (error) {
      if (!(error instanceof Deno.errors.NotFound)) {
        log.warn("cannot remove the LDB of a failed start", { path, error: errorMessage(error) });
      }
    }
  }
}
