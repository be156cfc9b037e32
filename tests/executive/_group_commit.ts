/**
 * Shared parts of the group commit tests: a family with a table, writers (one rate-limited),
 * a table ctldb refuses NULLs in, request builders, and holding the ledger lock for a moment.
 *
 * @module
 */
import assert from "node:assert/strict";
import type { ExecutiveFixture } from "./_fixture.ts";

/** The family the tests write. */
export const FAMILY = "grp";
/** Writers `wr0`…`wr5`, secrets `secret-wr0`…. */
export const WRITERS = 6;
/** The writer `limited` may write this many rows per period. */
export const LIMITED_ROWS = 12;
/** A fixed clock and a one-minute rate-limit period. */
export const FIXED = {
  now: () => 1_800_000_000_000,
  writerLimitPeriodMs: 60_000,
  writerLimit: 1000,
};

/** The headers of a writer. */
export const credentials = (writer: string, secret = `secret-${writer}`) => ({
  "ctlstore-writer": writer,
  "ctlstore-secret": secret,
});

/** Asserts a 200 answer. */
export async function ok(reply: Promise<{ status: number; text: string }>): Promise<void> {
  const { status, text } = await reply;
  assert.equal(status, 200, text);
}

/**
 * Creates the family, its `rows` table, the writers and the limited writer's limit, and the
 * `strict` table; returns the ledger seq after it.
 */
export async function setup(fx: ExecutiveFixture): Promise<number> {
  await ok(fx.call("POST", `/families/${FAMILY}`));
  const table = { fields: [["id", "integer"], ["writer", "string"]], keyFields: ["id"] };
  await ok(fx.call("POST", `/families/${FAMILY}/tables/rows`, { body: JSON.stringify(table) }));
  for (let w = 0; w < WRITERS; w++) {
    await ok(fx.call("POST", `/writers/wr${w}`, { body: `secret-wr${w}` }));
  }
  await ok(fx.call("POST", "/writers/limited", { body: "secret-limited" }));
  await ok(fx.call("POST", "/limits/writers/limited", {
    body: JSON.stringify({ amount: LIMITED_ROWS, period: "1m" }),
  }));
  // A table the executive accepts values for that ctldb then refuses (NULL in a NOT NULL
  // column): its statements fail inside the batch, not in validation.
  await fx.db.execDdl(
    `CREATE TABLE ${FAMILY}___strict ("id" BIGINT NOT NULL, "name" VARCHAR(191) NOT NULL, ` +
      `PRIMARY KEY ("id"))`,
  );
  return await fx.db.maxLedgerSeq();
}

/** An upsert of `rows`. */
export function upsert(id: number, writer: string) {
  return { table: "rows", values: { id, writer } };
}

/** The ledger statement of {@linkcode upsert}. */
export function rowStatement(id: number, writer: string): string {
  return `REPLACE INTO ${FAMILY}___rows ("id","writer") VALUES(${id},'${writer}')`;
}

/** Holds the ledger lock for a moment, so that what arrives meanwhile waits for one batch. */
export async function whileLocked<T>(fx: ExecutiveFixture, start: () => T): Promise<T> {
  return await fx.db.transaction(async (tx) => {
    await tx.exec("UPDATE locks SET clock = clock + 1 WHERE id = 'ledger'");
    const started = start();
    await new Promise((resolve) => setTimeout(resolve, 300));
    return started;
  });
}
