import assert from "node:assert/strict";
import { parsePrometheusText, samplesOf } from "../../lib/console/prometheus.ts";
import { createRegistry } from "../../lib/metrics/mod.ts";
import { reflectorMetrics } from "../../lib/reflector/metrics.ts";
import { createSupervisorMetrics } from "../../lib/supervisor/metrics.ts";

Deno.test("the Prometheus text format is read with labels, escapes and special values", () => {
  const text = [
    "# HELP ctlstore_reflector_applied_seq Last ledger seq committed to the LDB",
    "# TYPE ctlstore_reflector_applied_seq gauge",
    'ctlstore_reflector_applied_seq{id="ldb.db",version="0.1.0"} 42',
    'odd{label="a \\"quoted\\" \\\\ value\\nnext",other="x",} 1.5e3 1700000000000',
    "plain_metric 7",
    "infinite +Inf",
    "missing NaN",
    "this line is not a sample",
    'broken{label="unterminated} 3',
    "",
  ].join("\n");
  const samples = parsePrometheusText(text);
  assert.deepEqual(samples.map((s) => s.name), [
    "ctlstore_reflector_applied_seq",
    "odd",
    "plain_metric",
    "infinite",
    "missing",
  ]);
  assert.deepEqual(samples[0], {
    name: "ctlstore_reflector_applied_seq",
    labels: { id: "ldb.db", version: "0.1.0" },
    value: 42,
  });
  assert.deepEqual(samples[1]!.labels, { label: 'a "quoted" \\ value\nnext', other: "x" });
  assert.equal(samples[1]!.value, 1500);
  assert.equal(samples[3]!.value, Infinity);
  assert.ok(Number.isNaN(samples[4]!.value));
});

Deno.test("the reflector's and supervisor's own /metrics text reads back to the values set", async () => {
  const registry = createRegistry("supervisor", "0.1.0");
  const reflector = reflectorMetrics(registry);
  reflector.appliedSeq.set({ id: "ldb.db" }, 9_007_199_254);
  reflector.ledgerLatency.set({ id: "ldb.db" }, 1.25);
  const supervisor = createSupervisorMetrics(registry);
  supervisor.ldbSizeBytes.set(4096);
  supervisor.lastSuccessTimestamp.set(1_700_000_000);
  supervisor.snapshotChecksum.set({ checksum: "2jmj7l5rSw0yVb/vlWAYkK/YBwk=" }, 1);
  const samples = parsePrometheusText(await registry.metrics());
  const one = (name: string) => samplesOf(samples, name)[0]?.value;
  assert.equal(one("ctlstore_reflector_applied_seq"), 9_007_199_254);
  assert.equal(one("ctlstore_reflector_ledger_latency_seconds"), 1.25);
  assert.equal(one("ctlstore_supervisor_ldb_size_bytes"), 4096);
  assert.equal(one("ctlstore_supervisor_last_snapshot_success_timestamp_seconds"), 1_700_000_000);
  assert.deepEqual(samplesOf(samples, "ctlstore_supervisor_snapshot_checksum_info")[0]?.labels, {
    checksum: "2jmj7l5rSw0yVb/vlWAYkK/YBwk=",
    version: "0.1.0",
  });
});
