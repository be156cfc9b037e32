/**
 * The version of this ctlstore build, read from `deno.json`'s `version`: the one place a release
 * sets it. `ctlstore version`, the metrics `version` label and the reader package all report it,
 * and the release workflow refuses a tag that differs from it.
 *
 * @module
 */
import denoJson from "../deno.json" with { type: "json" };

/**
 * The ctlstore version, e.g. `"0.1.0"`: printed by `ctlstore version` and used as the metrics
 * `version` label.
 *
 * @example Log the reader's version
 * ```ts
 * import { VERSION } from "@ctlstore/ctlstore";
 *
 * console.log(`ctlstore reader ${VERSION}`);
 * ```
 */
export const VERSION: string = denoJson.version;
