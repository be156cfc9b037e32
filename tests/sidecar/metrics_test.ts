import assert from "node:assert/strict";
import { parsePrometheusText, samplesOf } from "../../lib/console/prometheus.ts";
import { advanceLdbSeq, openLdbForWrite, setLdbLastUpdate } from "../../lib/ldb/mod.ts";
import { tempDir } from "../_helpers/temp.ts";
import { testSidecar } from "./_fixture.ts";

Deno.test("the sidecar's /metrics report its LDB's applied seq and ledger latency, read at each scrape", async () => {
  await using dir = await tempDir();
  const path = `${dir.path}/ldb.db`;
  const writer = openLdbForWrite(path);
  try {
    await using sidecar = await testSidecar(path);
    const scrape = async (name: string) => {
      const text = await (await sidecar.get("/metrics")).text();
      const samples = samplesOf(parsePrometheusText(text), name);
      assert.equal(samples.length, 1, `${name} in:\n${text}`);
      return samples[0]!.value;
    };
    assert.equal(await scrape("ctlstore_sidecar_applied_seq"), 0);
    assert.ok(Number.isNaN(await scrape("ctlstore_sidecar_ledger_latency_seconds")));

    const written = new Date("2020-01-01T00:00:00Z");
    writer.exec("BEGIN");
    setLdbLastUpdate(writer, written);
    advanceLdbSeq(writer, 42);
    writer.exec("COMMIT");
    const before = (Date.now() - written.getTime()) / 1000;
    const latency = await scrape("ctlstore_sidecar_ledger_latency_seconds");
    const after = (Date.now() - written.getTime()) / 1000;
    assert.equal(await scrape("ctlstore_sidecar_applied_seq"), 42);
    assert.ok(latency >= before && latency <= after, `${before} <= ${latency} <= ${after}`);

    writer.exec("BEGIN");
    advanceLdbSeq(writer, 43);
    writer.exec("COMMIT");
    assert.equal(await scrape("ctlstore_sidecar_applied_seq"), 43);
  } finally {
    writer.close();
  }
});
