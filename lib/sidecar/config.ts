/**
 * The sidecar's defaults in one object, {@linkcode SIDECAR_DEFAULTS}: what `startSidecar` and
 * its request handler fall back to, and what the flags of `ctlstore sidecar` show. The checks
 * of the settings are the handler's (`createSidecarHandler`), which every sidecar goes through.
 *
 * @module
 */
import { DEFAULT_INTEGRITY_CHECK } from "../ldb/mod.ts";
import { DEFAULT_CHANGES_MAX_WAIT_MS } from "./changes_routes.ts";
import { DEFAULT_WATCH_HEARTBEAT_MS } from "./event_stream.ts";
import { DEFAULT_MIN_SEQ_TIMEOUT_MS } from "./min_seq.ts";
import { DEFAULT_WRITE_TIMEOUT_MS } from "./prefix_scan.ts";

/**
 * The defaults of `SidecarConfig`: the original's flag defaults (spec §2.8) and ours for the
 * change feed and read-your-writes waits.
 *
 * @example
 * ```ts
 * import { SIDECAR_DEFAULTS } from "./config.ts";
 *
 * console.log(SIDECAR_DEFAULTS.bindAddr); // 0.0.0.0:1331
 * ```
 */
export const SIDECAR_DEFAULTS = Object.freeze({
  bindAddr: "0.0.0.0:1331",
  maxRows: 0,
  readTimeoutMs: 5000,
  minSeqTimeoutMs: DEFAULT_MIN_SEQ_TIMEOUT_MS,
  changesMaxWaitMs: DEFAULT_CHANGES_MAX_WAIT_MS,
  watchHeartbeatMs: DEFAULT_WATCH_HEARTBEAT_MS,
  writeTimeoutMs: DEFAULT_WRITE_TIMEOUT_MS,
  shutdownTimeoutMs: 5000,
  integrityCheck: DEFAULT_INTEGRITY_CHECK,
});
