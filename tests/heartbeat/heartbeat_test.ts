import assert from "node:assert/strict";
import { ExecutiveClient } from "../../lib/client/mod.ts";
import { openCtldb } from "../../lib/ctldb/mod.ts";
import { startExecutive } from "../../lib/executive/mod.ts";
import { startHeartbeat } from "../../lib/heartbeat/mod.ts";
import { SERVER_CTLDBS } from "../_helpers/server_ctldbs.ts";
import { freePort, spawnCli } from "../_helpers/process.ts";
import { tempDir } from "../_helpers/temp.ts";

const EXACT_NS = 1_700_000_000_123_456_789n;

async function until(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

async function heartbeatRows(dsn: string): Promise<Record<string, unknown>[]> {
  const db = await openCtldb(dsn);
  try {
    return await db.query("SELECT name, value FROM ctlstore___heartbeats");
  } finally {
    await db.close();
  }
}

async function lastLedgerStatement(dsn: string): Promise<string> {
  const db = await openCtldb(dsn);
  try {
    const rows = await db.query<{ statement: string }>(
      "SELECT statement FROM ctlstore_dml_ledger ORDER BY seq DESC LIMIT 1",
    );
    return rows[0]?.statement ?? "";
  } finally {
    await db.close();
  }
}

async function writesExactNanoseconds(dsn: string) {
  const executive = await startExecutive({ bind: "127.0.0.1:0", ctldb: dsn });
  try {
    const heartbeat = await startHeartbeat({
      executiveUrl: `127.0.0.1:${executive.address!.port}`,
      writerSecret: "heartbeat-secret",
      intervalMs: 60_000,
      clock: () => EXACT_NS,
    });
    try {
      await until("the first write", () => heartbeat.writes >= 1);
      assert.equal(heartbeat.errors, 0);
    } finally {
      await heartbeat.stop();
    }
  } finally {
    await executive.stop();
  }
  assert.deepEqual(await heartbeatRows(dsn), [{ name: "heartbeat", value: EXACT_NS }]);
  assert.match(await lastLedgerStatement(dsn), new RegExp(`,${EXACT_NS}\\)`));
}

Deno.test("heartbeat writes the exact nanosecond value into a SQLite ctldb", async () => {
  await using dir = await tempDir();
  await writesExactNanoseconds(`sqlite:${dir.path}/ctldb.db`);
});

for (const server of SERVER_CTLDBS) {
  server.test(`heartbeat writes the exact nanosecond value into a ${server.name} ctldb`, async () => {
    await using db = await server.fresh();
    await writesExactNanoseconds(db.dsn);
  });
}

Deno.test("heartbeat keeps writing the current time every interval", async () => {
  await using dir = await tempDir();
  const dsn = `sqlite:${dir.path}/ctldb.db`;
  const executive = await startExecutive({ bind: "127.0.0.1:0", ctldb: dsn });
  try {
    const heartbeat = await startHeartbeat({
      executiveUrl: `http://127.0.0.1:${executive.address!.port}/`,
      writerSecret: "heartbeat-secret",
      intervalMs: 20,
    });
    try {
      await until("three writes", () => heartbeat.writes >= 3);
    } finally {
      await heartbeat.stop();
    }
  } finally {
    await executive.stop();
  }
  const [row] = await heartbeatRows(dsn);
  assert.equal(typeof row?.value, "bigint");
  const nowNs = BigInt(Date.now()) * 1_000_000n;
  assert.ok((row!.value as bigint) <= nowNs && (row!.value as bigint) > nowNs - 60_000_000_000n);
});

Deno.test("heartbeat accepts an existing family and table and an identical writer", async () => {
  await using dir = await tempDir();
  const executive = await startExecutive({
    bind: "127.0.0.1:0",
    ctldb: `sqlite:${dir.path}/ctldb.db`,
  });
  try {
    const config = {
      executiveUrl: `127.0.0.1:${executive.address!.port}`,
      writerSecret: "heartbeat-secret",
      intervalMs: 60_000,
    };
    for (let i = 0; i < 2; i++) {
      const heartbeat = await startHeartbeat(config);
      await until("a write", () => heartbeat.writes >= 1);
      await heartbeat.stop();
    }
  } finally {
    await executive.stop();
  }
});

Deno.test("heartbeat counts write errors while the executive is down and keeps running", async () => {
  await using dir = await tempDir();
  const executive = await startExecutive({
    bind: "127.0.0.1:0",
    ctldb: `sqlite:${dir.path}/ctldb.db`,
  });
  let stopped = false;
  try {
    const heartbeat = await startHeartbeat({
      executiveUrl: `127.0.0.1:${executive.address!.port}`,
      writerSecret: "heartbeat-secret",
      intervalMs: 20,
      metricsBind: "127.0.0.1:0",
    });
    try {
      await until("a write", () => heartbeat.writes >= 1);
      await executive.stop();
      stopped = true;
      await until("two errors", () => heartbeat.errors >= 2);
      const metrics = await (await fetch(
        `http://127.0.0.1:${heartbeat.address!.port}/metrics`,
      )).text();
      assert.match(metrics, /^ctlstore_heartbeat_errors_total\{[^}]*\} [1-9]\d*$/m);
    } finally {
      await heartbeat.stop();
    }
  } finally {
    if (!stopped) await executive.stop();
  }
});

