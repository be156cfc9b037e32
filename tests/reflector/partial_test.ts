import { deepStrictEqual as assertEquals, equal, match, ok, rejects } from "node:assert/strict";
import type { Ctldb } from "../../lib/ctldb/mod.ts";
import { getLdbSeq, openLdbForRead } from "../../lib/ldb/mod.ts";
import { Reader } from "../../lib/reader/mod.ts";
import { type ReflectorConfig, startReflector } from "../../lib/reflector/mod.ts";
import { parseLdbTableName } from "../../lib/schema/mod.ts";
import { SERVER_CTLDBS } from "../_helpers/server_ctldbs.ts";
import { spawnCli } from "../_helpers/process.ts";
import { tempDir } from "../_helpers/temp.ts";
import {
  collectingLogger,
  ldbTables,
  type TestExecutive,
  testExecutive,
  WRITER,
} from "./_fixtures.ts";
import { rowText } from "./_ledger.ts";

const CARRIED = ["alpha", "ctlstore", "gamma"];

/**
 * Writes to four families through the executive: bracketed multi-row requests, lone writes,
 * added fields, clears, tables created and dropped.
 */
async function writeEverything(executive: TestExecutive): Promise<void> {
  const { client } = executive;
  const ok200 = async (method: string, path: string) =>
    equal((await executive.request(method, path)).status, 200, `${method} ${path}`);
  for (const family of ["alpha", "beta", "gamma", "ctlstore"]) await client.createFamily(family);
  await client.createTable("alpha", "users", {
    fields: [["id", "integer"], ["name", "string"]],
    keyFields: ["id"],
  });
  await client.createTable("beta", "secrets", {
    fields: [["k", "string"], ["v", "string"]],
    keyFields: ["k"],
  });
  await client.createTable("gamma", "items", {
    fields: [["id", "integer"], ["data", "bytestring"]],
    keyFields: ["id"],
  });
  await client.createTable("ctlstore", "heartbeats", {
    fields: [["name", "string"], ["value", "integer"]],
    keyFields: ["name"],
  });
  for (let i = 0; i < 3; i++) {
    await client.mutate("alpha", WRITER, {
      mutations: [
        { table: "users", values: { id: 2 * i, name: `user ${2 * i}` } },
        { table: "users", values: { id: 2 * i + 1, name: `user ${2 * i + 1}` } },
      ],
    });
    await client.mutate("beta", WRITER, {
      mutations: [
        { table: "secrets", values: { k: `k${i}`, v: "beta-only" } },
        { table: "secrets", values: { k: `j${i}`, v: "beta-only" } },
      ],
    });
    await client.mutate("gamma", WRITER, {
      mutations: [{ table: "items", values: { id: i, data: "3q2+7w==" } }],
    });
  }
  await client.mutate("ctlstore", WRITER, {
    mutations: [{ table: "heartbeats", values: { name: "heartbeat", value: 1 } }],
  });
  await client.addFields("alpha", "users", [["email", "string"]]);
  await client.addFields("beta", "secrets", [["extra", "string"]]);
  await client.mutate("alpha", WRITER, {
    mutations: [
      { table: "users", values: { id: 9, name: "nine", email: "n@x" } },
      { table: "users", delete: true, values: { id: 0 } },
    ],
  });
  await ok200("DELETE", "/clear-rows/families/beta/tables/secrets");
  await ok200("DELETE", "/clear-rows/families/gamma/tables/items");
  await client.mutate("gamma", WRITER, {
    mutations: [{ table: "items", values: { id: 7, data: null } }],
  });
  for (const family of ["alpha", "beta"]) {
    await client.createTable(family, "doomed", { fields: [["k", "string"]], keyFields: ["k"] });
    await ok200("DELETE", `/families/${family}/tables/doomed`);
  }
  await client.mutate("beta", WRITER, {
    mutations: [{ table: "secrets", values: { k: "late", v: "beta-only", extra: null } }],
  });
}

/** The ctldb's family tables, sorted. */
async function ctldbTables(ctldb: Ctldb): Promise<string[]> {
  return (await ctldb.listFamilyTables()).filter((name) => parseLdbTableName(name));
}

/** Fails unless the LDB holds exactly the carried families' tables, row for row as the ctldb. */
async function assertHoldsCarried(ldbPath: string, ctldb: Ctldb): Promise<void> {
  const expected = (await ctldbTables(ctldb))
    .filter((name) => CARRIED.includes(parseLdbTableName(name)!.family));
  assertEquals(ldbTables(ldbPath).filter((name) => parseLdbTableName(name)), expected);
  const ldb = openLdbForRead(ldbPath);
  try {
    equal(getLdbSeq(ldb), await ctldb.maxLedgerSeq(), "_ldb_seq is the ledger's max seq");
    for (const table of expected) {
      const columns = ldb.prepare(`SELECT name FROM pragma_table_info('${table}')`).all()
        .map((row) => String(row.name));
      const statement = ldb.prepare(`SELECT * FROM ${table} ORDER BY 1`);
      statement.setReadBigInts(true);
      const ldbRows = statement.all().map((row) => rowText(row, columns));
      const ctldbRows = (await ctldb.query(`SELECT * FROM ${table} ORDER BY 1`))
        .map((row) => rowText(row, columns));
      assertEquals(ldbRows, ctldbRows, table);
    }
  } finally {
    ldb.close();
  }
}

function historyFamilies(ldbPath: string): Set<string> {
  using reader = Reader.open(ldbPath);
  return new Set(reader.getChanges({ after: 0, limit: 100_000 }).changes.map((c) => c.family));
}

