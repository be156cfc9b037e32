import { deepStrictEqual as assertEquals, ok } from "node:assert/strict";
import { getLdbSeq, openLdbForRead } from "../../lib/ldb/mod.ts";
import { startReflector } from "../../lib/reflector/mod.ts";
import { SERVER_CTLDBS } from "../_helpers/server_ctldbs.ts";
import { tempDir } from "../_helpers/temp.ts";
import { collectingLogger, ldbRows, ldbTables, testExecutive, WRITER } from "./_fixtures.ts";

function changelogLines(
  path: string,
): { seq: number; family: string; table: string; key: { value: unknown }[] }[] {
  return Deno.readTextFileSync(path).split("\n").filter(Boolean).map((line) => JSON.parse(line));
}

for (const server of SERVER_CTLDBS) {
  server.test(
    `executive writes of every kind reach the LDB and a restart resumes without replays (${server.name})`,
    async () => {
      await using db = await server.fresh();
      await using dir = await tempDir();
      await using executive = await testExecutive(db.dsn);
      const { client, ctldb } = executive;
      const ldbPath = `${dir.path}/ldb.db`;
      const changelogPath = `${dir.path}/changelog`;
      const { logger, lines } = collectingLogger();
      const config = {
        ldbPath,
        upstreamDriver: server.driver,
        upstreamDsn: db.dsn,
        pollIntervalMs: 50,
        changelogPath,
        logger,
      };
      const caughtUp = async (
        reflector: { waitForSeq(seq: number, signal?: AbortSignal): Promise<void> },
      ) => await reflector.waitForSeq(await ctldb.maxLedgerSeq(), AbortSignal.timeout(15_000));

      await client.createFamily("fam");
      await client.createTable("fam", "users", {
        fields: [["name", "string"], ["id", "integer"], ["data", "bytestring"]],
        keyFields: ["id"],
      });
      await client.mutate("fam", WRITER, {
        mutations: [{ table: "users", values: { id: 1, name: "Ada <&>", data: "3q0=" } }],
      });
      let reflector = await startReflector(config);
      try {
        await caughtUp(reflector);
        assertEquals(ldbRows(ldbPath, "fam___users"), [
          { name: "Ada <&>", id: 1n, data: new Uint8Array([0xde, 0xad]) },
        ]);

        // One request with several mutations is one ledger transaction.
        await client.mutate("fam", WRITER, {
          mutations: [
            { table: "users", values: { id: 2, name: "Bob", data: null } },
            { table: "users", values: { id: 9007199254740993n, name: "Big", data: null } },
            { table: "users", delete: true, values: { id: 1 } },
          ],
        });
        const ledger = await ctldb.query<{ statement: string }>(
          "SELECT statement FROM ctlstore_dml_ledger ORDER BY seq",
        );
        ok(ledger.some((row) => row.statement === "--- BEGIN"));
        await caughtUp(reflector);
        assertEquals(ldbRows(ldbPath, "fam___users", "id").map((r) => r.id), [
          2n,
          9007199254740993n,
        ]);

        await client.addFields("fam", "users", [["email", "string"]]);
        await client.mutate("fam", WRITER, {
          mutations: [{ table: "users", values: { id: 3, name: "Cy", data: null, email: "c@x" } }],
        });
        await caughtUp(reflector);
        assertEquals(ldbRows(ldbPath, "fam___users").find((r) => r.id === 3n), {
          name: "Cy",
          id: 3n,
          data: null,
          email: "c@x",
        });

        assertEquals(
          (await executive.request("DELETE", "/clear-rows/families/fam/tables/users")).status,
          200,
        );
        await client.createTable("fam", "doomed", { fields: [["k", "string"]], keyFields: ["k"] });
        await caughtUp(reflector);
        assertEquals(ldbRows(ldbPath, "fam___users"), []);
        ok(ldbTables(ldbPath).includes("fam___doomed"));
        assertEquals(
          (await executive.request("DELETE", "/families/fam/tables/doomed")).status,
          200,
        );
        await caughtUp(reflector);
        ok(!ldbTables(ldbPath).includes("fam___doomed"));
      } finally {
        await reflector.stop();
      }

      // Written while the reflector is down; picked up on restart from the LDB's seq.
      await client.mutate("fam", WRITER, {
        mutations: [{ table: "users", values: { id: 4, name: "Di", data: null, email: null } }],
      });
      const before = changelogLines(changelogPath);
      reflector = await startReflector(config);
      try {
        await caughtUp(reflector);
      } finally {
        await reflector.stop();
      }
      assertEquals(ldbRows(ldbPath, "fam___users").map((r) => r.name), ["Di"]);
      const ldb = openLdbForRead(ldbPath);
      try {
        assertEquals(getLdbSeq(ldb), await ctldb.maxLedgerSeq());
      } finally {
        ldb.close();
      }
      ok(!lines.some((line) => line.includes("replayed")), "no entry was replayed");
      const after = changelogLines(changelogPath);
      assertEquals(after.map((e) => e.seq), after.map((_, i) => i + 1), "changelog seq continues");
      assertEquals(after.length, before.length + 1);
      assertEquals(after.at(-1)?.key, [{ name: "id", type: "INTEGER", value: 4 }]);
      // upsert 1, upserts 2 and big, delete 1, upsert 3, clear (2, big, 3), upsert 4
      assertEquals(after.length, 9);
    },
  );
}
