import assert from "node:assert/strict";
import { mysqlTest } from "../_helpers/mysql.ts";
import { eachCtldb, type ExecutiveFixture, mutate, withMysqlExecutive } from "./_fixture.ts";
import {
  credentials,
  FAMILY,
  FIXED,
  LIMITED_ROWS,
  ok,
  rowStatement,
  setup,
  upsert,
  whileLocked,
  WRITERS,
} from "./_group_commit.ts";

const STREAMS = 4;
const REQUESTS = 8;

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

/**
 * Every writer runs STREAMS parallel loops of REQUESTS requests of mixed kinds. The first
 * requests of all loops (every kind among them) arrive while the ledger lock is taken, so they
 * share a batch on every ctldb.
 */
async function load(fx: ExecutiveFixture): Promise<Sent[]> {
  let id = 0;
  const next = () => ++id;
  const sent: Sent[] = [];
  const loops = await whileLocked(
    fx,
    () =>
      Array.from({ length: WRITERS * STREAMS }, async (_, loop) => {
        const w = loop % WRITERS;
        for (let r = 0; r < REQUESTS; r++) {
          const kind = KINDS[(loop * 3 + r) % KINDS.length]!;
          sent.push(await send(fx, kind, w, next));
        }
      }),
  );
  await Promise.all(loops);
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
    // Refused requests consumed no seqs: the ledger has no gap (a gap holds reflectors back).
    const steps = new Set(rows.slice(1).map((r, i) => r.seq - rows[i]!.seq));
    assert.ok(steps.size <= 1, `ledger seqs with gaps: steps ${[...steps]}`);

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
    const replies = await whileLocked(
      fx,
      () => Array.from({ length: requests }, (_, i) => send(i + 1)),
    );
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

mysqlTest(
  "on MySQL two spellings of one writer in one batch share its rate limit",
  () =>
    withMysqlExecutive({ ...FIXED, writerLimit: 4 }, async (fx) => {
      await setup(fx);
      // MySQL compares writer names case-insensitively: WR0 is wr0, as in separate transactions.
      const spellings = ["wr0", "WR0", "Wr0", "wR0", "WR0"];
      const replies = await Promise.all(
        await whileLocked(fx, () =>
          spellings.map((writer, i) =>
            mutate(
              fx,
              { mutations: [upsert(i + 1, "wr0")] },
              credentials(writer, "secret-wr0"),
              FAMILY,
            )
          )),
      );
      const statuses = replies.map((r) => r.status).sort();
      assert.deepEqual(statuses, [200, 200, 200, 200, 429]);
      const usage = await fx.db.query<{ amount: number }>("SELECT amount FROM writer_usage");
      assert.deepEqual(usage.map((u) => Number(u.amount)), [4]);
    }),
);
