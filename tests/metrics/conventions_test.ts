/**
 * Scrapes the `/metrics` of every service of a small running fleet (executive, heartbeat,
 * reflector, sidecar, supervisor on one SQLite ctldb) and checks each metric against the
 * Prometheus naming conventions (https://prometheus.io/docs/practices/naming/), with rules of its
 * own rather than the ones `lib/metrics` applies, so a name that bypasses them is caught too.
 *
 * @module
 */
import assert from "node:assert/strict";
import { parsePrometheusText } from "../../lib/console/prometheus.ts";
import { startExecutive } from "../../lib/executive/mod.ts";
import { startHeartbeat } from "../../lib/heartbeat/mod.ts";
import { silentLogger } from "../../lib/log/mod.ts";
import { startReflector } from "../../lib/reflector/mod.ts";
import { startSidecar } from "../../lib/sidecar/mod.ts";
import { startSupervisor } from "../../lib/supervisor/mod.ts";
import { tempDir } from "../_helpers/temp.ts";

/** prom-client's standard process and Node.js metrics: named by prom-client, not by us. */
const STANDARD = /^ctlstore_[a-z]+_(process|nodejs)_/;
/** Label names whose values a client or a request chooses, so their number has no bound. */
const UNBOUNDED_LABELS = ["user_agent", "useragent", "agent", "uri", "url", "path", "ip", "client"];
/** Put into every raw request path and name the test sends; no label value may contain it. */
const RAW = "xq7raw";
const TIME_WORDS = ["latency", "duration", "time", "timestamp", "elapsed"];

