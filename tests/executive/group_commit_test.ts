import assert from "node:assert/strict";
import {
  type Ctldb,
  type CtldbSession,
  CtldbUnavailableError,
  openCtldb,
} from "../../lib/ctldb/mod.ts";
import { startExecutive } from "../../lib/executive/mod.ts";
import { freshMysqlDatabase, mysqlTest } from "../_helpers/mysql.ts";
import { TcpProxy } from "../_helpers/tcp_proxy.ts";
import { eachCtldb, type ExecutiveFixture, mutate } from "./_fixture.ts";

const FAMILY = "grp";
const WRITERS = 6;
const STREAMS = 4;
const REQUESTS = 8;
/** The limited writer may write this many rows per period; its requests have 3 rows each. */
const LIMITED_ROWS = 12;
const FIXED = { now: () => 1_800_000_000_000, writerLimitPeriodMs: 60_000, writerLimit: 1000 };

const credentials = (writer: string, secret = `secret-${writer}`) => ({
  "ctlstore-writer": writer,
  "ctlstore-secret": secret,
});

async function ok(reply: Promise<{ status: number; text: string }>): Promise<void> {
  const { status, text } = await reply;
  assert.equal(status, 200, text);
}

async function setup(fx: ExecutiveFixture): Promise<number> {
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

const KINDS = [
  "one-row",
  "bad-value",
  "three-rows",
  "wrong-cookie",
  "refused-by-ctldb",
  "with-cookie",
  "wrong-secret",
  "limited",
  "unknown-table",
  "unknown-writer",
] as const;
type Kind = typeof KINDS[number];

const EXPECTED_STATUS: Record<Exclude<Kind, "limited">, number> = {
  "one-row": 200,
  "three-rows": 200,
  "with-cookie": 200,
  "bad-value": 400,
  "refused-by-ctldb": 400,
  "wrong-cookie": 409,
  "wrong-secret": 401,
  "unknown-writer": 401,
  "unknown-table": 404,
};

interface Sent {
  kind: Kind;
  writer: string;
  status: number;
  text: string;
  /** The ledger rows the request writes when accepted. */
  ledger: string[];
  ids: number[];
}

function upsert(id: number, writer: string) {
  return { table: "rows", values: { id, writer } };
}

function rowStatement(id: number, writer: string): string {
  return `REPLACE INTO ${FAMILY}___rows ("id","writer") VALUES(${id},'${writer}')`;
}

/** One request of `kind` from writer `w`, with fresh ids. */
async function send(fx: ExecutiveFixture, kind: Kind, w: number, next: () => number) {
  let writer = `wr${w}`;
  let headers = credentials(writer);
  let ids = [next()];
  let body: Record<string, unknown> = { mutations: ids.map((id) => upsert(id, writer)) };
  if (kind === "three-rows" || kind === "limited") {
    if (kind === "limited") headers = credentials(writer = "limited");
    ids = [next(), next(), next()];
    body = { mutations: ids.map((id) => upsert(id, writer)) };
  } else if (kind === "bad-value") {
    body = { mutations: [{ table: "rows", values: { id: "not a number", writer } }] };
  } else if (kind === "wrong-cookie") {
    body = { ...body, check_cookie: "/w==" };
  } else if (kind === "refused-by-ctldb") {
    body = {
      mutations: [upsert(ids[0]!, writer), { table: "strict", values: { id: ids[0], name: null } }],
    };
  } else if (kind === "with-cookie") {
    body = { ...body, cookie: btoa(String.fromCharCode(w, 1)) };
  } else if (kind === "wrong-secret") {
    headers = credentials(writer, "not-the-secret");
  } else if (kind === "unknown-table") {
    body = { mutations: [{ table: "nosuchtable", values: { id: ids[0] } }] };
  } else if (kind === "unknown-writer") {
    headers = credentials("ghost");
  }
  const reply = await mutate(fx, body, headers, FAMILY);
  const statements = ids.map((id) => rowStatement(id, writer));
  const ledger = statements.length > 1 ? ["--- BEGIN", ...statements, "--- COMMIT"] : statements;
  return { kind, writer, status: reply.status, text: reply.text, ledger, ids };
}

/** Every writer runs STREAMS parallel loops of REQUESTS requests of mixed kinds. */
async function load(fx: ExecutiveFixture): Promise<Sent[]> {
  let id = 0;
  const next = () => ++id;
  const sent: Sent[] = [];
  await Promise.all(
    Array.from({ length: WRITERS * STREAMS }, async (_, loop) => {
      const w = loop % WRITERS;
      for (let r = 0; r < REQUESTS; r++) {
        const kind = KINDS[(loop * 3 + r) % KINDS.length]!;
        sent.push(await send(fx, kind, w, next));
      }
    }),
  );
  return sent;
}

eachCtldb(
  "concurrent requests that fail do not fail their neighbours, and the ledger holds exactly the accepted ones",
  FIXED,
  async (fx) => {
    const after = await setup(fx);
    const sent = await load(fx);

    for (const request of sent) {
      if (request.kind === "limited") continue;
      assert.equal(
        request.status,
        EXPECTED_STATUS[request.kind],
        `${request.kind}: ${request.text}`,
      );
    }
    const limited = sent.filter((r) => r.kind === "limited");
    assert.ok(limited.length * 3 > LIMITED_ROWS, "the limited writer asks for more than it may");
    assert.equal(limited.filter((r) => r.status === 200).length, LIMITED_ROWS / 3);
    for (const r of limited) assert.ok([200, 429].includes(r.status), r.text);
    assert.ok(
      sent.filter((r) => r.kind === "refused-by-ctldb").every((r) =>
        r.text.startsWith("dml exec error: ")
      ),
    );

    // Every accepted request's rows sit at the seqs it was answered, contiguous and bracketed;
    // nothing else was written (no failed request's rows, nothing twice).
    const accepted = sent.filter((r) => r.status === 200);
    const rows = (await fx.ledgerRows()).filter((r) => r.seq > after);
    const bySeq = new Map(rows.map((r) => [r.seq, r.statement]));
    const seqs = new Set<number>();
    for (const request of accepted) {
      const seq = JSON.parse(request.text).seq as number;
      const own = [...bySeq.keys()].filter((s) => s <= seq).sort((a, b) => a - b)
        .slice(-request.ledger.length);
      assert.deepEqual(own.map((s) => bySeq.get(s)), request.ledger, `request ending at ${seq}`);
      for (const s of own) {
        assert.ok(!seqs.has(s), `seq ${s} answered to two requests`);
        seqs.add(s);
      }
    }
    assert.equal(rows.length, seqs.size, "ledger rows of no accepted request");

    const stored = await fx.db.query<{ id: number }>(`SELECT id FROM ${FAMILY}___rows`);
    assert.deepEqual(
      stored.map((r) => Number(r.id)).sort((a, b) => a - b),
      accepted.flatMap((r) => r.ids).sort((a, b) => a - b),
    );
    const [strict] = await fx.db.query<{ n: number }>(
      `SELECT COUNT(*) AS n FROM ${FAMILY}___strict`,
    );
    assert.equal(Number(strict!.n), 0);

    const usage = await fx.db.query<{ writer: string; amount: number }>(
      "SELECT writer_name AS writer, amount FROM writer_usage",
    );
    const counted = new Map<string, number>();
    for (const r of accepted) counted.set(r.writer, (counted.get(r.writer) ?? 0) + r.ids.length);
    assert.deepEqual(
      new Map(usage.map((u) => [u.writer, Number(u.amount)])),
      counted,
      "rate usage counts the accepted requests only",
    );
  },
);

eachCtldb(
  "requests that arrive while the ledger lock is taken share the next ledger transaction",
  FIXED,
  async (fx) => {
    await setup(fx);
    const lockClock = async () =>
      Number(
        (await fx.db.query<{ clock: number }>("SELECT clock FROM locks WHERE id = 'ledger'"))[0]!
          .clock,
      );
    const send = (i: number) =>
      mutate(
        fx,
        { mutations: [upsert(i, `wr${i % WRITERS}`)] },
        credentials(`wr${i % WRITERS}`),
        FAMILY,
      );
    await ok(send(0)); // The table's columns are now cached: requests need nothing but the lock.
    const after = await fx.db.maxLedgerSeq();
    const before = await lockClock();
    const requests = 64;
    const replies = await fx.db.transaction(async (tx) => {
      await tx.exec("UPDATE locks SET clock = clock + 1 WHERE id = 'ledger'");
      const sent = Array.from({ length: requests }, (_, i) => send(i + 1));
      await new Promise((resolve) => setTimeout(resolve, 300));
      return sent;
    });
    const answers = await Promise.all(replies);
    for (const reply of answers) assert.equal(reply.status, 200, reply.text);
    const seqs = answers.map((r) => JSON.parse(r.text).seq as number);
    assert.equal(new Set(seqs).size, requests, "each request has its own seq");
    const ledger = new Map((await fx.ledgerRows()).map((r) => [r.seq, r.statement]));
    for (const [i, seq] of seqs.entries()) {
      assert.equal(ledger.get(seq), rowStatement(i + 1, `wr${(i + 1) % WRITERS}`));
    }
    assert.equal([...ledger.keys()].filter((s) => s > after).length, requests);
    const transactions = await lockClock() - before - 1;
    assert.ok(transactions < requests, `${transactions} ledger transactions for ${requests}`);
  },
);

/** `db` whose next transaction fails at its commit: everything in it rolls back. */
function failingNextCommit(db: Ctldb): { db: Ctldb; arm(): void } {
  let armed = false;
  const transaction = async <T>(fn: (tx: CtldbSession) => Promise<T>): Promise<T> => {
    if (!armed) return await db.transaction(fn);
    armed = false;
    return await db.transaction(async (tx) => {
      await fn(tx);
      throw new CtldbUnavailableError("ctldb unavailable: connection lost during COMMIT");
    });
  };
  const wrapped = new Proxy(db, {
    get(target, property) {
      if (property === "transaction") return transaction;
      const value = Reflect.get(target, property, target);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
  return {
    db: wrapped,
    arm: () => {
      armed = true;
    },
  };
}

eachCtldb(
  "a batch whose commit fails answers each of its requests with 503 and writes none of them",
  FIXED,
  async (fx) => {
    const after = await setup(fx);
    const faulty = failingNextCommit(fx.db);
    const executive = await startExecutive({
      bind: "127.0.0.1:0",
      ctldb: fx.dsn,
      db: faulty.db,
      ...FIXED,
    });
    try {
      const base = `http://127.0.0.1:${executive.address!.port}`;
      faulty.arm();
      const requests = 32;
      const replies = await Promise.all(
        Array.from({ length: requests }, async (_, i) => {
          const writer = `wr${i % WRITERS}`;
          const response = await fetch(`${base}/families/${FAMILY}/mutations`, {
            method: "POST",
            headers: credentials(writer),
            body: JSON.stringify({
              cookie: btoa(String.fromCharCode(i)),
              mutations: [upsert(2 * i + 1, writer), upsert(2 * i + 2, writer)],
            }),
          });
          return { i, writer, status: response.status, text: await response.text() };
        }),
      );
      const failed = replies.filter((r) => r.status !== 200);
      assert.ok(failed.length > 0, "the failing batch had requests");
      for (const reply of failed) {
        assert.equal(reply.status, 503, reply.text);
        assert.match(reply.text, /connection lost during COMMIT/);
      }
      const written = replies.filter((r) => r.status === 200);
      const ledger = (await fx.ledgerRows()).filter((r) => r.seq > after);
      assert.equal(ledger.length, written.length * 4, "the failed batch wrote no ledger rows");
      const stored = await fx.db.query<{ id: number }>(`SELECT id FROM ${FAMILY}___rows`);
      assert.deepEqual(
        stored.map((r) => Number(r.id)).sort((a, b) => a - b),
        written.flatMap((r) => [2 * r.i + 1, 2 * r.i + 2]).sort((a, b) => a - b),
      );
      const usage = await fx.db.query<{ amount: number }>("SELECT amount FROM writer_usage");
      assert.equal(usage.reduce((sum, u) => sum + Number(u.amount), 0), written.length * 2);
      // The failed batch's cookies were rolled back with it.
      for (let w = 0; w < WRITERS; w++) {
        const cookie = await fx.call("GET", "/cookie", { headers: credentials(`wr${w}`) });
        const mine = replies.filter((r) => r.writer === `wr${w}`);
        const expected = mine.filter((r) => r.status === 200).map((r) => String.fromCharCode(r.i));
        if (expected.length > 0) assert.ok(expected.includes(cookie.text), `cookie of w${w}`);
        else assert.ok(!mine.some((r) => String.fromCharCode(r.i) === cookie.text));
      }
    } finally {
      await executive.stop();
    }
  },
);

mysqlTest(
  "requests waiting for the ledger lock when the ctldb goes away all get 503 and none is written",
  async () => {
    await using database = await freshMysqlDatabase();
    await using proxy = TcpProxy.start({ hostname: "127.0.0.1", port: 3306 });
    const direct = await openCtldb(database.dsn);
    const executive = await startExecutive({
      bind: "127.0.0.1:0",
      ctldb: database.dsn.replace(/tcp\([^)]*\)/, `tcp(127.0.0.1:${proxy.port})`),
      ...FIXED,
    });
    try {
      const base = `http://127.0.0.1:${executive.address!.port}`;
      const call = (method: string, path: string, body?: string, writer = "wr0") =>
        fetch(base + path, { method, body, headers: credentials(writer) }).then(async (r) => ({
          status: r.status,
          text: await r.text(),
        }));
      await ok(call("POST", `/families/${FAMILY}`));
      const table = { fields: [["id", "integer"], ["writer", "string"]], keyFields: ["id"] };
      await ok(call("POST", `/families/${FAMILY}/tables/rows`, JSON.stringify(table)));
      for (let w = 0; w < WRITERS; w++) await ok(call("POST", `/writers/wr${w}`, `secret-wr${w}`));
      const upsertBy = (id: number) => {
        const writer = `wr${id % WRITERS}`;
        return call(
          "POST",
          `/families/${FAMILY}/mutations`,
          JSON.stringify({ mutations: [upsert(id, writer)] }),
          writer,
        );
      };
      await ok(upsertBy(1));
      const before = await direct.maxLedgerSeq();

      // Another connection holds the ledger lock, so no batch can commit; then the executive
      // loses the ctldb while its requests wait.
      const replies = await direct.transaction(async (tx) => {
        await tx.exec("UPDATE locks SET clock = clock + 1 WHERE id = 'ledger'");
        const waiting = Array.from({ length: 24 }, (_, i) => upsertBy(100 + i));
        await new Promise((resolve) => setTimeout(resolve, 200));
        await proxy.stop();
        return await Promise.all(waiting);
      });
      for (const reply of replies) assert.equal(reply.status, 503, reply.text);

      proxy.resume();
      let recovered = await upsertBy(2);
      for (let i = 0; i < 50 && recovered.status !== 200; i++) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        recovered = await upsertBy(2);
      }
      assert.equal(recovered.status, 200, recovered.text);
      const ledger = await direct.readLedger(before, 100);
      assert.deepEqual(ledger.map((r) => r.statement), [rowStatement(2, "wr2")]);
      const stored = await direct.query<{ id: number }>(`SELECT id FROM ${FAMILY}___rows`);
      assert.deepEqual(stored.map((r) => Number(r.id)).sort((a, b) => a - b), [1, 2]);
    } finally {
      await executive.stop();
      await direct.close();
    }
  },
);
