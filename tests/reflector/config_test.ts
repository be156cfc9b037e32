import { deepStrictEqual as assertEquals, throws } from "node:assert/strict";
import { reflectorId, resolveReflectorConfig } from "../../lib/reflector/mod.ts";

const minimal = {
  ldbPath: "/var/spool/ctlstore/ldb.db",
  upstreamDriver: "mysql",
  upstreamDsn: "u@tcp(h:3306)/db",
};

Deno.test("reflector config defaults match the flags, with WAL checkpointing on", () => {
  const config = resolveReflectorConfig(minimal);
  assertEquals(
    [
      config.id,
      config.pollIntervalMs,
      config.pollTimeoutMs,
      config.queryBlockSize,
      config.changelogSize,
    ],
    ["ldb.db-0", 1000, 5000, 100, 1_048_576],
  );
  assertEquals(
    [config.walPollIntervalMs, config.walCheckpointThresholdSize, config.walCheckpointType],
    [10_000, 8_388_608, "PASSIVE"],
  );
  assertEquals([config.busyTimeoutMs, config.gapGraceMs, config.upstreamLedgerTable], [
    5000,
    3000,
    "ctlstore_dml_ledger",
  ]);
  assertEquals(
    resolveReflectorConfig({ ...minimal, queryBlockSize: 0, walCheckpointType: "truncate" })
      .walCheckpointType,
    "TRUNCATE",
  );
  assertEquals(reflectorId("/a/ldb-2.db", 1), "ldb-2.db-1");
});

Deno.test("reflector config rejects unknown drivers, checkpoint types and bad intervals", () => {
  throws(
    () => resolveReflectorConfig({ ...minimal, upstreamDriver: "oracle" }),
    /unsupported upstream driver 'oracle': expected one of mysql, postgres, postgresql, sqlite3/,
  );
  for (const upstreamDriver of ["mysql", "postgres", "postgresql", "sqlite3"]) {
    assertEquals(
      resolveReflectorConfig({ ...minimal, upstreamDriver }).upstreamDriver,
      upstreamDriver,
    );
  }
  throws(
    () => resolveReflectorConfig({ ...minimal, walCheckpointType: "SOMETIMES" }),
    /invalid wal checkpoint type 'SOMETIMES'/,
  );
  throws(
    () => resolveReflectorConfig({ ...minimal, pollIntervalMs: 0 }),
    /poll interval must be positive/,
  );
  throws(() => resolveReflectorConfig({ ...minimal, ldbPath: "" }), /LDB path is required/);
});
