/**
 * `ctlstore sidecar`: serves key lookups, prefix scans, ledger latency and the change feed of
 * an LDB over HTTP (spec §2.8, §13). The first SIGINT/SIGTERM drains in-flight requests and
 * exits 0.
 *
 * @module
 */
import { formatGoDuration } from "../lib/flags/mod.ts";
import { createLogger } from "../lib/log/mod.ts";
import { SIDECAR_DEFAULTS, startSidecar } from "../lib/sidecar/mod.ts";
import { defineCommand } from "./_command.ts";
import { DOGSTATSD_FLAGS } from "./_dogstatsd.ts";
import { SERVER_FLAGS, serverOptionsFromFlags } from "./_server_flags.ts";
import { runUntilShutdown } from "./_shutdown.ts";

/** The `sidecar` command. */
export const sidecarCommand = defineCommand({
  name: "sidecar",
  summary: "serve LDB reads over HTTP",
  description: [
    "Routes: POST /get-row-by-key/{family}/{table}, POST /get-rows-by-key-prefix/{family}/{table}",
    '(body {"Key":[{"Value":v} | {"Binary":"<base64>"}, ...]}), GET /get-ledger-latency,',
    "GET /healthcheck, GET /ping, GET /healthz (200 'ok: LDB at seq N', or 503 with the",
    "reason), GET /metrics (Prometheus), and the change feed:",
    "  GET /changes?after=N[&family=F][&table=T][&limit=L][&wait=30s]",
    '    -> {"changes":[...],"lastSeq":M} ("more":true when limit cut it short; limit',
    "    default 1000, max 10000; wait holds an empty answer until a change arrives,",
    "    at most -changes-max-wait)",
    "  GET /watch?after=N[&family=F][&table=T] -> text/event-stream of change events and",
    "    heartbeats (every -watch-heartbeat); resumes after the Last-Event-ID header",
    '  410 {"error":...,"oldestSeq":K} when N is older than the retained history, 501 when',
    "  the LDB has no change history.",
    "Read routes answer with X-Ctlstore-Seq: <applied seq>; a request header",
    "X-Ctlstore-Min-Seq: N waits until the LDB has applied seq N (504 after -min-seq-timeout).",
    "Prefix scans larger than 64 KiB are streamed as the client reads. A read that finds the",
    "LDB damaged or unreadable answers 503 (a streamed scan is aborted), and from then on",
    "/healthcheck, /ping and /healthz answer 503 until a restart.",
    "While the LDB file does not exist yet (the reflector is still bootstrapping it), every",
    "route answers 503 'waiting for LDB <path>' and the file is looked for every second; once",
    "it exists and passes -integrity-check it is served (a damaged one: exit 1).",
  ].join("\n"),
  flags: {
    "bind-addr": { type: "string", help: "listen address", default: SIDECAR_DEFAULTS.bindAddr },
    "ldb-path": {
      type: "string",
      help: "LDB path (empty: $CTLSTORE_PATH/ldb.db, default /var/spool/ctlstore/ldb.db)",
    },
    "max-rows": {
      type: "int",
      help: "max rows for prefix queries, more answer 416 (0 = unlimited)",
      default: String(SIDECAR_DEFAULTS.maxRows),
    },
    "min-seq-timeout": {
      type: "duration",
      help: "longest wait of a read for its X-Ctlstore-Min-Seq, then 504",
      default: formatGoDuration(SIDECAR_DEFAULTS.minSeqTimeoutMs),
    },
    "changes-max-wait": {
      type: "duration",
      help: "longest long-poll of GET /changes?wait=...; longer waits are clamped (0 = none)",
      default: formatGoDuration(SIDECAR_DEFAULTS.changesMaxWaitMs),
    },
    "watch-heartbeat": {
      type: "duration",
      help: "interval of heartbeat events on GET /watch",
      default: formatGoDuration(SIDECAR_DEFAULTS.watchHeartbeatMs),
    },
    "integrity-check": {
      type: "string",
      help: "start-up check of the LDB: quick (PRAGMA quick_check), full (PRAGMA " +
        "integrity_check, slower) or off; a damaged LDB is never served (exit 1)",
      default: SIDECAR_DEFAULTS.integrityCheck,
    },
    ...SERVER_FLAGS,
    application: { type: "string", help: "metrics label application=<value> (default unknown)" },
    debug: { type: "bool", help: "debug logging" },
    ...DOGSTATSD_FLAGS,
  },
  async run(values) {
    await runUntilShutdown((signal) =>
      startSidecar({
        bindAddr: values["bind-addr"],
        ldbPath: values["ldb-path"],
        maxRows: values["max-rows"],
        minSeqTimeoutMs: values["min-seq-timeout"],
        changesMaxWaitMs: values["changes-max-wait"],
        watchHeartbeatMs: values["watch-heartbeat"],
        ...serverOptionsFromFlags(values),
        integrityCheck: values["integrity-check"],
        application: values.application,
        logger: createLogger("sidecar", { debug: values.debug }),
        signal,
      })
    );
  },
});
