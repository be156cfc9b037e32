import assert from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import { silentLogger } from "../../lib/log/mod.ts";
import { createRegistry } from "../../lib/metrics/mod.ts";
import { parseSnapshotDestinations } from "../../lib/supervisor/destination.ts";
import { createSupervisorMetrics } from "../../lib/supervisor/metrics.ts";
import { type ReplicaPosition, runSnapshotRound } from "../../lib/supervisor/round.ts";
import { tempDir } from "../_helpers/temp.ts";

function arrange(dir: string, seq: number, urls: string[]) {
  const db = new DatabaseSync(`${dir}/ldb.db`);
  db.exec("CREATE TABLE _ldb_seq (id INTEGER PRIMARY KEY NOT NULL, seq BIGINT NOT NULL)");
  db.prepare("INSERT INTO _ldb_seq VALUES (1, ?)").run(seq);
  db.close();
  const registry = createRegistry("supervisor", "test");
  const metrics = createSupervisorMetrics(registry);
  const context = (position: ReplicaPosition) => ({
    ldbPath: `${dir}/ldb.db`,
    snapshotPath: `${dir}/ldb.db.snapshot`,
    destinations: parseSnapshotDestinations(urls),
    maxLag: 10,
    position: () => position,
    metrics,
    logger: silentLogger,
    signal: new AbortController().signal,
  });
  const metric = async (name: string) =>
    (await registry.getSingleMetric(`ctlstore_supervisor_${name}`)!.get()).values[0]?.value;
  return { context, metric };
}

async function exists(path: string): Promise<boolean> {
  return await Deno.stat(path).then(() => true, () => false);
}

Deno.test("a round publishes when the replica is within the lag limit", async () => {
  await using dir = await tempDir();
  const { context, metric } = arrange(dir.path, 50, [`file://${dir.path}/out/snap.db`]);

  const outcome = await runSnapshotRound(context({ appliedSeq: 50, upstreamMaxSeq: 60 }));

  assert.equal(outcome.kind, "published");
  assert.ok(await exists(`${dir.path}/out/snap.db`));
  assert.ok(!await exists(`${dir.path}/ldb.db.snapshot`));
  assert.equal(await metric("snapshot_seq"), 50);
  assert.equal(await metric("snapshot_errors_total"), 0);
});

Deno.test("a round publishes nothing when the replica lags or upstream is unknown", async (t) => {
  const cases: { name: string; position: ReplicaPosition }[] = [
    { name: "behind upstream", position: { appliedSeq: 50, upstreamMaxSeq: 61 } },
    { name: "upstream never reached", position: { appliedSeq: 50 } },
    { name: "stuck on a failing entry", position: { appliedSeq: 50, failing: { seq: 61 } } },
    { name: "reported ahead of the LDB", position: { appliedSeq: 100, upstreamMaxSeq: 100 } },
  ];
  for (const { name, position } of cases) {
    await t.step(name, async () => {
      await using dir = await tempDir();
      const { context, metric } = arrange(dir.path, 50, [`file://${dir.path}/snap.db`]);

      const outcome = await runSnapshotRound(context(position));

      assert.equal(outcome.kind, "skipped");
      assert.ok(!await exists(`${dir.path}/snap.db`));
      assert.ok(!await exists(`${dir.path}/ldb.db.snapshot`));
      assert.equal(await metric("snapshots_skipped_for_lag_total"), 1);
    });
  }
});

Deno.test("a failed upload fails the round, counts an error and removes the temp file", async () => {
  await using dir = await tempDir();
  await Deno.writeTextFile(`${dir.path}/blocker`, "");
  const { context, metric } = arrange(dir.path, 5, [
    `file://${dir.path}/ok/snap.db`,
    `file://${dir.path}/blocker/snap.db`,
  ]);

  const outcome = await runSnapshotRound(context({ appliedSeq: 5, upstreamMaxSeq: 5 }));

  assert.equal(outcome.kind, "failed");
  assert.match(outcome.error.message, /^upload to file:\/\/.*\/blocker\/snap\.db: /);
  assert.equal(await metric("snapshot_errors_total"), 1);
  assert.ok(!await exists(`${dir.path}/ldb.db.snapshot`));
});
