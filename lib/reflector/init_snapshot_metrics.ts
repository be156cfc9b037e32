/**
 * The report `download.sh` leaves after bootstrapping a host (spec §10.1 step 5, §18): a JSON
 * file `{"startTime": <int>, "downloaded": "<str>", "compressed": "<str>"}`, by default at
 * `/var/spool/ctlstore/metrics.json`. The reflector reads it once at startup, records it as the
 * gauge `init_snapshot_download_duration_seconds{downloaded,compressed}` (the original's
 * `init_snapshot_download_time`) and deletes it. Unlike the original (spec §19.3 #32), a
 * malformed file is deleted too, so it is not reported again on every start. This module decodes
 * and removes the file; the caller records the metric.
 *
 * @module
 */
import { errorMessage, type Logger } from "../log/mod.ts";

/** Where `download.sh` writes its report. */
export const DEFAULT_INIT_SNAPSHOT_METRICS_PATH = "/var/spool/ctlstore/metrics.json";

/** The decoded report. */
export interface InitSnapshotMetrics {
  /** What `download.sh` measured, in seconds. */
  startTime: number;
  /** `true` or `false`: whether a snapshot was downloaded. */
  downloaded: string;
  /** `true` or `false`: whether the snapshot was gzipped. */
  compressed: string;
}

const FIELDS = ["startTime", "downloaded", "compressed"] as const;

/**
 * Decodes a report strictly: an object with exactly the three fields, `startTime` an integer and
 * the others strings.
 *
 * @param text The file's content.
 * @returns The report.
 * @throws {SyntaxError} When the text is not JSON.
 * @throws {TypeError} When a field is missing, unknown or of the wrong type.
 * @example
 * ```ts
 * import { parseInitSnapshotMetrics } from "./init_snapshot_metrics.ts";
 *
 * parseInitSnapshotMetrics('{"startTime":12,"downloaded":"true","compressed":"false"}');
 * // { startTime: 12, downloaded: "true", compressed: "false" }
 * ```
 */
export function parseInitSnapshotMetrics(text: string): InitSnapshotMetrics {
  const value: unknown = JSON.parse(text);
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new TypeError("expected a JSON object");
  }
  const record = value as Record<string, unknown>;
  const unknown = Object.keys(record).find((key) => !(FIELDS as readonly string[]).includes(key));
  if (unknown !== undefined) throw new TypeError(`unknown field "${unknown}"`);
  const { startTime, downloaded, compressed } = record;
  if (!Number.isSafeInteger(startTime)) throw new TypeError(`"startTime" must be an integer`);
  if (typeof downloaded !== "string") throw new TypeError(`"downloaded" must be a string`);
  if (typeof compressed !== "string") throw new TypeError(`"compressed" must be a string`);
  return { startTime: startTime as number, downloaded, compressed };
}

/**
 * Reads and deletes the report when it exists. Every failure is logged, never thrown: the
 * report is informational.
 *
 * @param path The report file.
 * @param log Where failures are reported.
 * @returns The report, or `undefined` when there is none or it is malformed (then deleted).
 * @example
 * ```ts
 * import { silentLogger } from "../log/mod.ts";
 * import { consumeInitSnapshotMetrics } from "./init_snapshot_metrics.ts";
 *
 * const report = await consumeInitSnapshotMetrics("/var/spool/ctlstore/metrics.json", silentLogger);
 * console.log(report?.startTime);
 * ```
 */
export async function consumeInitSnapshotMetrics(
  path: string,
  log: Logger,
): Promise<InitSnapshotMetrics | undefined> {
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) {
      log.warn("cannot read the snapshot download report", { path, error: errorMessage(error) });
    }
    return undefined;
  }
  let report: InitSnapshotMetrics | undefined;
  try {
    report = parseInitSnapshotMetrics(text);
  } catch (error) {
    log.warn("malformed snapshot download report; deleting it", {
      path,
      error: errorMessage(error),
    });
  }
  try {
    await Deno.remove(path);
  } catch (error) {
    log.warn("cannot delete the snapshot download report", { path, error: errorMessage(error) });
  }
  return report;
}
