/**
 * Starting a reflector (spec §10.1): log the configuration (DSN redacted), bind `-metrics-bind`
 * and open the upstream (read-only) before anything is created, so a bad address or a mistyped
 * upstream fails with one line and leaves no file behind; then check an existing LDB's integrity
 * (a damaged one is moved aside, see `ldb_check.ts`), bootstrap when the LDB is absent,
 * open the LDB and the changelog (a changelog that cannot be opened fails the start), record
 * `download.sh`'s report, start the main loop. A partial reflector's family set is checked against the
 * LDB's before anything is applied. A start that fails removes the LDB file it created, so
 * the next start bootstraps instead of replaying into an empty LDB.
 *
 * @module
 */
import { formatListenAddress, type RunningServer } from "../http/mod.ts";
import { openLdbForWrite, pathExists, removeLdbFiles } from "../ldb/mod.ts";
import { errorMessage, type Logger, redactDsn, silentLogger } from "../log/mod.ts";
import { createRegistry, type Registry } from "../metrics/mod.ts";
import { VERSION } from "../version.ts";
import { bootstrapLdb } from "./bootstrap.ts";
import { ChangelogFile } from "./changelog.ts";
import { checkLdbFamilySet, reportFamilySet } from "./family_filter.ts";
import {
  type ReflectorConfig,
  type ResolvedReflectorConfig,
  resolveReflectorConfig,
} from "./config.ts";
import { type HealthReport, startHealthServer } from "./health.ts";
import { consumeInitSnapshotMetrics } from "./init_snapshot_metrics.ts";
import { checkDownloadedLdb, quarantineDamagedLdb } from "./ldb_check.ts";
import { LedgerSource } from "./ledger_source.ts";
import { reflectorMetrics } from "./metrics.ts";
import { Reflector, type RunningReflector } from "./reflector.ts";

/**
 * Starts a reflector: bootstrap if needed, open the LDB and the upstream, serve metrics, run.
 *
 * @param config What to reflect where; see {@linkcode ReflectorConfig}.
 * @returns The running reflector.
 * @throws {Error} When the configuration is invalid, the metrics address cannot be bound, the
 *   upstream does not exist (see `LedgerSource.open`), bootstrap fails, or the LDB or the
 *   changelog cannot be opened. Upstream outages are retried, not thrown.
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
  let reflector: Reflector | undefined;
  const server = resolved.metricsBind
    ? await startHealthServer(
      resolved.metricsBind,
      registry,
      () => reflector?.health() ?? STARTING,
    )
    : undefined;
  if (server) log.info("serving metrics", { address: formatListenAddress(server.address) });
  let source: LedgerSource | undefined;
  try {
    source = await LedgerSource.open(resolved.upstreamDriver, resolved.upstreamDsn, {
      ledgerTable: resolved.upstreamLedgerTable,
      blockSize: resolved.queryBlockSize,
      timeoutMs: resolved.pollTimeoutMs,
      gapGraceMs: resolved.gapGraceMs,
      log,
      onGapSkipped: () => reflectorMetrics(registry).gapsSkipped.inc({ id: resolved.id }),
    });
    await bootstrap(resolved, registry, log);
    reflector = await openAndRun(resolved, registry, log, source, server);
    return reflector;
  } catch (error) {
    await source?.close().catch(() => {});
    await server?.shutdown().catch(() => {});
    throw error;
  }
}

/** What `/healthz` answers while the reflector starts (bootstrap included). */
const STARTING: HealthReport = { healthy: false, reason: "reflector is starting" };

async function bootstrap(
  resolved: ResolvedReflectorConfig,
  registry: Registry,
  log: Logger,
): Promise<void> {
  const check = {
    ldbPath: resolved.ldbPath,
    mode: resolved.integrityCheck,
    bootstrapUrl: resolved.bootstrapUrl,
    log,
  };
  await quarantineDamagedLdb(check);
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
      families: resolved.families,
      ...(resolved.signal ? { signal: resolved.signal } : {}),
      log,
      onError: (type) => metrics.snapshotDownloadErrors.inc({ id: resolved.id, type }),
    });
    if (outcome === "downloaded") {
      metrics.snapshotDownloadTime.observe(
        { id: resolved.id },
        (performance.now() - started) / 1000,
      );
      await checkDownloadedLdb(check);
    }
  }
}

/** Opens the LDB and the changelog and starts the loop; the caller closes `source` on failure. */
async function openAndRun(
  resolved: ResolvedReflectorConfig,
  registry: Registry,
  log: Logger,
  source: LedgerSource,
  server: RunningServer | undefined,
): Promise<Reflector> {
  const created = !(await pathExists(resolved.ldbPath));
  const db = openLdbForWrite(resolved.ldbPath, { busyTimeoutMs: resolved.busyTimeoutMs });
  let changelog: ChangelogFile | undefined;
  try {
    checkLdbFamilySet(db, resolved.families, resolved.ldbPath);
    reportFamilySet(registry, resolved.id, resolved.families, log);
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
      changelog = ChangelogFile.open(resolved.changelogPath, resolved.changelogSize, log);
    }
    const reflector = new Reflector({ ...resolved, registry }, db, source, changelog);
    reflector.serve(server);
    return reflector;
  } catch (error) {
    if (db.isOpen) {
      changelog?.close();
      db.close();
    }
    // An LDB this start created would make the next start skip bootstrap: remove it.
    if (created) {
      await removeLdbFiles(resolved.ldbPath).catch((removal) =>
        log.warn("cannot remove the LDB of a failed start", {
          path: resolved.ldbPath,
          error: errorMessage(removal),
        })
      );
    }
    throw error;
  }
}
