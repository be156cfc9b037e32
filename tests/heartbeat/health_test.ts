import { deepStrictEqual as assertEquals } from "node:assert/strict";
import { evaluateHeartbeatHealth, type HeartbeatProgress } from "../../lib/heartbeat/health.ts";

Deno.test("heartbeat health follows the age of the last successful write", () => {
  const now = 1_700_000_000_000;
  const cases: [string, HeartbeatProgress, boolean, string][] = [
    [
      "recent write",
      { startedAt: now - 60_000, lastSuccessAt: now - 5000 },
      true,
      "last heartbeat written 5s ago",
    ],
    [
      "write older than the limit, with the failure that followed",
      { startedAt: now - 120_000, lastSuccessAt: now - 50_000, lastError: "server returned [500]" },
      false,
      "last heartbeat written 50s ago, more than 45s: server returned [500]",
    ],
    [
      "nothing written yet",
      { startedAt: now - 2000, lastError: "could not make request: connection refused" },
      false,
      "no heartbeat written since the start 2s ago: could not make request: connection refused",
    ],
  ];
  for (const [name, progress, healthy, reason] of cases) {
    assertEquals(evaluateHeartbeatHealth(progress, 45_000, now), { healthy, reason }, name);
  }
});
