import { deepStrictEqual as assertEquals, ok } from "node:assert/strict";
import { openLdbForWrite } from "../../lib/ldb/mod.ts";
import { silentLogger } from "../../lib/log/mod.ts";
import { WalCheckpointer } from "../../lib/reflector/wal_checkpointer.ts";
import { tempDir } from "../_helpers/temp.ts";

Deno.test("the WAL checkpointer checkpoints above the threshold and keeps trying after failures", async () => {
  await using dir = await tempDir();
  const ldbPath = `${dir.path}/ldb.db`;
  const db = openLdbForWrite(ldbPath);
  const errors: string[] = [];
  const sizes: number[] = [];
  const wal = new WalCheckpointer(db, {
    ldbPath,
    intervalMs: 1,
    thresholdBytes: 64 * 1024,
    type: "TRUNCATE",
    busyTimeoutMs: 5000,
    log: silentLogger,
    onSize: (bytes) => sizes.push(bytes),
    onError: (kind) => errors.push(kind),
  });
  try {
    db.exec("PRAGMA wal_autocheckpoint = 0");
    db.exec("CREATE TABLE t (v TEXT)");
    assertEquals(wal.check(), undefined); // small WAL: nothing to do
    for (let i = 0; i < 100; i++) db.exec(`INSERT INTO t VALUES ('${"x".repeat(2000)}')`);
    const result = wal.check();
    ok(result && !result.busy && result.checkpointedFrames === result.logFrames);
    assertEquals(sizes.at(-1), 0); // TRUNCATE emptied the WAL
  } finally {
    db.close();
  }
  await Deno.writeFile(`${ldbPath}-wal`, new Uint8Array(128 * 1024)); // big WAL, closed connection
  for (let i = 0; i < 8; i++) wal.check();
  assertEquals(errors, Array(8).fill("wal_checkpoint"));
});
