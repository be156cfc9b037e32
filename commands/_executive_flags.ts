/**
 * The executive's limit flags, shared by `ctlstore executive` and `ctlstore up` so both take
 * the same names and defaults (the defaults are `EXECUTIVE_DEFAULTS`).
 *
 * @module
 */
import { EXECUTIVE_DEFAULTS, type ExecutiveLimits } from "../lib/executive/mod.ts";
import { type FlagSpecs, type FlagValues, formatGoDuration } from "../lib/flags/mod.ts";

/** `-max-table-size`, `-warn-table-size`, `-writer-limit-period`, `-writer-limit`. */
export const EXECUTIVE_LIMIT_FLAGS = {
  "max-table-size": {
    type: "int",
    help: "default maximum table size in bytes (mutations get 507 beyond it; MySQL only)",
    default: String(EXECUTIVE_DEFAULTS.maxTableSize),
  },
  "warn-table-size": {
    type: "int",
    help: "default table size in bytes beyond which a warning metric counts",
    default: String(EXECUTIVE_DEFAULTS.warnTableSize),
  },
  "writer-limit-period": {
    type: "duration",
    help: "writer rate-limit period",
    default: formatGoDuration(EXECUTIVE_DEFAULTS.writerLimitPeriodMs),
  },
  "writer-limit": {
    type: "int",
    help: "default mutations allowed per writer per period (429 beyond it)",
    default: String(EXECUTIVE_DEFAULTS.writerLimit),
  },
} as const satisfies FlagSpecs;

/**
 * The executive limits the flags give.
 *
 * @example
 * ```ts
 * startExecutive({ ...executiveLimitsFromFlags(flags), bind: flags.bind, ctldb: flags.ctldb });
 * ```
 */
export function executiveLimitsFromFlags(
  values: FlagValues<typeof EXECUTIVE_LIMIT_FLAGS>,
): ExecutiveLimits {
  return {
    maxTableSize: values["max-table-size"],
    warnTableSize: values["warn-table-size"],
    writerLimitPeriodMs: values["writer-limit-period"],
    writerLimit: values["writer-limit"],
  };
}
