/**
 * Change-feed benchmarks against MariaDB/MySQL (`CTLSTORE_TEST_MYSQL_DSN`, default
 * `root@tcp(127.0.0.1:3306)/`): an in-process executive, `ctlstore reflector` at
 * `-poll-interval 50ms` and `ctlstore sidecar` as their own processes, and 300 mutations sent
 * 20 ms apart. For each mutation, from its response (the ctldb commit is done):
 * - commit → SSE event: until the sidecar's `/watch` stream delivers the change;
 * - commit → `waitForSequence`: until `reader.waitForSequence(seq)` resolves in this process.
 *
 * Target: SSE p99 ≤ 100 ms.
 *
 * @module
 */
// deno-lint-ignore-file no-console
import { ExecutiveClient } from "../lib/client/mod.ts";
import { startExecutive } from "../lib/executive/mod.ts";
import { createLogger } from "../lib/log/mod.ts";
import { Reader } from "../lib/mod.ts";
import { freshMysqlDatabase } from "../tests/_helpers/mysql.ts";
import { freePort, spawnCli } from "../tests/_helpers/process.ts";
import { tempDir } from "../tests/_helpers/temp.ts";
import { percentile } from "./_stats.ts";

const MUTATIONS = 300;
const SPACING_MS = 20;
const WRITER = { writer: "bench", secret: "bench-secret" };

/** Reads `/watch` and calls `onEvent(seq, at)` for every change event. */
async function followStream(
  url: string,
  signal: AbortSignal,
  onEvent: (seq: number, at: number) => void,
): Promise<void> {
  const response = await fetch(url, { signal });
  if (!response.ok) throw new Error(`/watch answered ${response.status}`);
  const decoder = new TextDecoder();
  let buffer = "";
  try {
    for await (const chunk of response.body!) {
      const at = performance.now();
      buffer += decoder.decode(chunk, { stream: true });
      let end: number;
      while ((end = buffer.indexOf("\n\n")) >= 0) {
        const event = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        if (!event.includes("event: change")) continue;
        const id = /^id: (\d+)$/m.exec(event);
        if (id) onEvent(Number(id[1]), at);
      }
    }
  } catch (error) {
    if (!signal.aborted) throw error;
  }
}

async function openReader(ldbPath: string): Promise<Reader> {
  for (;;) {
    try {
      const reader = Reader.open(ldbPath);
      if (reader.getLastSequence() > 0) return reader;
      reader.close();
    } catch {
      // The LDB is created by the reflector's first commit.
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Runs the change-feed benchmarks and prints markdown table rows. */
export async function runChangeFeedBench(): Promise<void> {
  await using db = await freshMysqlDatabase();
  await using dir = await tempDir();
  const executive = await startExecutive({
    bind: "127.0.0.1:0",
    ctldb: db.dsn,
    writerLimit: 1e12,
    logger: createLogger("executive", { write: () => {} }),
  });
  try {
    const client = new ExecutiveClient(`http://127.0.0.1:${executive.address!.port}`);
    await client.createFamily("bench");
    await client.createTable("bench", "feed", {
      fields: [["id", "integer"], ["v", "integer"]],
      keyFields: ["id"],
    });
    await client.registerWriter(WRITER);
    const ldbPath = `${dir.path}/ldb.db`;
    await using _reflector = await spawnCli([
      "reflector",
      ...["-ldb-path", ldbPath, "-upstream-driver", "mysql", "-upstream-dsn", db.dsn],
      ...["-poll-interval", "50ms"],
    ], { waitFor: "reflector started" });
    using reader = await openReader(ldbPath);
    const port = freePort();
    await using _sidecar = await spawnCli(
      ["sidecar", "-bind-addr", `127.0.0.1:${port}`, "-ldb-path", ldbPath],
      { port },
    );

    const committed = new Map<number, number>();
    const arrived = new Map<number, number>();
    const sse: number[] = [];
    const waited: number[] = [];
    const match = (seq: number) => {
      const commit = committed.get(seq);
      const arrival = arrived.get(seq);
      if (commit === undefined || arrival === undefined) return;
      sse.push(arrival - commit);
      committed.delete(seq);
      arrived.delete(seq);
    };
    const stop = new AbortController();
    const stream = followStream(
      `http://127.0.0.1:${port}/watch?after=${reader.getLastSequence()}&family=bench`,
      stop.signal,
      (seq, at) => {
        arrived.set(seq, at);
        match(seq);
      },
    );
    const waits: Promise<void>[] = [];
    const base = Date.now() * 1000;
    for (let i = 0; i < MUTATIONS; i++) {
      const { seq } = await client.mutate("bench", WRITER, {
        mutations: [{ table: "feed", values: { id: base + i, v: i } }],
      });
      const at = performance.now();
      if (seq === undefined) throw new Error("the executive answered without a seq");
      committed.set(seq, at);
      match(seq);
      waits.push(reader.waitForSequence(seq).then(() => void waited.push(performance.now() - at)));
      await new Promise((resolve) => setTimeout(resolve, SPACING_MS));
    }
    await Promise.all(waits);
    const deadline = Date.now() + 10_000;
    while (sse.length < MUTATIONS && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    stop.abort();
    await stream;
    if (sse.length < MUTATIONS) throw new Error(`only ${sse.length} SSE events arrived`);
    const fmt = (values: number[], p: number) =>
      `${percentile(values.toSorted((a, b) => a - b), p).toFixed(1)} ms`;
    console.log("| change feed benchmark (-poll-interval 50ms) | p50 | p99 |");
    console.log("|---|---|---|");
    console.log(
      `| commit → /watch SSE event (${MUTATIONS} mutations) | ${fmt(sse, 50)} | ${fmt(sse, 99)} |`,
    );
    console.log(
      `| commit → waitForSequence resolves | ${fmt(waited, 50)} | ${fmt(waited, 99)} |`,
    );
  } finally {
    await executive.stop();
  }
}

if (import.meta.main) await runChangeFeedBench();
