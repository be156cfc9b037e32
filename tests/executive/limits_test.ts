import assert from "node:assert/strict";
import { roundHalfEven } from "../../lib/executive/limiter.ts";
import {
  eachCtldb,
  eachServerCtldb,
  type ExecutiveFixture,
  mutate,
  row,
  setupMyTable,
  withSqliteExecutive,
} from "./_fixture.ts";

const NOW = 1_800_000_000_000;
const FIXED_CLOCK = { now: () => NOW, writerLimitPeriodMs: 3_600_000 };

async function usage(fx: ExecutiveFixture): Promise<number[]> {
  const rows = await fx.db.query<{ amount: number }>("SELECT amount FROM writer_usage");
  return rows.map((r) => Number(r.amount));
}

Deno.test("roundHalfEven rounds halves to the even neighbour", () => {
  const cases: [number, number][] = [[0.5, 0], [1.5, 2], [2.5, 2], [2.4, 2], [2.6, 3], [7, 7]];
  for (const [input, expected] of cases) {
    assert.equal(roundHalfEven(input), expected, String(input));
  }
});

eachCtldb("the writer rate limit counts mutations and rolls back rejected ones", {
  ...FIXED_CLOCK,
  writerLimit: 5,
}, async (fx) => {
  await setupMyTable(fx);
  assert.equal(
    (await mutate(fx, { mutations: [row(1, "a"), row(2, "b"), row(3, "c")] })).status,
    200,
  );
  assert.equal((await mutate(fx, { mutations: [row(4, "d"), row(5, "e")] })).status, 200);
  const before = await fx.ledger();
  const over = await mutate(fx, { mutations: [row(6, "f")] });
  assert.deepEqual([over.status, over.text], [429, "rate limit exceeded"]);
  assert.deepEqual(await fx.ledger(), before);
  assert.deepEqual(await usage(fx), [5]);
  const [bucket] = await fx.db.query<{ bucket: number }>("SELECT bucket FROM writer_usage");
  assert.equal(Number(bucket!.bucket), 1_800_000_000 - (1_800_000_000 % 3600));
});

eachCtldb("a single request above the limit is refused without usage", {
  ...FIXED_CLOCK,
  writerLimit: 2,
}, async (fx) => {
  await setupMyTable(fx);
  const over = await mutate(fx, { mutations: [row(1, "a"), row(2, "b"), row(3, "c")] });
  assert.equal(over.status, 429);
  assert.deepEqual(await usage(fx), []);
});

eachCtldb("writer limit overrides apply at once, scaled to the period", {
  now: () => NOW,
  writerLimitPeriodMs: 120_000,
  writerLimit: 1000,
}, async (fx) => {
  await setupMyTable(fx);
  const set = await fx.call("POST", "/limits/writers/mywriter", {
    body: JSON.stringify({ amount: 3, period: "1m" }),
  });
  assert.equal(set.status, 200, set.text);
  const read = await fx.call("GET", "/limits/writers");
  assert.equal(
    read.text,
    '{"global":{"amount":1000,"period":120000000000},"writers":[{"writer":"mywriter","rate-limit":{"amount":3,"period":60000000000}}]}',
  );
  const six = Array.from({ length: 6 }, (_, i) => row(i, "x"));
  assert.equal((await mutate(fx, { mutations: six })).status, 200, "3/min is 6 per 2 minutes");
  assert.equal((await mutate(fx, { mutations: [row(9, "y")] })).status, 429);
  const removed = await fx.call("DELETE", "/limits/writers/mywriter");
  assert.equal(removed.status, 200, removed.text);
  assert.equal((await mutate(fx, { mutations: [row(9, "y")] })).status, 200);
  assert.equal((await fx.call("GET", "/limits/writers")).text.endsWith('"writers":null}'), true);
});

eachCtldb("writer limit routes reject bad input with 4xx", {}, async (fx) => {
  await setupMyTable(fx);
  const cases: [string, string, string | undefined, number, string][] = [
    [
      "POST",
      "/limits/writers/mywriter",
      '{"amount": 10, "period": 0}',
      400,
      "invalid period: '0': the period must be positive",
    ],
    [
      "POST",
      "/limits/writers/mywriter",
      '{"amount": 10}',
      400,
      "invalid period: '0': the period must be positive",
    ],
    [
      "POST",
      "/limits/writers/mywriter",
      '{"amount": "x", "period": "1m"}',
      400,
      "invalid amount: 'x'",
    ],
    [
      "POST",
      "/limits/writers/mywriter",
      '{"amount": 1, "period": "soon"}',
      400,
      "invalid period: 'soon'",
    ],
    [
      "POST",
      "/limits/writers/mywriter",
      '{"amount": 1e300, "period": "1ns"}',
      400,
      "invalid amount: '1e+300': the rate per minute is too large",
    ],
    ["POST", "/limits/writers/mywriter", '{"amount": 1,', 400, "JSON Error: "],
    [
      "POST",
      "/limits/writers/nobody",
      '{"amount": 1, "period": "1m"}',
      404,
      "no writer with the name 'nobody' exists",
    ],
    [
      "POST",
      "/limits/writers/ab",
      '{"amount": 1, "period": "1m"}',
      400,
      "Writer names must be at least 3 characters",
    ],
    [
      "DELETE",
      "/limits/writers/mywriter",
      undefined,
      404,
      "no writer limit for the writer 'mywriter' was found",
    ],
  ];
  for (const [method, path, body, status, message] of cases) {
    const reply = await fx.call(method, path, body === undefined ? {} : { body });
    assert.equal(reply.status, status, `${path} ${body}: ${reply.text}`);
    assert.ok(reply.text.startsWith(message), `${path} ${body}: ${reply.text}`);
  }
  const ns = await fx.call("POST", "/limits/writers/mywriter", {
    body: JSON.stringify({ amount: 10, period: 120_000_000_000 }),
  });
  assert.equal(ns.status, 200, ns.text);
  const [stored] = await fx.db.query<{ n: number }>(
    "SELECT max_rows_per_minute AS n FROM max_writer_rates",
  );
  assert.equal(Number(stored!.n), 5);
});