Deno.test("heartbeat start-up retries until the executive comes up", async () => {
  await using dir = await tempDir();
  const port = freePort();
  const starting = startHeartbeat({
    executiveUrl: `127.0.0.1:${port}`,
    writerSecret: "heartbeat-secret",
    intervalMs: 60_000,
    startupAttempts: 50,
    startupBackoffMs: 20,
  });
  await new Promise((resolve) => setTimeout(resolve, 100));
  const executive = await startExecutive({
    bind: `127.0.0.1:${port}`,
    ctldb: `sqlite:${dir.path}/ctldb.db`,
  });
  try {
    const heartbeat = await starting;
    await until("a write", () => heartbeat.writes >= 1);
    await heartbeat.stop();
  } finally {
    await executive.stop();
  }
});

Deno.test("heartbeat start-up fails with one line when the executive never answers", async () => {
  const port = freePort();
  await assert.rejects(
    startHeartbeat({
      executiveUrl: `127.0.0.1:${port}`,
      writerSecret: "heartbeat-secret",
      startupAttempts: 2,
      startupBackoffMs: 1,
    }),
    /^Error: heartbeat start-up failed: could not make request: /,
  );
});

Deno.test("heartbeat start-up fails at once when the writer has other credentials", async () => {
  await using dir = await tempDir();
  const executive = await startExecutive({
    bind: "127.0.0.1:0",
    ctldb: `sqlite:${dir.path}/ctldb.db`,
  });
  try {
    const url = `127.0.0.1:${executive.address!.port}`;
    await new ExecutiveClient(url).registerWriter({ writer: "heartbeat", secret: "other-secret" });
    await assert.rejects(
      startHeartbeat({ executiveUrl: url, writerSecret: "heartbeat-secret", startupAttempts: 50 }),
      (error: Error) => {
        assert.equal(
          error.message,
          'heartbeat start-up failed: writer "heartbeat" is registered with another secret: ' +
            "give the heartbeat that secret, or change it with " +
            "'ctlstore writers rotate -writer heartbeat'",
        );
        return true;
      },
    );
  } finally {
    await executive.stop();
  }
});

Deno.test("ctlstore heartbeat writes rows and exits 0 on SIGTERM", async () => {
  await using dir = await tempDir();
  const dsn = `sqlite:${dir.path}/ctldb.db`;
  const executive = await startExecutive({ bind: "127.0.0.1:0", ctldb: dsn });
  try {
    await using cli = await spawnCli([
      "heartbeat",
      "-executive-url",
      `127.0.0.1:${executive.address!.port}`,
      "-writer-secret=heartbeat-secret",
      "-heartbeat-interval",
      "50ms",
      "-dogstatsd.address",
      "127.0.0.1:8125",
    ], { waitFor: "heartbeat started" });
    await until("a row", async () => (await heartbeatRows(dsn)).length === 1);
    cli.kill("SIGTERM");
    const status = await cli.status;
    assert.equal(status.code, 0, cli.stderr());
  } finally {
    await executive.stop();
  }
});

Deno.test("ctlstore heartbeat without a writer secret exits 1 naming the flag", async () => {
  await using cli = await spawnCli(["heartbeat"], { env: { CTLSTORE_WRITER_SECRET: "" } });
  const status = await cli.status;
  assert.equal(status.code, 1);
  assert.equal(
    cli.stderr(),
    "ctlstore heartbeat: missing required flag -writer-secret (see ctlstore heartbeat --help)\n",
  );
});

