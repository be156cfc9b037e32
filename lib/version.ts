/**
 * The version of this ctlstore build (kept equal to `deno.json`'s version by a test).
 *
 * @module
 */

/** The version printed by `ctlstore version` and used as the metrics `version` label. */
export const VERSION = "0.1.0";
