/**
 * The `-dogstatsd.*` flags of the original services (spec §2.2). They are accepted so existing
 * command lines and `CTLSTORE_DOGSTATSD_*` environments keep working, but do nothing: metrics are
 * served in Prometheus format instead.
 *
 * @module
 */
import type { FlagSpecs } from "../lib/flags/mod.ts";

/** `-dogstatsd.address`, `-dogstatsd.buffer-size`, `-dogstatsd.flush-every` (accepted, no-op). */
export const DOGSTATSD_FLAGS = {
  "dogstatsd.address": {
    type: "string",
    help: "accepted for compatibility; DogStatsD reporting is not implemented (no-op)",
  },
  "dogstatsd.buffer-size": {
    type: "int",
    help: "accepted for compatibility (no-op)",
    default: "1024",
  },
  "dogstatsd.flush-every": {
    type: "duration",
    help: "accepted for compatibility (no-op)",
    default: "5s",
  },
} as const satisfies FlagSpecs;
