import { deepStrictEqual as assertEquals, match } from "node:assert/strict";
import { evaluateHealth, type ReflectorStatus } from "../../lib/reflector/mod.ts";

const base: ReflectorStatus = {
  id: "ldb.db-0",
  ldbPath: "/tmp/ldb.db",
  running: true,
  appliedSeq: 10,
  upstreamMaxSeq: 10,
  lagStatements: 0,
  caughtUp: true,
};

Deno.test("health follows failures, upstream outages, catch-up and latency", () => {
  const since = new Date(Date.now() - 120_000);
  const cases: [string, Partial<ReflectorStatus>, boolean, RegExp][] = [
    [
      "caught up, however old the last write",
      { ledgerLatencyMs: 3_600_000 },
      true,
      /^caught up at seq 10$/,
    ],
    [
      "a failing statement",
      {
        failing: {
          seq: 11,
          statement: "DELETE FROM x",
          error: "no such table: x",
          since,
          attempts: 3,
        },
      },
      false,
      /^ledger seq 11 fails to apply \(3 attempts\): no such table: x; statement: DELETE FROM x$/,
    ],
    [
      "upstream down for long",
      { upstreamError: { error: "ECONNREFUSED", since } },
      false,
      /^upstream unavailable since/,
    ],
    [
      "upstream down briefly",
      { upstreamError: { error: "x", since: new Date() } },
      true,
      /^caught up/,
    ],
    [
      "behind within the limit",
      { caughtUp: false, upstreamMaxSeq: 20, lagStatements: 10, ledgerLatencyMs: 5000 },
      true,
      /^10 statements behind at seq 10, latency 5s$/,
    ],
    [
      "behind beyond the limit",
      { caughtUp: false, upstreamMaxSeq: 20, lagStatements: 10, ledgerLatencyMs: 90_000 },
      false,
      /^ledger latency 1m30s exceeds 1m0s; 10 statements behind/,
    ],
    [
      "nothing applied yet",
      { caughtUp: false, appliedSeq: 0, lagStatements: 20 },
      false,
      /^no ledger entry applied yet/,
    ],
    [
      "nothing applied yet, upstream failing",
      {
        caughtUp: false,
        appliedSeq: 0,
        upstreamMaxSeq: undefined,
        lagStatements: 0,
        upstreamError: { error: "ECONNREFUSED", since: new Date() },
      },
      false,
      /^no ledger entry applied yet; 0 statements behind at seq 0; upstream unavailable: ECONNREFUSED$/,
    ],
    ["stopped", { running: false }, false, /^reflector is not running$/],
  ];
  for (const [name, change, healthy, reason] of cases) {
    const report = evaluateHealth({ ...base, ...change }, 60_000);
    assertEquals(report.healthy, healthy, name);
    match(report.reason, reason, name);
  }
});