Deno.test("ctlstore heartbeat with an interval that is not positive exits 1 naming the flag", async () => {
  await using cli = await spawnCli([
    "heartbeat",
    "-writer-secret",
    "heartbeat-secret",
    "-heartbeat-interval",
    "0s",
  ]);
  const status = await cli.status;
  assert.equal(status.code, 1);
  assert.equal(
    cli.stderr(),
    "ctlstore heartbeat: invalid value passed to -heartbeat-interval: '0s' (must be positive) " +
      "(see ctlstore heartbeat --help)\n",
  );
});

Deno.test("ctlstore heartbeat exits 1 with one line when start-up fails", async () => {
  await using cli = await spawnCli([
    "heartbeat",
    "-executive-url",
    `127.0.0.1:${freePort()}`,
    "-writer-secret",
    "heartbeat-secret",
  ], { timeoutMs: 60_000 });
  const status = await cli.status;
  assert.equal(status.code, 1);
  const lines = cli.stderr().trim().split("\n");
  assert.match(lines.at(-1)!, /^error: heartbeat start-up failed: could not make request: /);
});

Deno.test("heartbeat /healthz is 200 while writes succeed and 503 with the reason once they stop", async () => {
  await using dir = await tempDir();
  const executive = await startExecutive({
    bind: "127.0.0.1:0",
    ctldb: `sqlite:${dir.path}/ctldb.db`,
  });
  let stopped = false;
  try {
    const started = Date.now() / 1000;
    const heartbeat = await startHeartbeat({
      executiveUrl: `127.0.0.1:${executive.address!.port}`,
      writerSecret: "heartbeat-secret",
      intervalMs: 20,
      maxSuccessAgeMs: 200,
      metricsBind: "127.0.0.1:0",
    });
    const base = `http://127.0.0.1:${heartbeat.address!.port}`;
    const healthz = async () => {
      const response = await fetch(`${base}/healthz`);
      return { status: response.status, text: await response.text() };
    };
    try {
      await until("a write", () => heartbeat.writes >= 1);
      const healthy = await healthz();
      assert.equal(healthy.status, 200, healthy.text);
      assert.match(healthy.text, /^ok: last heartbeat written \S+ ago\n$/);
      const metrics = await (await fetch(`${base}/metrics`)).text();
      const gauge = /^ctlstore_heartbeat_last_success_timestamp_seconds\{[^}]*\} (\S+)$/m
        .exec(metrics);
      assert.ok(gauge, metrics);
      const at = Number(gauge[1]);
      assert.ok(at >= started && at <= Date.now() / 1000, `last success at ${at}`);

      await executive.stop();
      stopped = true;
      await until("health to turn bad", async () => (await healthz()).status === 503);
      assert.match(
        (await healthz()).text,
        /^last heartbeat written \S+ ago, more than 200ms: could not make request: /,
      );
      assert.equal(heartbeat.health().healthy, false);
    } finally {
      await heartbeat.stop();
    }
  } finally {
    if (!stopped) await executive.stop();
  }
});

Deno.test("a heartbeat metrics address that cannot be bound fails before anything is created", async () => {
  await using dir = await tempDir();
  const dsn = `sqlite:${dir.path}/ctldb.db`;
  const executive = await startExecutive({ bind: "127.0.0.1:0", ctldb: dsn });
  using busy = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  try {
    const config = {
      executiveUrl: `127.0.0.1:${executive.address!.port}`,
      writerSecret: "heartbeat-secret",
    };
    await assert.rejects(
      startHeartbeat({ ...config, metricsBind: "localhost" }),
      /invalid listen address 'localhost': expected host:port/,
    );
    await assert.rejects(
      startHeartbeat({ ...config, metricsBind: `127.0.0.1:${(busy.addr as Deno.NetAddr).port}` }),
      /listen on 127\.0\.0\.1:\d+/,
    );
    const ctldb = await openCtldb(dsn);
    try {
      assert.deepEqual(await ctldb.query("SELECT writer FROM mutators"), []);
      assert.deepEqual(await ctldb.query("SELECT name FROM families"), []);
    } finally {
      await ctldb.close();
    }
  } finally {
    await executive.stop();
  }
});
