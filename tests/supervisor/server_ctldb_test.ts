import assert from "node:assert/strict";
import { openCtldb } from "../../lib/ctldb/mod.ts";
import { Reader } from "../../lib/reader/mod.ts";
import { startSupervisor } from "../../lib/supervisor/mod.ts";
import { SERVER_CTLDBS } from "../_helpers/server_ctldbs.ts";
import { tempDir } from "../_helpers/temp.ts";

const CREATE = `CREATE TABLE fam___rows ("id" INTEGER, "value" INTEGER, PRIMARY KEY("id"));`;

for (const server of SERVER_CTLDBS) {
  server.test(
    `a supervisor reading a ${server.name} ctldb publishes a snapshot that holds its ledger's rows`,
    async () => {
      await using database = await server.fresh();
      await using dir = await tempDir();
      const ctldb = await openCtldb(database.dsn);
      try {
        await ctldb.ensureSchema();
        const rows = Array.from(
          { length: 20 },
          (_, i) => `REPLACE INTO fam___rows ("id","value") VALUES(${i + 1},${(i + 1) * 10})`,
        );
        await ctldb.appendLedger(ctldb, [CREATE, ...rows]);
        const target = `${dir.path}/out/snapshot.db`;
        const supervisor = await startSupervisor({
          reflector: {
            ldbPath: `${dir.path}/supervisor/ldb.db`,
            upstreamDriver: server.driver,
            upstreamDsn: database.dsn,
            pollIntervalMs: 20,
            walPollIntervalMs: 0,
          },
          snapshotUrls: [`file://${target}`],
          snapshotIntervalMs: 50,
          retryDelayMs: 50,
        });
        try {
          let published = 0;
          for (let round = 0; round < 200 && published < 21; round++) {
            const outcome = await supervisor.nextRound();
            if (outcome.kind === "failed") throw outcome.error;
            if (outcome.kind === "published") published = outcome.seq;
          }
          assert.equal(published, 21);
        } finally {
          await supervisor.stop();
        }
        using reader = Reader.open(target);
        assert.deepEqual(reader.getRowByKey("fam", "rows", 20), { id: 20, value: 200 });
        assert.equal(reader.getLastSequence(), 21);
      } finally {
        await ctldb.close();
      }
    },
  );
}
