import assert from "node:assert/strict";
import { type Ctldb, openCtldb } from "../../lib/ctldb/mod.ts";
import { startExecutive } from "../../lib/executive/mod.ts";
import { SERVER_CTLDBS } from "../_helpers/server_ctldbs.ts";

const WRITERS = 8;
const REQUESTS = 40;
const ROWS_PER_REQUEST = 2;

/** Ends every connection to `database` but the killer's own; returns how many it ended. */
async function killConnections(killer: Ctldb, server: string, database: string): Promise<number> {
  if (server === "postgres") {
    const killed = await killer.query(
      "SELECT pg_terminate_backend(pid) FROM pg_stat_activity " +
        "WHERE datname = ? AND pid <> pg_backend_pid()",
      [database],
    );
    return killed.length;
  }
  const ids = await killer.query<{ id: number }>(
    "SELECT id FROM information_schema.processlist WHERE db = ? AND id <> CONNECTION_ID()",
    [database],
  );
  for (const { id } of ids) await killer.exec(`KILL ${Number(id)}`).catch(() => {});
  return ids.length;
}

interface Answer {
  status: number;
  text: string;
  ids: number[];
}

for (const server of SERVER_CTLDBS) {
  server.test(
    `with its ctldb connections killed again and again, every answered write is in the ledger once and no write is partial (${server.name})`,
    async () => {
      await using database = await server.fresh();
      const killer = await openCtldb(database.dsn, { poolSize: 1 });
      const executive = await startExecutive({ bind: "127.0.0.1:0", ctldb: database.dsn });
      try {
        const base = `http://127.0.0.1:${executive.address!.port}`;
        const post = (path: string, body: string, headers: Record<string, string> = {}) =>
          fetch(base + path, { method: "POST", body, headers }).then(async (r) => ({
            status: r.status,
            text: await r.text(),
          }));
        assert.equal((await post("/families/kill", "")).status, 200);
        const table = { fields: [["id", "integer"], ["w", "string"]], keyFields: ["id"] };
        assert.equal((await post("/families/kill/tables/rows", JSON.stringify(table))).status, 200);
        for (let w = 0; w < WRITERS; w++) {
          assert.equal((await post(`/writers/writer${w}`, `secret${w}`)).status, 200);
        }

        let loading = true;
        let kills = 0;
        const killing = (async () => {
          while (loading) {
            kills += await killConnections(killer, server.name, database.name);
            await new Promise((resolve) => setTimeout(resolve, 20));
          }
        })();
        const answers: Answer[] = [];
        await Promise.all(Array.from({ length: WRITERS }, async (_, w) => {
          const headers = { "ctlstore-writer": `writer${w}`, "ctlstore-secret": `secret${w}` };
          for (let r = 0; r < REQUESTS; r++) {
            const first = (w * REQUESTS + r) * ROWS_PER_REQUEST;
            const ids = Array.from({ length: ROWS_PER_REQUEST }, (_, i) => first + i);
            const mutations = ids.map((id) => ({ table: "rows", values: { id, w: `w${w}` } }));
            const reply = await post(
              "/families/kill/mutations",
              JSON.stringify({ mutations }),
              headers,
            );
            answers.push({ ...reply, ids });
          }
        }));
        loading = false;
        await killing;
        assert.ok(kills > 0, "connections were killed");

        for (const answer of answers) {
          assert.ok([200, 503].includes(answer.status), `${answer.status} ${answer.text}`);
        }
        const accepted = answers.filter((a) => a.status === 200);
        assert.ok(accepted.length > 0, "some writes got through between the kills");

        const statements = (await killer.query<{ statement: string }>(
          "SELECT statement FROM ctlstore_dml_ledger ORDER BY seq",
        )).map((r) => r.statement);
        // Each request's rows are one bracketed unit; no id appears twice.
        const units: number[][] = [];
        let open: number[] | undefined;
        for (const statement of statements) {
          if (statement === "--- BEGIN") {
            assert.equal(open, undefined, "nested BEGIN");
            open = [];
          } else if (statement === "--- COMMIT") {
            assert.ok(open, "COMMIT without BEGIN");
            units.push(open);
            open = undefined;
          } else {
            const id = /^REPLACE INTO kill___rows \("id","w"\) VALUES\((\d+),/.exec(statement)?.[1];
            if (id !== undefined) {
              assert.ok(open, `a row outside its request's brackets: ${statement}`);
              open.push(Number(id));
            }
          }
        }
        assert.equal(open, undefined, "unterminated unit in the ledger");
        const ledgerIds = units.flat();
        assert.equal(new Set(ledgerIds).size, ledgerIds.length, "an id written twice");
        // A unit is exactly one request's rows (never a part, never two merged).
        const byFirst = new Map(answers.map((a) => [a.ids[0]!, a.ids]));
        for (const unit of units) assert.deepEqual(unit, byFirst.get(unit[0]!));
        // Every accepted request is in the ledger; the table holds exactly the ledger's rows.
        const inLedger = new Set(ledgerIds);
        for (const answer of accepted) {
          for (const id of answer.ids) assert.ok(inLedger.has(id), `accepted id ${id} missing`);
        }
        const stored = await killer.query<{ id: number }>("SELECT id FROM kill___rows");
        assert.deepEqual(
          stored.map((r) => Number(r.id)).sort((a, b) => a - b),
          [...inLedger].sort((a, b) => a - b),
        );
        // And the executive writes again once the kills stop (a pooled connection killed while
        // idle may still fail the first request that takes it).
        const writeAgain = () =>
          post(
            "/families/kill/mutations",
            JSON.stringify({ mutations: [{ table: "rows", values: { id: 1e6, w: "w0" } }] }),
            { "ctlstore-writer": "writer0", "ctlstore-secret": "secret0" },
          );
        let after = await writeAgain();
        for (let i = 0; i < 20 && after.status !== 200; i++) {
          await new Promise((resolve) => setTimeout(resolve, 100));
          after = await writeAgain();
        }
        assert.equal(after.status, 200, after.text);
      } finally {
        await executive.stop();
        await killer.close();
      }
    },
  );
}
