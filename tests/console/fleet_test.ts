import assert from "node:assert/strict";
import { FleetPoller, type FleetSource } from "../../lib/console/fleet.ts";
import { readTarget, targetLabel, type TargetReading } from "../../lib/console/fleet_target.ts";
import type { HealthReport } from "../../lib/http/mod.ts";
import { createRegistry, type Registry } from "../../lib/metrics/mod.ts";
import { startHealthServer } from "../../lib/reflector/health.ts";
import { reflectorMetrics } from "../../lib/reflector/metrics.ts";
import { startSidecar } from "../../lib/sidecar/mod.ts";
import { createSupervisorMetrics } from "../../lib/supervisor/metrics.ts";
import { historyLdb } from "../_helpers/history_ldb.ts";
import { freePort } from "../_helpers/process.ts";

/** A `/metrics` + `/healthz` server as reflectors and supervisors serve them. */
async function metricsServer(registry: Registry, health: () => HealthReport) {
  const server = await startHealthServer("127.0.0.1:0", registry, health);
  return {
    url: `http://127.0.0.1:${server.address.port}/metrics`,
    [Symbol.asyncDispose]: () => server.shutdown(),
  };
}

Deno.test("a reflector target reports its applied seq, ledger latency and health", async () => {
  const registry = createRegistry("reflector", "0.1.0");
  const metrics = reflectorMetrics(registry);
  metrics.appliedSeq.set({ id: "ldb.db" }, 1234);
  metrics.ledgerLatency.set({ id: "ldb.db" }, 0.75);
  await using server = await metricsServer(registry, () => ({
    healthy: true,
    reason: "caught up at seq 1234",
  }));
  const reading = await readTarget(server.url, 2000);
  assert.equal(reading.reachable, true);
  assert.equal(reading.kind, "reflector");
  assert.equal(reading.appliedSeq, 1234);
  assert.equal(reading.latencySeconds, 0.75);
  assert.equal(reading.healthy, true);
  assert.equal(reading.health, "ok: caught up at seq 1234");
  assert.equal(reading.error, undefined);
});

Deno.test("a reflector stuck on a statement reports it and its health as the error", async () => {
  const registry = createRegistry("reflector", "0.1.0");
  const metrics = reflectorMetrics(registry);
  metrics.appliedSeq.set({ id: "ldb.db" }, 99);
  metrics.failingSeq.set({ id: "ldb.db" }, 100);
  await using server = await metricsServer(registry, () => ({
    healthy: false,
    reason: "ledger seq 100 fails to apply <boom>",
  }));
  const reading = await readTarget(server.url, 2000);
  assert.equal(reading.healthy, false);
  assert.equal(
    reading.error,
    "unhealthy: ledger seq 100 fails to apply <boom>; ledger seq 100 fails to apply",
  );
});

Deno.test("a supervisor target reports its last snapshot's age, size, seq and checksum", async () => {
  const registry = createRegistry("supervisor", "0.1.0");
  reflectorMetrics(registry).appliedSeq.set({ id: "supervisor" }, 50);
  const metrics = createSupervisorMetrics(registry);
  metrics.ldbSizeBytes.set(8192);
  metrics.snapshotSeq.set(48);
  metrics.lastSuccessTimestamp.set(1_700_000_000.5);
  metrics.snapshotChecksum.set({ checksum: "2jmj7l5rSw0yVb/vlWAYkK/YBwk=" }, 1);
  await using server = await metricsServer(registry, () => ({ healthy: true, reason: "ok" }));
  const reading = await readTarget(server.url, 2000);
  assert.equal(reading.kind, "supervisor");
  assert.equal(reading.appliedSeq, 50);
  assert.deepEqual(reading.snapshot, {
    at: 1_700_000_000_500,
    sizeBytes: 8192,
    seq: 48,
    checksum: "2jmj7l5rSw0yVb/vlWAYkK/YBwk=",
  });
});

Deno.test("a sidecar target reports the applied seq and latency of its LDB", async () => {
  using ldb = historyLdb();
  const fields = [{ name: "id", type: "integer" as const }];
  ldb.createTable("demo", "items", fields, ["id"]);
  const seq = ldb.upsert("demo", "items", fields, [1]);
  ldb.close();
  await using sidecar = await startSidecar({ bindAddr: "127.0.0.1:0", ldbPath: ldb.path });
  const reading = await readTarget(`http://127.0.0.1:${sidecar.address.port}/metrics`, 2000);
  assert.equal(reading.kind, "sidecar");
  assert.equal(reading.appliedSeq, seq);
  assert.equal(typeof reading.latencySeconds, "number");
  assert.equal(reading.healthy, true);
});

