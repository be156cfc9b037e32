// deno-lint-ignore-file no-console
/**
 * `ctlstore up`: the embedded default — executive, reflector, sidecar and heartbeat in one
 * process on a SQLite ctldb and an LDB under `-data-dir`.
 *
 * @module
 */
import { startUp } from "../lib/up/mod.ts";
import { CliError, defineCommand } from "./_command.ts";
import { EXECUTIVE_LIMIT_FLAGS, executiveLimitsFromFlags } from "./_executive_flags.ts";
import { SERVER_FLAGS, serverOptionsFromFlags } from "./_server_flags.ts";
import { runUntilShutdown } from "./_shutdown.ts";

function walkthrough(executive: string, sidecar: string, ldb: string): string {
  return `
ctlstore is up.
  executive  ${executive}   (writes; /metrics, /healthz)
  sidecar    ${sidecar}   (reads;  /metrics, /healthcheck)
  LDB        ${ldb}

Try it:
  curl -X POST ${executive}/families/demo
  curl -X POST ${executive}/families/demo/tables/users \\
    -d '{"fields":[["id","integer"],["name","string"],["avatar","bytestring"]],"keyFields":["id"]}'
  curl -X POST ${executive}/writers/demo-writer -d demo-secret
  curl -X POST ${executive}/families/demo/mutations \\
    -H 'ctlstore-writer: demo-writer' -H 'ctlstore-secret: demo-secret' \\
    -d '{"mutations":[{"table":"users","values":{"id":1,"name":"ada","avatar":"3q2+7w=="}}]}'
  curl -X POST ${sidecar}/get-row-by-key/demo/users -d '{"key":[{"value":1}]}'
  curl '${sidecar}/changes?after=0&family=demo'     # what changed, with ledger seqs
  curl -N '${sidecar}/watch?family=demo'            # follow changes live (Ctrl-C to stop)

Read it in-process with the reader library (a .ts file in the ctlstore repository, where
deno.json maps the package name to lib/mod.ts; run it with deno run --allow-read):
  import { Reader } from "@ctlstore/ctlstore";
  const reader = Reader.open("${ldb}");
  console.log(reader.getRowByKey("demo", "users", 1));

Ctrl-C stops everything; the next start continues with the same data.
`;
}

/** The `up` command. */
export const upCommand = defineCommand({
  name: "up",
  summary: "run executive, reflector, sidecar and heartbeat in one process on ./data",
  description: "The embedded default for a first run and single hosts: a SQLite ctldb " +
    "(<data-dir>/ctldb.db), an LDB (<data-dir>/ldb.db) and a changelog (<data-dir>/change.log).",
  flags: {
    "data-dir": {
      type: "string",
      default: "./data",
      help: "directory for the ctldb, LDB and changelog",
    },
    "executive-bind": {
      type: "string",
      default: "127.0.0.1:3000",
      help: "executive listen address",
    },
    "sidecar-bind": { type: "string", default: "127.0.0.1:1331", help: "sidecar listen address" },
    "heartbeat-interval": {
      type: "duration",
      default: "15s",
      help: "period between heartbeat writes",
    },
    "poll-interval": { type: "duration", default: "100ms", help: "reflector ledger poll interval" },
    families: {
      type: "list",
      help: "the LDB carries only these families (comma-separated; ctlstore is added unless " +
        "-ctlstore excludes it); empty: every family",
    },
    "admin-token": {
      type: "string",
      help: "require 'Authorization: Bearer <token>' on admin routes",
    },
    "enable-destructive-schema-changes": { type: "bool", help: "enable drop-table and clear-rows" },
    ...EXECUTIVE_LIMIT_FLAGS,
    ...SERVER_FLAGS,
    debug: { type: "bool", help: "debug logging" },
  },
  async run(flags) {
    if (flags["heartbeat-interval"] <= 0) {
      throw new CliError("invalid value passed to heartbeat-interval: must be positive");
    }
    await runUntilShutdown(
      (signal) =>
        startUp({
          dataDir: flags["data-dir"],
          executiveBind: flags["executive-bind"],
          sidecarBind: flags["sidecar-bind"],
          heartbeatIntervalMs: flags["heartbeat-interval"],
          pollIntervalMs: flags["poll-interval"],
          families: flags.families,
          adminToken: flags["admin-token"],
          enableDestructiveSchemaChanges: flags["enable-destructive-schema-changes"],
          limits: executiveLimitsFromFlags(flags),
          server: serverOptionsFromFlags(flags),
          debug: flags.debug,
          signal,
        }),
      (up) => console.log(walkthrough(up.executiveUrl, up.sidecarUrl, up.paths.ldb)),
    );
    console.error("ctlstore up: stopped");
  },
});