eachCtldb("table limit routes set, read and delete limits", {}, async (fx) => {
  await setupMyTable(fx);
  const set = await fx.call("POST", "/limits/tables/MyFamily/MyTable", {
    body: JSON.stringify({ "max-size": 2000, "warn-size": 1000 }),
  });
  assert.equal(set.status, 200, set.text);
  assert.equal(
    (await fx.call("GET", "/limits/tables")).text,
    '{"global":{"max-size":104857600,"warn-size":52428800},"tables":[{"max-size":2000,"warn-size":1000,"family":"myfamily","table":"mytable"}]}',
  );
  const cases: [string, string, string | undefined, number, string][] = [
    [
      "POST",
      "/limits/tables/myfamily/nosuch",
      '{"max-size": 1, "warn-size": 1}',
      404,
      "table 'myfamily___nosuch' not found",
    ],
    [
      "POST",
      "/limits/tables/myfamily/mytable",
      '{"max-size": "big"}',
      400,
      "JSON Error: max-size must be a non-negative integer",
    ],
    [
      "POST",
      "/limits/tables/myfamily/mytable",
      '{"max-size": -1}',
      400,
      "JSON Error: max-size must be a non-negative integer",
    ],
    [
      "POST",
      "/limits/tables/myfamily/mytable",
      '{"max-size": 1}',
      400,
      "JSON Error: warn-size is required",
    ],
    [
      "POST",
      "/limits/tables/my_-family/mytable",
      '{"max-size": 1, "warn-size": 1}',
      400,
      "sanitize family: ",
    ],
    [
      "DELETE",
      "/limits/tables/myfamily/other",
      undefined,
      404,
      "could not find table limit for myfamily___other",
    ],
  ];
  for (const [method, path, body, status, message] of cases) {
    const reply = await fx.call(method, path, body === undefined ? {} : { body });
    assert.equal(reply.status, status, `${path}: ${reply.text}`);
    assert.ok(reply.text.startsWith(message), `${path}: ${reply.text}`);
  }
  assert.equal((await fx.call("DELETE", "/limits/tables/myfamily/mytable")).status, 200);
  assert.equal((await fx.call("GET", "/limits/tables")).text.endsWith('"tables":null}'), true);
});

eachCtldb("usage older than a day is garbage-collected", {
  now: () => NOW,
  usageGcMs: 20,
}, async (fx) => {
  await setupMyTable(fx);
  const old = 1_800_000_000 - 2 * 86_400;
  await fx.db.exec("INSERT INTO writer_usage (bucket, writer_name, amount) VALUES (?, ?, ?)", [
    old,
    "mywriter",
    3,
  ]);
  assert.equal((await mutate(fx, { mutations: [row(1, "a")] })).status, 200);
  const deadline = Date.now() + 10_000;
  while ((await usage(fx)).length > 1 && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  assert.deepEqual(await usage(fx), [1]);
});

eachServerCtldb(
  "tables over their maximum size get 507 until their limit is raised",
  { maxTableSize: 1 },
  async (fx) => {
    await setupMyTable(fx);
    const over = await mutate(fx, { mutations: [row(1, "a")] });
    assert.deepEqual([over.status, over.text], [
      507,
      "check table sizes: table 'myfamily___mytable' has exceeded the max size of 1",
    ]);
    assert.equal((await fx.ledger()).length, 1);
    const raise = await fx.call("POST", "/limits/tables/myfamily/mytable", {
      body: JSON.stringify({ "max-size": 1_000_000_000, "warn-size": 1 }),
    });
    assert.equal(raise.status, 200, raise.text);
    assert.equal((await mutate(fx, { mutations: [row(1, "a")] })).status, 200);
    const metrics = (await fx.call("GET", "/metrics")).text;
    assert.match(
      metrics,
      /ctlstore_executive_table_size_warnings_total\{[^}]*table="myfamily___mytable"[^}]*\} 1/,
    );
  },
);

Deno.test("table sizes are not enforced on a SQLite ctldb", async () => {
  await withSqliteExecutive({ maxTableSize: 1 }, async (fx) => {
    await setupMyTable(fx);
    assert.equal((await mutate(fx, { mutations: [row(1, "a")] })).status, 200);
  });
});
