import { deepStrictEqual as assertEquals, ok } from "node:assert/strict";
import { startReflector } from "../../lib/reflector/mod.ts";
import { startSidecar } from "../../lib/sidecar/mod.ts";
import { SERVER_CTLDBS } from "../_helpers/server_ctldbs.ts";
import { tempDir } from "../_helpers/temp.ts";
import { ldbRows, testExecutive, WRITER } from "./_fixtures.ts";

interface ChangeJson {
  seq: number;
  tx: number;
  family: string;
  table: string;
  op: string;
  key: Record<string, unknown>;
}

for (const server of SERVER_CTLDBS) {
  server.test(
    `writes through an executive on MariaDB reach /changes as one entry per changed key,  (${server.name})` +
      "in agreement with the LDB's rows",
    async () => {
      await using db = await server.fresh();
      await using dir = await tempDir();
      await using executive = await testExecutive(db.dsn);
      const { client, ctldb } = executive;
      const ldbPath = `${dir.path}/ldb.db`;
      const reflector = await startReflector({
        ldbPath,
        upstreamDriver: server.driver,
        upstreamDsn: db.dsn,
        pollIntervalMs: 20,
      });
      try {
        const caughtUp = async () =>
          await reflector.waitForSeq(await ctldb.maxLedgerSeq(), AbortSignal.timeout(15_000));
        const maxSeq = () => ctldb.maxLedgerSeq();
        const expected: Omit<ChangeJson, "tx">[] = [];
        const txOf = new Map<number, number>();
        const entry = (seq: number, table: string, op: string, key: Record<string, unknown> = {}) =>
          expected.push({ seq, family: "fam", table, op, key });

        await client.createFamily("fam");
        await client.createTable("fam", "users", {
          fields: [["id", "integer"], ["name", "string"], ["data", "bytestring"]],
          keyFields: ["id"],
        });
        entry(await maxSeq(), "users", "schema");
        const upsert = (id: number | bigint, name: string, data: string | null = null) =>
          client.mutate("fam", WRITER, {
            mutations: [{ table: "users", values: { id, name, data } }],
          });
        const first = (await upsert(1, "ada", "3q2+7w==")).seq!;
        entry(first, "users", "upsert", { id: 1 });
        const overwrite = (await upsert(1, "ada lovelace")).seq!;
        entry(overwrite, "users", "upsert", { id: 1 });

        // One request, one bracketed ledger transaction: three entries sharing its BEGIN as tx.
        const multi = (await client.mutate("fam", WRITER, {
          mutations: [
            { table: "users", values: { id: 2, name: "bob", data: null } },
            { table: "users", values: { id: 9007199254740993n, name: "big", data: null } },
            { table: "users", delete: true, values: { id: 1 } },
          ],
        })).seq!;
        // The response's seq is the COMMIT's; the statements are the three before it.
        for (
          const [offset, key, op] of [[3, 2, "upsert"], [2, "9007199254740993", "upsert"], [
            1,
            1,
            "delete",
          ]] as const
        ) {
          entry(multi - offset, "users", op, { id: key });
          txOf.set(multi - offset, multi - 4);
        }

        // A delete of a row that does not exist changes nothing and records nothing.
        await client.mutate("fam", WRITER, {
          mutations: [{ table: "users", delete: true, values: { id: 42 } }],
        });
        await client.addFields("fam", "users", [["email", "string"]]);
        entry(await maxSeq(), "users", "schema");
        const third = (await client.mutate("fam", WRITER, {
          mutations: [{ table: "users", values: { id: 3, name: "cy", data: null, email: "c@x" } }],
        })).seq!;
        entry(third, "users", "upsert", { id: 3 });

        await caughtUp();
        // Before the clear: every key whose last entry is an upsert is a row, and no other.
        const live = new Map<string, string>();
        for (const e of expected) {
          if (e.op === "upsert" || e.op === "delete") live.set(String(e.key.id), e.op);
        }
        assertEquals(
          ldbRows(ldbPath, "fam___users", "id").map((row) => String(row.id)).sort(),
          [...live].filter(([, op]) => op === "upsert").map(([id]) => id).sort(),
        );

        assertEquals(
          (await executive.request("DELETE", "/clear-rows/families/fam/tables/users")).status,
          200,
        );
        entry(await maxSeq(), "users", "clear");
        await client.createTable("fam", "doomed", { fields: [["k", "string"]], keyFields: ["k"] });
        entry(await maxSeq(), "doomed", "schema");
        assertEquals(
          (await executive.request("DELETE", "/families/fam/tables/doomed")).status,
          200,
        );
        entry(await maxSeq(), "doomed", "drop");
        await caughtUp();
        assertEquals(ldbRows(ldbPath, "fam___users"), []);

        await using sidecar = await startSidecar({ bindAddr: "127.0.0.1:0", ldbPath });
        const url = `http://127.0.0.1:${sidecar.address.port}`;
        const response = await fetch(`${url}/changes?after=0&family=fam`);
        assertEquals(response.status, 200);
        assertEquals(response.headers.get("x-ctlstore-seq"), String(await maxSeq()));
        // The exact 64-bit key is kept in the raw JSON text.
        const text = await response.text();
        ok(text.includes('"key":{"id":9007199254740993}'), text);
        const body = JSON.parse(text.replace("9007199254740993", '"9007199254740993"')) as {
          changes: ChangeJson[];
          lastSeq: number;
        };
        assertEquals(body.lastSeq, await maxSeq());
        assertEquals(
          body.changes.map(({ seq, family, table, op, key }) => ({ seq, family, table, op, key })),
          expected,
        );
        for (const change of body.changes) {
          assertEquals(change.tx, txOf.get(change.seq) ?? change.seq, `tx of seq ${change.seq}`);
        }
        const filtered = await (await fetch(`${url}/changes?after=0&family=fam&table=doomed`))
          .json();
        assertEquals(filtered.changes.map((c: ChangeJson) => c.op), ["schema", "drop"]);
      } finally {
        await reflector.stop();
      }
    },
  );
}
