import { deepStrictEqual as assertEquals, match, ok, throws } from "node:assert/strict";
import { startReflector } from "../../lib/reflector/mod.ts";
import {
  consumeInitSnapshotMetrics,
  parseInitSnapshotMetrics,
} from "../../lib/reflector/init_snapshot_metrics.ts";
import { tempDir } from "../_helpers/temp.ts";
import { collectingLogger, eventually, seedLedger } from "./_fixtures.ts";

Deno.test("the download.sh report is decoded strictly", () => {
  const cases: [string, string, RegExp | undefined][] = [
    ["valid", '{"startTime":42,"downloaded":"true","compressed":"false"}', undefined],
    [
      "unknown field",
      '{"startTime":1,"downloaded":"t","compressed":"f","x":1}',
      /unknown field "x"/,
    ],
    ["missing field", '{"startTime":1,"downloaded":"true"}', /"compressed" must be a string/],
    ["fractional time", '{"startTime":1.5,"downloaded":"t","compressed":"f"}', /startTime/],
    ["time as text", '{"startTime":"1","downloaded":"t","compressed":"f"}', /startTime/],
    ["boolean flag", '{"startTime":1,"downloaded":true,"compressed":"f"}', /"downloaded"/],
    ["array", "[]", /expected a JSON object/],
    ["not JSON", "{", /JSON/],
  ];
  for (const [name, text, error] of cases) {
    if (error) throws(() => parseInitSnapshotMetrics(text), error, name);
    else {
      assertEquals(parseInitSnapshotMetrics(text), {
        startTime: 42,
        downloaded: "true",
        compressed: "false",
      }, name);
    }
  }
});

Deno.test("the download.sh report is deleted after reading, a malformed one too", async () => {
  await using dir = await tempDir();
  const path = `${dir.path}/metrics.json`;
  const { logger, lines } = collectingLogger();
  assertEquals(await consumeInitSnapshotMetrics(path, logger), undefined, "absent");
  assertEquals(lines.length, 0, "an absent report is not worth a line");

  await Deno.writeTextFile(path, '{"startTime":7,"downloaded":"true","compressed":"true"}');
  assertEquals(await consumeInitSnapshotMetrics(path, logger), {
    startTime: 7,
    downloaded: "true",
    compressed: "true",
  });
  assertEquals(await Deno.stat(path).catch(() => "deleted"), "deleted");

  await Deno.writeTextFile(path, '{"startTime":7,"extra":1}');
  assertEquals(await consumeInitSnapshotMetrics(path, logger), undefined, "malformed");
  assertEquals(await Deno.stat(path).catch(() => "deleted"), "deleted");
  ok(lines.some((line) => line.includes("malformed snapshot download report")));
});

Deno.test("a reflector records the download.sh report and exports its counters at zero from the start", async () => {
  await using dir = await tempDir();
  const ctldbPath = `${dir.path}/ctldb.db`;
  await seedLedger(`sqlite:${ctldbPath}`);
  const reportPath = `${dir.path}/metrics.json`;
  await Deno.writeTextFile(reportPath, '{"startTime":93,"downloaded":"true","compressed":"false"}');
  const reflector = await startReflector({
    ldbPath: `${dir.path}/ldb.db`,
    upstreamDriver: "sqlite3",
    upstreamDsn: ctldbPath,
    initSnapshotMetricsPath: reportPath,
    walPollIntervalMs: 0,
    ledgerLatencyPollIntervalMs: 10,
  });
  try {
    const text = await reflector.registry.metrics();
    match(
      text,
      /ctlstore_reflector_init_snapshot_download_duration_seconds\{downloaded="true",compressed="false"[^}]*\} 93\n/,
    );
    for (
      const metric of [
        /failing_seq\{id="ldb\.db-0"[^}]*\} 0\n/,
        /apply_errors_total\{id="ldb\.db-0"[^}]*\} 0\n/,
        /errors_total\{id="ldb\.db-0",kind="upstream"[^}]*\} 0\n/,
        /sequence_gaps_skipped_total\{id="ldb\.db-0"[^}]*\} 0\n/,
      ]
    ) {
      match(text, metric);
    }
    assertEquals(await Deno.stat(reportPath).catch(() => "deleted"), "deleted");
    // With the reflector's checkpointing off, the WAL size is still measured.
    await eventually(
      "the WAL size gauge",
      async () => /wal_file_size_bytes\{id="ldb\.db-0"/.test(await reflector.registry.metrics()),
    );
  } finally {
    await reflector.stop();
  }
});
