import assert from "node:assert/strict";
import {
  Counter,
  createRegistry,
  Gauge,
  metricName,
  metricNameProblem,
  metricPrefix,
  metricsResponse,
} from "../../lib/metrics/mod.ts";

Deno.test("metric names are ctlstore_<service>_<name>", () => {
  assert.equal(
    metricName("reflector", "wal_file_size_bytes"),
    "ctlstore_reflector_wal_file_size_bytes",
  );
  assert.equal(metricPrefix("sidecar"), "ctlstore_sidecar_");
});

Deno.test("a metric name that breaks the naming rules is refused, saying why", () => {
  const cases: [string, string, RegExp][] = [
    ["reflector", "reflector_ledger_latency", /the word "reflector" is repeated/],
    ["heartbeat", "heartbeat_errors_total", /the word "heartbeat" is repeated/],
    ["supervisor", "ldb_size_size_bytes", /the word "size" is repeated/],
    ["reflector", "wal-file-size", /not snake_case/],
    ["sidecar", "Requests_total", /not snake_case/],
    ["sidecar", "", /not snake_case/],
    ["executive", "errors__total", /not snake_case/],
  ];
  for (const [service, name, reason] of cases) {
    assert.throws(() => metricName(service, name), reason, `${service} ${name}`);
  }
  assert.equal(metricNameProblem("ctlstore_reflector_applied_seq"), undefined);
});

Deno.test("a counter whose name does not end in _total is refused", () => {
  const registry = createRegistry("sidecar", "9.9.9");
  assert.throws(
    () =>
      new Counter({ name: "ctlstore_sidecar_requests", help: "requests", registers: [registry] }),
    { name: "TypeError", message: "Counter name ctlstore_sidecar_requests must end in _total" },
  );
  assert.equal(registry.getMetricsAsArray().length, 0);
});

Deno.test("a registry renders Prometheus text with the version label", async () => {
  const registry = createRegistry("sidecar", "9.9.9");
  const counter = new Counter({
    name: metricName("sidecar", "requests_total"),
    help: "requests",
    registers: [registry],
  });
  counter.inc();
  new Gauge({ name: metricName("sidecar", "applied_seq"), help: "seq", registers: [registry] })
    .set(7);
  const response = await metricsResponse(registry);
  const text = await response.text();
  assert.match(text, /^# TYPE ctlstore_sidecar_requests_total counter$/m);
  assert.match(text, /^ctlstore_sidecar_requests_total\{version="9\.9\.9"\} 1$/m);
  assert.match(text, /^ctlstore_sidecar_applied_seq\{version="9\.9\.9"\} 7$/m);
});

Deno.test("process metrics carry the service prefix", async () => {
  const registry = createRegistry("executive", "9.9.9", { processMetrics: true });
  assert.match(
    await registry.metrics(),
    /^# TYPE ctlstore_executive_process_cpu_seconds_total counter$/m,
  );
});