for (const server of SERVER_CTLDBS) {
  server.test(
    `a partial reflector holds exactly its families' tables, rows and history, its seq at the ledger's max (${server.name})`,
    async () => {
      await using db = await server.fresh();
      await using dir = await tempDir();
      await using executive = await testExecutive(db.dsn);
      const { ctldb } = executive;
      await writeEverything(executive);
      const ldbPath = `${dir.path}/ldb.db`;
      const changelogPath = `${dir.path}/changelog`;
      const { logger, lines } = collectingLogger();
      const config: ReflectorConfig = {
        ldbPath,
        upstreamDriver: server.driver,
        upstreamDsn: db.dsn,
        pollIntervalMs: 20,
        changelogPath,
        families: ["gamma", "alpha"],
        logger,
      };
      const reflector = await startReflector(config);
      try {
        await reflector.waitForSeq(await ctldb.maxLedgerSeq(), AbortSignal.timeout(15_000));
        await assertHoldsCarried(ldbPath, ctldb);
        const metrics = await reflector.registry.metrics();
        match(
          metrics,
          /ctlstore_reflector_ldb_families_info\{id="ldb\.db-0",families="alpha,ctlstore,gamma"[^}]*\} 1/,
        );
        const skipped = Number(
          /ctlstore_reflector_statements_skipped_total\{id="ldb\.db-0"[^}]*\} (\d+)/
            .exec(metrics)?.[1],
        );
        ok(skipped > 10, `skipped ${skipped}`);

        // Later writes of every family: the carried ones arrive, the seq follows the ledger.
        await executive.client.mutate("beta", WRITER, {
          mutations: [{ table: "secrets", values: { k: "later", v: "beta-only", extra: null } }],
        });
        const { seq } = await executive.client.mutate("alpha", WRITER, {
          mutations: [{ table: "users", values: { id: 100, name: "later", email: null } }],
        });
        await reflector.waitForSeq(seq!, AbortSignal.timeout(15_000));
        await assertHoldsCarried(ldbPath, ctldb);
      } finally {
        await reflector.stop();
      }
      assertEquals(historyFamilies(ldbPath), new Set(CARRIED));
      const changelogFamilies = new Set(
        (await Deno.readTextFile(changelogPath)).split("\n").filter(Boolean)
          .map((line) => JSON.parse(line).family),
      );
      assertEquals(changelogFamilies, new Set(CARRIED));
      using reader = Reader.open(ldbPath);
      assertEquals(reader.getFamilies(), CARRIED);
      ok(!lines.some((line) => line.includes("names no family table")), lines.join("\n"));

      // Another family set on the same LDB is refused, in the library and by the CLI.
      const seqBefore = reader.getLastSequence();
      await rejects(
        startReflector({ ...config, families: ["alpha", "beta"] }),
        new Error(
          `the LDB at ${ldbPath} holds families alpha, ctlstore, gamma, but this reflector is ` +
            `configured for families alpha, beta, ctlstore; the family set of an LDB cannot ` +
            `change: remove the LDB file (with its -wal and -shm) to bootstrap a new one`,
        ),
      );
      await using cli = await spawnCli([
        "reflector",
        ...["-ldb-path", ldbPath, "-upstream-driver", server.driver, "-upstream-dsn", db.dsn],
      ]);
      equal((await cli.status).code, 1);
      const errors = cli.stderr().split("\n").filter((line) => line.startsWith("error:"));
      assertEquals(errors, [
        `error: the LDB at ${ldbPath} holds families alpha, ctlstore, gamma, but this reflector ` +
        `is configured for every family; the family set of an LDB cannot change: remove the LDB ` +
        `file (with its -wal and -shm) to bootstrap a new one`,
      ]);
      equal(reader.getLastSequence(), seqBefore, "the refused starts applied nothing");
    },
  );

  server.test(
    `a partial reflector bootstrapped from a full LDB's snapshot holds only its families and follows the ledger (${server.name})`,
    async () => {
      await using db = await server.fresh();
      await using dir = await tempDir();
      await using executive = await testExecutive(db.dsn);
      const { ctldb } = executive;
      await writeEverything(executive);
      const fullPath = `${dir.path}/full.db`;
      const full = await startReflector({
        ldbPath: fullPath,
        upstreamDriver: server.driver,
        upstreamDsn: db.dsn,
        pollIntervalMs: 20,
      });
      try {
        await full.waitForSeq(await ctldb.maxLedgerSeq(), AbortSignal.timeout(15_000));
      } finally {
        await full.stop();
      }
      ok(ldbTables(fullPath).includes("beta___secrets"), "the snapshot holds every family");

      const ldbPath = `${dir.path}/partial/ldb.db`;
      const { logger, lines } = collectingLogger();
      const reflector = await startReflector({
        ldbPath,
        upstreamDriver: server.driver,
        upstreamDsn: db.dsn,
        pollIntervalMs: 20,
        bootstrapUrl: `file://${fullPath}`,
        families: ["alpha", "gamma"],
        logger,
      });
      try {
        ok(lines.some((line) => line.includes("more than this host may see")), lines.join("\n"));
        await assertHoldsCarried(ldbPath, ctldb);
        assertEquals(historyFamilies(ldbPath), new Set(CARRIED));
        const { seq } = await executive.client.mutate("alpha", WRITER, {
          mutations: [{ table: "users", values: { id: 200, name: "after", email: null } }],
        });
        await executive.client.mutate("beta", WRITER, {
          mutations: [{ table: "secrets", values: { k: "after", v: "beta-only", extra: null } }],
        });
        await reflector.waitForSeq(seq! + 1, AbortSignal.timeout(15_000));
        await assertHoldsCarried(ldbPath, ctldb);
      } finally {
        await reflector.stop();
      }
    },
  );
}
