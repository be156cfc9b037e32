import assert from "node:assert/strict";
import {
  type Ctldb,
  type CtldbSession,
  CtldbUnavailableError,
  openCtldb,
} from "../../lib/ctldb/mod.ts";
import { resolveExecutiveConfig } from "../../lib/executive/config.ts";
import type { ExecutiveContext } from "../../lib/executive/context.ts";
import { GroupCommit } from "../../lib/executive/group_commit.ts";
import { Ledger } from "../../lib/executive/ledger.ts";
import { Limiter } from "../../lib/executive/limiter.ts";
import { ExecutiveMetrics } from "../../lib/executive/metrics.ts";
import { applySchemaChange } from "../../lib/executive/schema_changes.ts";
import { TableMetaCache } from "../../lib/executive/table_meta.ts";
import { silentLogger } from "../../lib/log/mod.ts";
import { SERVER_CTLDBS } from "../_helpers/server_ctldbs.ts";

type CommitFault = "lost" | "committed-then-lost" | undefined;

/** A ctldb whose next transaction "fails at commit": rolled back, or committed, then an error. */
function withCommitFault(db: Ctldb): { db: Ctldb; fail(fault: CommitFault): void } {
  let fault: CommitFault;
  async function transaction<T>(fn: (tx: CtldbSession) => Promise<T>): Promise<T> {
    const current = fault;
    fault = undefined;
    if (current === undefined) return await db.transaction(fn);
    if (current === "lost") {
      return await db.transaction(async (tx) => {
        await fn(tx);
        throw new CtldbUnavailableError("ctldb unavailable: connection lost during COMMIT");
      });
    }
    await db.transaction(fn);
    throw new CtldbUnavailableError("ctldb unavailable: connection lost after COMMIT");
  }
  const wrapped = new Proxy(db, {
    get(target, property) {
      if (property === "transaction") return transaction;
      const value = Reflect.get(target, property, target);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
  return { db: wrapped, fail: (f) => fault = f };
}

function context(db: Ctldb): ExecutiveContext {
  const config = resolveExecutiveConfig({ bind: ":0", ctldb: "", db });
  const metrics = new ExecutiveMetrics(false);
  const parts = {
    db,
    ledger: new Ledger(db, silentLogger),
    limiter: new Limiter(db, config, metrics, silentLogger),
    tables: new TableMetaCache(db),
    metrics,
  };
  return { ...parts, groupCommit: new GroupCommit(parts), log: silentLogger, config };
}

const CHANGE = {
  table: "fam___tbl",
  ledgerSql: 'CREATE TABLE fam___tbl ("id" INTEGER, PRIMARY KEY("id"));',
  ctldbSql: 'CREATE TABLE fam___tbl ("id" BIGINT, PRIMARY KEY("id"));',
};

async function ledger(db: Ctldb): Promise<string[]> {
  return (await db.query<{ statement: string }>(
    "SELECT statement FROM ctlstore_dml_ledger ORDER BY seq",
  ))
    .map((r) => r.statement);
}

for (const server of SERVER_CTLDBS) {
  for (const fault of ["lost", "committed-then-lost"] as const) {
    server.test(
      `a DDL whose ledger commit fails (${fault}) leaves ctldb and the ledger agreeing (${server.name})`,
      async () => {
        await using database = await server.fresh();
        const real = await openCtldb(database.dsn);
        try {
          await real.ensureSchema();
          const faulty = withCommitFault(real);
          const ctx = context(faulty.db);
          faulty.fail(fault);
          if (real.transactionalDdl) {
            // The DDL shares the ledger transaction: it commits or vanishes with its row.
            await assert.rejects(() => applySchemaChange(ctx, CHANGE), /ctldb unavailable/);
            const committed = fault === "committed-then-lost";
            assert.deepEqual(await ledger(real), committed ? [CHANGE.ledgerSql] : []);
            assert.equal((await real.tableColumns(["fam___tbl"])).has("fam___tbl"), committed);
          } else {
            // The DDL committed on its own: its ledger row is rolled forward, once.
            await applySchemaChange(ctx, CHANGE);
            assert.deepEqual(await ledger(real), [CHANGE.ledgerSql]);
            assert.ok((await real.tableColumns(["fam___tbl"])).has("fam___tbl"));
          }
          assert.equal(ctx.ledger.pendingRepairs, 0);
        } finally {
          await real.close();
        }
      },
    );
  }
}

for (const server of SERVER_CTLDBS) {
  server.test(
    `a failed DDL leaves neither ctldb nor the ledger changed (${server.name})`,
    async () => {
      await using database = await server.fresh();
      const db = await openCtldb(database.dsn);
      try {
        await db.ensureSchema();
        const ctx = context(db);
        await applySchemaChange(ctx, CHANGE);
        await assert.rejects(() => applySchemaChange(ctx, CHANGE), /already exists/);
        assert.deepEqual(await ledger(db), [CHANGE.ledgerSql]);
      } finally {
        await db.close();
      }
    },
  );

  server.test(
    `a queued ledger repair is written before the next ledger transaction's rows (${server.name})`,
    async () => {
      await using database = await server.fresh();
      const db = await openCtldb(database.dsn);
      try {
        await db.ensureSchema();
        const faulty = withCommitFault(db);
        const ledgerWriter = new Ledger(faulty.db, silentLogger);
        faulty.fail("lost");
        assert.equal(await ledgerWriter.repair("DROP TABLE IF EXISTS a___b", undefined, 1), false);
        assert.equal(ledgerWriter.pendingRepairs, 1);
        await ledgerWriter.transaction(async (tx) => {
          await tx.lock();
          await tx.append("DELETE FROM a___c");
        });
        assert.deepEqual(await ledger(db), ["DROP TABLE IF EXISTS a___b", "DELETE FROM a___c"]);
        assert.equal(ledgerWriter.pendingRepairs, 0);
      } finally {
        await db.close();
      }
    },
  );

  server.test(
    `a missing ledger lock row fails clearly instead of locking nothing (${server.name})`,
    async () => {
      await using database = await server.fresh();
      const db = await openCtldb(database.dsn);
      try {
        await db.ensureSchema();
        await db.exec("DELETE FROM locks");
        const ledgerWriter = new Ledger(db, silentLogger);
        await assert.rejects(
          () => ledgerWriter.transaction((tx) => tx.lock()),
          /ledger lock row missing/,
        );
      } finally {
        await db.close();
      }
    },
  );
}
