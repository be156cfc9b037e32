import { deepStrictEqual as assertEquals, match, ok } from "node:assert/strict";
import { openLdbForWrite } from "../../lib/ldb/mod.ts";
import { SERVER_CTLDBS } from "../_helpers/server_ctldbs.ts";
import { freePort, spawnCli } from "../_helpers/process.ts";
import { tempDir } from "../_helpers/temp.ts";
import { eventually, seedLedger } from "./_fixtures.ts";

for (const server of SERVER_CTLDBS) {
  server.test(
    `a poison statement is reported in log, metrics and health, retried, and never crashes the CLI (${server.name})`,
    async () => {
      await using db = await server.fresh();
      await using dir = await tempDir();
      await seedLedger(db.dsn, [
        `CREATE TABLE fam___ok ("id" INTEGER, PRIMARY KEY("id"));`,
        `REPLACE INTO fam___ok ("id") VALUES(1)`,
        `REPLACE INTO fam___missing ("id") VALUES(1)`,
        `REPLACE INTO fam___ok ("id") VALUES(2)`,
      ]);
      const port = freePort();
      const ldbPath = `${dir.path}/ldb.db`;
      await using cli = await spawnCli([
        "reflector",
        "-ldb-path",
        ldbPath,
        "-upstream-driver",
        server.driver,
        "-upstream-dsn",
        db.dsn,
        "-poll-interval",
        "50ms",
        "-metrics-bind",
        `127.0.0.1:${port}`,
      ], { port });
      const get = async (path: string) => {
        const response = await fetch(`http://127.0.0.1:${port}${path}`);
        return { status: response.status, text: await response.text() };
      };
      await cli.waitForOutput(/fails to apply.*seq=3/);
      const health = await get("/healthz");
      assertEquals(health.status, 503);
      match(health.text, /^ledger seq 3 fails to apply .*no such table: fam___missing/);
      const metrics = (await get("/metrics")).text;
      match(metrics, /ctlstore_reflector_failing_seq\{[^}]*\} 3/);
      match(metrics, /ctlstore_reflector_apply_errors_total\{[^}]*\} [1-9]/);
      match(metrics, /ctlstore_reflector_applied_seq\{[^}]*\} 2/);

      // Repair the LDB by hand: the retry then applies seq 3 and the rest.
      const ldb = openLdbForWrite(ldbPath);
      try {
        ldb.exec(`CREATE TABLE fam___missing ("id" INTEGER, PRIMARY KEY("id"))`);
      } finally {
        ldb.close();
      }
      await eventually(
        "health to recover",
        async () => (await get("/healthz")).status === 200,
        40_000,
      );
      match((await get("/metrics")).text, /ctlstore_reflector_failing_seq\{[^}]*\} 0/);
      cli.kill("SIGTERM");
      assertEquals((await cli.status).code, 0);
      ok(cli.stderr().includes("failing ledger entry applied; resuming"));
    },
  );
}