/** Everything in a `/metrics` answer that breaks the conventions, one line each. */
function conventionProblems(text: string, prefixes: readonly string[]): string[] {
  const problems: string[] = [];
  const types = new Map(
    [...text.matchAll(/^# TYPE (\S+) (\S+)$/gm)].map((m) => [m[1]!, m[2]!] as const),
  );
  for (const [name, type] of types) {
    if (STANDARD.test(name)) continue;
    const say = (what: string) => problems.push(`${name} (${type}): ${what}`);
    const words = name.split("_");
    if (!prefixes.some((prefix) => name.startsWith(prefix))) say(`not under ${prefixes}`);
    if (!/^[a-z][a-z0-9]*(_[a-z0-9]+)*$/.test(name)) say("not snake_case");
    words.forEach((word, i) => {
      if (i > 0 && word === words[i - 1]) say(`the word "${word}" twice in a row`);
    });
    if (type === "counter" && !name.endsWith("_total")) say("a counter must end in _total");
    if (type !== "counter" && name.endsWith("_total")) say("only counters end in _total");
    if (/_(count|sum|bucket)$/.test(name)) say("_count, _sum and _bucket are histogram suffixes");
    if (words.some((word) => TIME_WORDS.includes(word)) && !name.endsWith("_seconds")) {
      say("a time must be in _seconds");
    }
    if (type !== "counter" && words.includes("size") && !name.endsWith("_bytes")) {
      say("a size must be in _bytes");
    }
  }
  for (const sample of parsePrometheusText(text)) {
    for (const [label, value] of Object.entries(sample.labels)) {
      if (UNBOUNDED_LABELS.includes(label)) {
        problems.push(`${sample.name}: unbounded label ${label}`);
      }
      if (value.includes(RAW)) {
        problems.push(`${sample.name}: ${label}="${value}" holds a raw request value`);
      }
    }
  }
  return [...new Set(problems)];
}

/** The sample lines of `text` (no comments), for assertion messages. */
function sampleLines(text: string): string {
  return text.split("\n").filter((line) => line && !line.startsWith("#")).join("\n");
}

Deno.test("the convention check finds each kind of bad name and label", () => {
  const text = [
    "# TYPE ctlstore_reflector_reflector_ledger_latency gauge",
    "# TYPE ctlstore_sidecar_requests counter",
    "# TYPE ctlstore_sidecar_lag_total gauge",
    "# TYPE ctlstore_executive_ledger_row_count gauge",
    "# TYPE ctlstore_supervisor_snapshot_time histogram",
    "# TYPE ctlstore_reflector_wal_file_size gauge",
    "# TYPE other_metric gauge",
    'ctlstore_sidecar_requests{user_agent="curl/8"} 1',
    `ctlstore_sidecar_requests{route="/get-row-by-key/${RAW}/users"} 1`,
  ].join("\n");
  assert.deepEqual(conventionProblems(text, ["ctlstore_"]), [
    'ctlstore_reflector_reflector_ledger_latency (gauge): the word "reflector" twice in a row',
    "ctlstore_reflector_reflector_ledger_latency (gauge): a time must be in _seconds",
    "ctlstore_sidecar_requests (counter): a counter must end in _total",
    "ctlstore_sidecar_lag_total (gauge): only counters end in _total",
    "ctlstore_executive_ledger_row_count (gauge): _count, _sum and _bucket are histogram suffixes",
    "ctlstore_supervisor_snapshot_time (histogram): a time must be in _seconds",
    "ctlstore_reflector_wal_file_size (gauge): a size must be in _bytes",
    "other_metric (gauge): not under ctlstore_",
    "ctlstore_sidecar_requests: unbounded label user_agent",
    `ctlstore_sidecar_requests: route="/get-row-by-key/${RAW}/users" holds a raw request value`,
  ]);
});

Deno.test("every service's /metrics follows the Prometheus naming conventions", async () => {
  await using dir = await tempDir();
  await using stack = new AsyncDisposableStack();
  const ctldbPath = `${dir.path}/ctldb.db`;
  const initReport = `${dir.path}/metrics.json`;
  await Deno.mkdir(`${dir.path}/reflector`);
  await Deno.writeTextFile(initReport, '{"startTime":12,"downloaded":"true","compressed":"false"}');

  const executive = await startExecutive({
    bind: "127.0.0.1:0",
    ctldb: `sqlite:${ctldbPath}`,
    logger: silentLogger,
  });
  stack.defer(() => executive.stop());
  const executiveUrl = `http://127.0.0.1:${executive.address!.port}`;
  const heartbeat = await startHeartbeat({
    executiveUrl,
    writerSecret: "heartbeat-secret",
    intervalMs: 50,
    metricsBind: "127.0.0.1:0",
  });
  stack.defer(() => heartbeat.stop());
  const reflectorConfig = {
    upstreamDriver: "sqlite3",
    upstreamDsn: ctldbPath,
    pollIntervalMs: 20,
    ledgerLatencyPollIntervalMs: 20,
    logger: silentLogger,
  };
  const reflector = await startReflector({
    ...reflectorConfig,
    ldbPath: `${dir.path}/reflector/ldb.db`,
    changelogPath: `${dir.path}/reflector/changelog`,
    initSnapshotMetricsPath: initReport,
    metricsBind: "127.0.0.1:0",
  });
  stack.defer(() => reflector.stop());
  const supervisor = await startSupervisor({
    reflector: {
      ...reflectorConfig,
      ldbPath: `${dir.path}/supervisor/ldb.db`,
      initSnapshotMetricsPath: `${dir.path}/absent.json`,
    },
    snapshotUrls: [`file://${dir.path}/snapshots/snapshot.db`],
    snapshotIntervalMs: 20,
    metricsBind: "127.0.0.1:0",
  });
  stack.defer(() => supervisor.stop());
  await reflector.waitForSeq(1);
  const sidecar = await startSidecar({ bindAddr: "127.0.0.1:0", ldbPath: reflector.ldbPath });
  stack.defer(() => sidecar.stop());
  const sidecarUrl = `http://127.0.0.1:${sidecar.address.port}`;
  for (let round = 0; (await supervisor.nextRound()).kind !== "published"; round++) {
    assert.ok(round < 100, "the supervisor publishes a snapshot");
  }

  // Requests with raw names in their paths, some answered with errors.
  const send = async (url: string, init?: RequestInit) => (await fetch(url, init)).status;
  assert.equal(await send(`${executiveUrl}/${RAW}/1`), 404);
  assert.equal(await send(`${executiveUrl}/families/${RAW}/mutations`, { method: "POST" }), 400);
  assert.equal(await send(`${executiveUrl}/families/${RAW}`, { method: "POST" }), 200);
  const key = JSON.stringify({ Key: [{ Value: 1 }] });
  const row = { method: "POST", body: key, headers: { "user-agent": `agent-${RAW}/1` } };
  assert.equal(await send(`${sidecarUrl}/get-row-by-key/${RAW}/users`, row), 404);
  assert.equal(await send(`${sidecarUrl}/${RAW}`), 404);

  const targets = [
    ["executive", `${executiveUrl}/metrics`, ["ctlstore_executive_"]],
    ["heartbeat", `http://127.0.0.1:${heartbeat.address!.port}/metrics`, ["ctlstore_heartbeat_"]],
    ["reflector", `http://127.0.0.1:${reflector.address!.port}/metrics`, ["ctlstore_reflector_"]],
    ["sidecar", `${sidecarUrl}/metrics`, ["ctlstore_sidecar_"]],
    [
      "supervisor",
      `http://127.0.0.1:${supervisor.address!.port}/metrics`,
      ["ctlstore_supervisor_", "ctlstore_reflector_"],
    ],
  ] as const;
  const scraped = new Map<string, string>();
  for (const [service, url, prefixes] of targets) {
    const text = await (await fetch(url)).text();
    scraped.set(service, text);
    assert.match(text, new RegExp(`^# TYPE ${prefixes[0]}`, "m"), `${service} has metrics`);
    assert.deepEqual(conventionProblems(text, prefixes), [], service);
  }

  const executiveText = scraped.get("executive")!;
  assert.match(
    executiveText,
    /^ctlstore_executive_request_errors_total\{[^}]*route="unmatched",method="GET",status="404"[^}]*\} 1$/m,
    sampleLines(executiveText),
  );
  assert.match(
    executiveText,
    /^ctlstore_executive_request_errors_total\{[^}]*route="\/families\/:family\/mutations",method="POST",status="400"[^}]*\} 1$/m,
  );
  assert.doesNotMatch(executiveText, /request_errors_total\{[^}]*status="200"/);
  const sidecarText = scraped.get("sidecar")!;
  assert.match(sidecarText, /^# TYPE ctlstore_sidecar_applied_seq gauge$/m);
  assert.match(sidecarText, /^ctlstore_sidecar_applied_seq\{[^}]*\} [1-9]\d*$/m);
  assert.match(sidecarText, /^# TYPE ctlstore_sidecar_ledger_latency_seconds gauge$/m);
  assert.match(sidecarText, /^ctlstore_sidecar_ledger_latency_seconds\{[^}]*\} \d/m);
});
