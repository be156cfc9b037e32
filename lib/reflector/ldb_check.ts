/**
 * The reflector's start-up integrity check (DESIGN §7: an LDB that fails it is never served).
 * Before the LDB is opened for writing, an existing LDB is checked (`-integrity-check`, quick by
 * default); a damaged one is moved aside with its WAL files (`<ldb>.corrupt-<UTC time>`, kept
 * for inspection) so bootstrap downloads a fresh one, and without `-bootstrap-url` the start
 * fails with one line. A snapshot bootstrap just downloaded is checked too. Running the check
 * is `lib/ldb/integrity.ts`; bootstrapping is `bootstrap.ts`.
 *
 * @module
 */
import {
  checkLdbIntegrity,
  type IntegrityCheckMode,
  type IntegrityReport,
  LdbCorruptError,
  moveLdbAside,
  pathExists,
} from "../ldb/mod.ts";
import type { Logger } from "../log/mod.ts";

/** Options of {@linkcode quarantineDamagedLdb} and {@linkcode checkDownloadedLdb}. */
export interface LdbCheckOptions {
  /** The LDB file. */
  ldbPath: string;
  /** `quick`, `full` or `off`. */
  mode: IntegrityCheckMode;
  /** The snapshot a damaged LDB is rebuilt from; empty when there is none. */
  bootstrapUrl: string;
  /** Where the outcome is logged. */
  log: Logger;
}

/** Runs the check, logging how long it took when it passes; `undefined` when off or absent. */
async function check(options: LdbCheckOptions): Promise<IntegrityReport | undefined> {
  const { ldbPath, mode, log } = options;
  if (mode === "off" || !(await pathExists(ldbPath))) return undefined;
  const started = performance.now();
  const report = checkLdbIntegrity(ldbPath, { full: mode === "full" });
  const seconds = Math.round(performance.now() - started) / 1000;
  if (report.ok) log.info("LDB integrity check passed", { mode, seconds });
  return report;
}

/** Moves a damaged LDB aside and says so; returns where it went. */
async function moveAside(options: LdbCheckOptions, problems: readonly string[]): Promise<string> {
  const movedTo = await moveLdbAside(options.ldbPath);
  options.log.warn("LDB failed its integrity check; moved it aside", {
    ldb: options.ldbPath,
    movedTo,
    problems: problems.join("; "),
  });
  return movedTo;
}

/**
 * Checks an existing LDB before the reflector opens it. A damaged one is moved aside (so the
 * bootstrap that follows downloads a fresh LDB); without a bootstrap URL the start fails.
 *
 * @param options The LDB, the mode, the bootstrap URL and the logger.
 * @throws {Error} When the LDB is damaged and there is no bootstrap URL (its cause is an
 *   {@linkcode LdbCorruptError}); the message says where the LDB went and what the next start
 *   does.
 * @example
 * ```ts
 * import { createLogger } from "../log/mod.ts";
 * import { quarantineDamagedLdb } from "./ldb_check.ts";
 *
 * await quarantineDamagedLdb({
 *   ldbPath: "/var/spool/ctlstore/ldb.db",
 *   mode: "quick",
 *   bootstrapUrl: "s3://snapshots/ldb.db.gz",
 *   log: createLogger("reflector"),
 * });
 * ```
 */
export async function quarantineDamagedLdb(options: LdbCheckOptions): Promise<void> {
  const report = await check(options);
  if (!report || report.ok) return;
  const movedTo = await moveAside(options, report.problems);
  if (options.bootstrapUrl) return;
  const damaged = new LdbCorruptError(options.ldbPath, report.problems);
  throw new Error(
    `${damaged.message}; moved it to ${movedTo}. There is no -bootstrap-url to rebuild it ` +
      "from: set one, or start again to replay the whole ledger into a new LDB",
    { cause: damaged },
  );
}

/**
 * Checks an LDB bootstrap just downloaded; a damaged one is moved aside and fails the start.
 *
 * @param options The LDB, the mode, the bootstrap URL (named in the error) and the logger.
 * @throws {Error} When the downloaded snapshot is damaged (its cause is an
 *   {@linkcode LdbCorruptError}).
 * @example
 * ```ts
 * import { createLogger } from "../log/mod.ts";
 * import { checkDownloadedLdb } from "./ldb_check.ts";
 *
 * await checkDownloadedLdb({
 *   ldbPath: "/var/spool/ctlstore/ldb.db",
 *   mode: "quick",
 *   bootstrapUrl: "s3://snapshots/ldb.db.gz",
 *   log: createLogger("reflector"),
 * });
 * ```
 */
export async function checkDownloadedLdb(options: LdbCheckOptions): Promise<void> {
  const report = await check(options);
  if (!report || report.ok) return;
  const movedTo = await moveAside(options, report.problems);
  const damaged = new LdbCorruptError(options.ldbPath, report.problems);
  throw new Error(
    `the snapshot downloaded from ${options.bootstrapUrl.slice(0, 200)} is damaged: ` +
      `${damaged.message}; moved it to ${movedTo}`,
    { cause: damaged },
  );
}
