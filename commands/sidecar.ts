/**
 * `ctlstore sidecar`: serves key lookups, prefix scans and ledger latency of an LDB over HTTP
 * (spec §2.8, §13). The first SIGINT/SIGTERM drains in-flight requests and exits 0.
 *
 * @module
 */
import { createLogger } from "../lib/log/mod.ts";
import { startSidecar } from "../lib/sidecar/mod.ts";
import { CliError, defineCommand } from "./_command.ts";
import { DOGSTATSD_FLAGS } from "./_dogstatsd.ts";
import { runUntilShutdown } from "./_shutdown.ts";

/** The `sidecar` command. */
export const sidecarCommand = defineCommand({
  name: "sidecar",
  summary: "serve LDB reads over HTTP",
  description: "Routes: POST /get-row-by-key/{family}/{table}, " +
    "POST /get-rows-by-key-prefix/{family}/{table}\n" +
    '(body {"Key":[{"Value":v} | {"Binary":"<base64>"}, ...]}), GET /get-ledger-latency,\n' +
    "GET /healthcheck, GET /ping, GET /metrics (Prometheus).",
  flags: {
    "bind-addr": { type: "string", help: "listen address", default: "0.0.0.0:1331" },
    "ldb-path": {
      type: "string",
      help: "LDB path (empty: $CTLSTORE_PATH/ldb.db, default /var/spool/ctlstore/ldb.db)",
    },
    "max-rows": {
      type: "int",
      help: "max rows for prefix queries, more answer 416 (0 = unlimited)",
      default: "0",
    },
    application: { type: "string", help: "metrics label application=<value> (default unknown)" },
    debug: { type: "bool", help: "debug logging" },
    ...DOGSTATSD_FLAGS,
  },
  async run(values) {
    if (values["max-rows"] < 0) {
      throw new CliError("invalid value passed to max-rows: must not be negative");
    }
    await runUntilShutdown((signal) =>
      startSidecar({
        bindAddr: values["bind-addr"],
        ldbPath: values["ldb-path"],
        maxRows: values["max-rows"],
        application: values.application,
        logger: createLogger("sidecar", { debug: values.debug }),
        signal,
      })
    );
  },
});
