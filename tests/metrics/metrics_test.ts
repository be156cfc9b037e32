import assert from "node:assert/strict";
import { Counter, createRegistry, metricName, metricsResponse } from "../../lib/metrics/mod.ts";

Deno.test("metric names follow ctlstore.<service>.<name> with invalid characters replaced", () => {
  assert.equal(metricName("reflector", "wal-file-size"), "ctlstore_reflector_wal_file_size");
  assert.equal(metricName("executive", "api-latency"), "ctlstore_executive_api_latency");
});

Deno.test("a registry renders Prometheus text with the version label", async () => {
  const registry = createRegistry("sidecar", "9.9.9");
  const counter = new Counter({
    name: metricName("sidecar", "requests"),
    help: "requests",
    registers: [registry],
  });
  counter.inc();
  const response = await metricsResponse(registry);
  assert.match(await response.text(), /ctlstore_sidecar_requests\{version="9\.9\.9"\} 1/);
});
