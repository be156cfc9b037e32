/**
 * The sidecar: an HTTP API over one LDB for applications that cannot embed the reader library
 * (spec §13). Used by `ctlstore sidecar` and `ctlstore up`.
 *
 * @example
 * ```ts
 * import { startSidecar } from "./mod.ts";
 *
 * const sidecar = await startSidecar({ bindAddr: "127.0.0.1:1331", ldbPath: "/tmp/ldb.db" });
 * const response = await fetch("http://127.0.0.1:1331/ping");
 * await sidecar.stop();
 * ```
 *
 * @module
 */
export * from "./config.ts";
export * from "./sidecar.ts";
export * from "./handler.ts";
export * from "./metrics.ts";
export * from "./request.ts";
export {
  DEFAULT_WRITE_TIMEOUT_MS,
  openScanReader,
  type ScanReader,
  ScanStreams,
} from "./prefix_scan.ts";
export { encodeChange } from "./change_json.ts";
