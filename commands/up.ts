// deno-lint-ignore-file no-console
/**
 * `ctlstore up`: the embedded default — executive, reflector, sidecar, heartbeat and the
 * operator console in one process on a SQLite ctldb and an LDB under `-data-dir`.
 *
 * @module
 */
import { formatGoDuration } from "../lib/flags/mod.ts";
import { startUp, UP_DEFAULTS } from "../lib/up/mod.ts";
import { defineCommand } from "./_command.ts";
import { EXECUTIVE_LIMIT_FLAGS, executiveLimitsFromFlags } from "./_executive_flags.ts";
import { SERVER_FLAGS, serverOptionsFromFlags } from "./_server_flags.ts";
import { namingFlags, type SettingFlags, settingsFromFlags } from "./_settings.ts";
import { runUntilShutdown } from "./_shutdown.ts";

function walkthrough(
  executive: string,
  sidecar: string,
  operatorConsole: string | undefined,
  ldb: string,
): string {
  const consoleLine = operatorConsole
    ? `  console    ${operatorConsole}   (open it in a browser: data, history, fleet)\n`
    : "";
  return `
ctlstore is up.
  executive  ${executive}   (writes; /metrics, /healthz)
  sidecar    ${sidecar}   (reads;  /metrics, /healthcheck)
${consoleLine}  LDB        ${ldb}

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

const FLAGS = {
  "data-dir": {
    type: "string",
    default: UP_DEFAULTS.dataDir,
    help: "directory for the ctldb, LDB and changelog",
  },
  "executive-bind": {
    type: "string",
    default: UP_DEFAULTS.executiveBind,
    help: "executive listen address",
  },
  "sidecar-bind": {
    type: "string",
    default: UP_DEFAULTS.sidecarBind,
    help: "sidecar listen address",
  },
  "console-bind": {
    type: "string",
    default: UP_DEFAULTS.consoleBind,
    help: "operator console listen address (empty: no console)",
  },
  "heartbeat-interval": {
    type: "duration",
    default: formatGoDuration(UP_DEFAULTS.heartbeatIntervalMs),
    help: "period between heartbeat writes",
  },
  "poll-interval": {
    type: "duration",
    default: formatGoDuration(UP_DEFAULTS.pollIntervalMs),
    help: "reflector ledger poll interval",
  },
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
} as const;

/** Which flag sets which setting of `ctlstore up`'s configuration. */
const SETTINGS = {
  dataDir: "data-dir",
  executiveBind: "executive-bind",
  sidecarBind: "sidecar-bind",
  consoleBind: "console-bind",
  heartbeatIntervalMs: "heartbeat-interval",
  pollIntervalMs: "poll-interval",
  families: "families",
  adminToken: "admin-token",
  enableDestructiveSchemaChanges: "enable-destructive-schema-changes",
  debug: "debug",
} as const satisfies SettingFlags<typeof FLAGS>;

/** The `up` command. */
export const upCommand = defineCommand({
  name: "up",
  summary: "run executive, reflector, sidecar, heartbeat and console in one process on ./data",
  description: "The embedded default for a first run and single hosts: a SQLite ctldb " +
    "(<data-dir>/ctldb.db), an LDB (<data-dir>/ldb.db) and a changelog (<data-dir>/change.log).",
  flags: FLAGS,
  async run(flags) {
    await runUntilShutdown(
      (signal) =>
        namingFlags(
          startUp({
            ...settingsFromFlags(flags, SETTINGS),
            limits: executiveLimitsFromFlags(flags),
            server: serverOptionsFromFlags(flags),
            signal,
          }),
          { flags: FLAGS, settings: SETTINGS },
        ),
      (up) => console.log(walkthrough(up.executiveUrl, up.sidecarUrl, up.consoleUrl, up.paths.ldb)),
    );
    console.error("ctlstore up: stopped");
  },
});
