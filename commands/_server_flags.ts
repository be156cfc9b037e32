/**
 * The connection flags every ctlstore HTTP server takes (`executive`, `sidecar`, `up`): the idle
 * timeout and the connection cap of `lib/http`'s `startServer`, with its defaults.
 *
 * @module
 */
import { type FlagSpecs, type FlagValues, formatGoDuration } from "../lib/flags/mod.ts";
import { SERVER_DEFAULTS, type ServerOptions } from "../lib/http/mod.ts";

/** `-idle-timeout` and `-max-connections`. */
export const SERVER_FLAGS = {
  "idle-timeout": {
    type: "duration",
    help: "close a connection that has had no request in flight this long (open /watch streams " +
      "and held long-polls are in flight); 0 = never",
    default: formatGoDuration(SERVER_DEFAULTS.idleTimeoutMs),
  },
  "max-connections": {
    type: "int",
    help: "most open connections; one more is answered 503 and closed (0 = no cap)",
    default: String(SERVER_DEFAULTS.maxConnections),
  },
} as const satisfies FlagSpecs;

/**
 * The server options the flags give.
 *
 * @example
 * ```ts
 * startSidecar({ ...serverOptionsFromFlags(values), bindAddr: values["bind-addr"] });
 * ```
 */
export function serverOptionsFromFlags(
  values: FlagValues<typeof SERVER_FLAGS>,
): Required<ServerOptions> {
  return { idleTimeoutMs: values["idle-timeout"], maxConnections: values["max-connections"] };
}