Deno.test("an unreachable target is a reading that says why", async () => {
  const reading = await readTarget(`http://127.0.0.1:${freePort()}/metrics`, 2000);
  assert.equal(reading.reachable, false);
  assert.match(reading.error ?? "", /^unreachable: tcp connect error: Connection refused/);
});

Deno.test("targets are named by host and port, with the path when it is not /metrics", () => {
  assert.equal(targetLabel("http://10.0.0.7:9090/metrics"), "10.0.0.7:9090");
  assert.equal(targetLabel("https://edge.example/ctl/metrics"), "edge.example/ctl/metrics");
});

/** A target whose next reading the test sets. */
function source(label: string): FleetSource & { next: Partial<TargetReading> } {
  const target = {
    label,
    next: {} as Partial<TargetReading>,
    read: () =>
      Promise.resolve({ at: Date.now(), reachable: true, kind: "reflector", ...target.next }),
  } as FleetSource & { next: Partial<TargetReading> };
  return target;
}

const OPTIONS = { pollIntervalMs: 1000, lagThresholdMs: 30_000, historyMs: 3_600_000 };

Deno.test("a target lags once the fleet has had a newer seq for longer than the threshold", async () => {
  const a = source("a");
  const b = source("b");
  const poller = new FleetPoller([a, b], OPTIONS);
  a.next = { appliedSeq: 10 };
  b.next = { appliedSeq: 10 };
  await poller.poll();
  a.next = { appliedSeq: 12 };
  await poller.poll();
  const now = poller.view().at;
  const soon = poller.view(now + 1000);
  assert.deepEqual(soon.targets.map((t) => t.status), ["ok", "ok"]);
  assert.equal(soon.targets[1]!.behindMs, 1000);
  const later = poller.view(now + 31_000);
  assert.deepEqual(later.targets.map((t) => t.status), ["ok", "lagging"]);
  assert.equal(later.newestSeq, 12);
  b.next = { appliedSeq: 12 };
  await poller.poll();
  assert.deepEqual(poller.view(now + 31_000).targets.map((t) => t.status), ["ok", "ok"]);
});

Deno.test("a quiet ledger makes nobody lag, however old the last write", async () => {
  const a = source("a");
  const poller = new FleetPoller([a], OPTIONS);
  a.next = { appliedSeq: 5, latencySeconds: 86_400 };
  await poller.poll();
  await poller.poll();
  assert.equal(poller.view(Date.now() + 3_600_000).targets[0]!.status, "ok");
});

Deno.test("an unreachable or unhealthy target is flagged, keeping its last seq and error", async () => {
  const a = source("a");
  const b = source("b");
  const poller = new FleetPoller([a, b], OPTIONS);
  a.next = { appliedSeq: 7 };
  b.next = { appliedSeq: 7, healthy: false, health: "no heartbeat", error: "unhealthy: x" };
  await poller.poll();
  a.next = { reachable: false, kind: "unknown", error: "unreachable: connection refused" };
  await poller.poll();
  const [down, sick] = poller.view().targets;
  assert.equal(down!.status, "unreachable");
  assert.equal(down!.appliedSeq, 7);
  assert.equal(down!.lastError?.message, "unreachable: connection refused");
  assert.equal(sick!.status, "unhealthy");
  const chart = poller.chart();
  assert.equal(chart.t.length, 2);
  assert.deepEqual(chart.targets[0]!.seq, [7, null]);
  assert.deepEqual(chart.targets[1]!.seq, [7, 7]);
});

Deno.test("the fleet's history keeps only the last hour of rounds", async () => {
  const a = source("a");
  const poller = new FleetPoller([a], { ...OPTIONS, pollIntervalMs: 600_000 });
  for (let seq = 1; seq <= 10; seq++) {
    a.next = { appliedSeq: seq };
    await poller.poll();
  }
  assert.deepEqual(poller.chart().targets[0]!.seq, [4, 5, 6, 7, 8, 9, 10]);
});
