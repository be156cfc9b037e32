/**
 * A typed HTTP client of the executive, shared by the admin commands, the heartbeat and
 * `ctlstore up`.
 *
 * @example
 * ```ts
 * import { ExecutiveClient } from "./mod.ts";
 *
 * const client = new ExecutiveClient("localhost:3000", { adminToken: "t0ken" });
 * console.log(await client.readWriterLimits());
 * ```
 *
 * @module
 */
export * from "./executive_error.ts";
export * from "./executive_client.ts";
export * from "./types.ts";
export * from "./url.ts";
