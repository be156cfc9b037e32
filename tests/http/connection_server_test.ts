import assert from "node:assert/strict";
import { type RunningServer, startServer } from "../../lib/http/mod.ts";

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** A started server that `await using` shuts down. */
async function serve(
  handler: (request: Request) => Response | Promise<Response>,
  options: { idleTimeoutMs?: number; maxConnections?: number },
): Promise<RunningServer & AsyncDisposable> {
  const server = await startServer("127.0.0.1:0", handler, options);
  return Object.assign(server, { [Symbol.asyncDispose]: () => server.shutdown() });
}

/** A raw TCP client that `await using` closes. */
async function connect(port: number, send = ""): Promise<Deno.Conn & AsyncDisposable> {
  const conn = await Deno.connect({ hostname: "127.0.0.1", port });
  if (send) await conn.write(encoder.encode(send));
  return Object.assign(conn, {
    [Symbol.asyncDispose]: () => {
      try {
        conn.close();
      } catch {
        // Closed by the test already.
      }
      return Promise.resolve();
    },
  });
}

/**
 * Reads until the server closes the connection (or `limitMs` passes, a bound that only stops
 * a failing test from hanging); returns what arrived and whether it was closed.
 */
async function readToClose(conn: Deno.Conn, limitMs = 15_000) {
  const buffer = new Uint8Array(16_384);
  let text = "";
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<"open">((resolve) =>
    timer = setTimeout(() => resolve("open"), limitMs)
  );
  try {
    while (true) {
      const n = await Promise.race([conn.read(buffer).catch(() => null), timeout]);
      if (n === "open") return { text, closed: false };
      if (n === null) return { text, closed: true };
      text += decoder.decode(buffer.subarray(0, n));
    }
  } finally {
    clearTimeout(timer);
  }
}

Deno.test("400 idle connections are closed after the idle timeout while normal requests keep answering", async () => {
  await using server = await serve(() => new Response("ok"), { idleTimeoutMs: 500 });
  const port = server.address.port;
  // Three kinds of idle: never sent a request, stalled inside a request head, and done with
  // a request but kept alive.
  const clients = await Promise.all(Array.from({ length: 400 }, (_, i) =>
    connect(
      port,
      ["", "GET / HTTP/1.1\r\nHo", "GET / HTTP/1.1\r\nHost: x\r\n\r\n"][i % 3],
    )));
  try {
    const closing = Promise.all(clients.map((client) => readToClose(client)));
    let settled = false;
    void closing.finally(() => settled = true);
    let answered = 0;
    while (!settled) {
      const response = await fetch(`http://127.0.0.1:${port}/`);
      assert.equal(response.status, 200);
      assert.equal(await response.text(), "ok");
      answered++;
    }
    const results = await closing;
    assert.equal(results.filter((r) => r.closed).length, 400);
    for (const [i, result] of results.entries()) {
      if (i % 3 === 2) assert.match(result.text, /^HTTP\/1\.1 200 OK/);
      else assert.equal(result.text, "");
    }
    assert.ok(answered > 0);
    assert.ok(server.connections.idleClosed >= 400, JSON.stringify(server.connections));
    const after = await fetch(`http://127.0.0.1:${port}/`);
    assert.equal(await after.text(), "ok");
  } finally {
    for (const client of clients) await client[Symbol.asyncDispose]();
  }
});

Deno.test("a connection past the cap is answered 503 with Connection: close and closed", async () => {
  await using server = await serve(() => new Response("ok"), {
    idleTimeoutMs: 60_000,
    maxConnections: 3,
  });
  const port = server.address.port;
  const held = await Promise.all([1, 2, 3].map(() => connect(port)));
  try {
    await using extra = await connect(port, "GET / HTTP/1.1\r\nHost: x\r\n\r\n");
    const { text, closed } = await readToClose(extra);
    assert.ok(closed, "the refused connection is closed");
    assert.match(text, /^HTTP\/1\.1 503 /);
    assert.match(text, /\r\nconnection: close\r\n/i);
    assert.match(text, /Too many connections \(limit 3\)/);
    assert.equal(server.connections.refused, 1);
  } finally {
    for (const client of held) await client[Symbol.asyncDispose]();
  }
  // Once the held connections are gone, new ones are served again.
  let status = 0;
  for (let i = 0; i < 100 && status !== 200; i++) {
    const response = await fetch(`http://127.0.0.1:${port}/`);
    status = response.status;
    await response.body?.cancel();
    if (status !== 200) await new Promise((resolve) => setTimeout(resolve, 20));
  }
  assert.equal(status, 200);
});

Deno.test("responses that take longer than the idle timeout are not cut by it", async () => {
  await using server = await serve(async (request) => {
    if (new URL(request.url).pathname === "/slow") {
      await new Promise((resolve) => setTimeout(resolve, 600));
      return new Response("slow done");
    }
    let ticks = 0;
    let timer: ReturnType<typeof setInterval>;
    // A stream that stays quiet longer than the idle timeout between its chunks.
    return new Response(
      new ReadableStream<Uint8Array>({
        start(controller) {
          timer = setInterval(() => {
            controller.enqueue(encoder.encode(`tick ${++ticks}\n`));
            if (ticks === 3) {
              clearInterval(timer);
              controller.close();
            }
          }, 300);
        },
        cancel: () => clearInterval(timer),
      }),
    );
  }, { idleTimeoutMs: 150 });
  const base = `http://127.0.0.1:${server.address.port}`;
  const [slow, stream] = await Promise.all([
    fetch(`${base}/slow`).then((r) => r.text()),
    fetch(`${base}/stream`).then((r) => r.text()),
  ]);
  assert.equal(slow, "slow done");
  assert.equal(stream, "tick 1\ntick 2\ntick 3\n");
});

Deno.test("a connection is idle only from the end of its last response", async () => {
  await using server = await serve(async () => {
    await new Promise((resolve) => setTimeout(resolve, 600));
    return new Response("done");
  }, { idleTimeoutMs: 300 });
  await using conn = await connect(server.address.port);
  const request = encoder.encode("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
  const buffer = new Uint8Array(4096);
  for (const round of [1, 2]) {
    // The second request reuses the connection right after the first, slow, response.
    await conn.write(request);
    const n = await conn.read(buffer);
    assert.match(
      decoder.decode(buffer.subarray(0, n ?? 0)),
      /^HTTP\/1\.1 200 OK[^]*done$/,
      `round ${round}`,
    );
  }
  assert.equal(server.connections.idleClosed, 0);
  assert.ok((await readToClose(conn)).closed, "closed once idle");
});

Deno.test("shutdown answers the request in flight and closes idle connections", async () => {
  const { promise: arrived, resolve: arrive } = Promise.withResolvers<void>();
  const server = await startServer("127.0.0.1:0", async () => {
    arrive();
    await new Promise((resolve) => setTimeout(resolve, 300));
    return new Response("finished");
  });
  const port = server.address.port;
  await using idle = await connect(port);
  const inFlight = fetch(`http://127.0.0.1:${port}/`).then((r) => r.text());
  await arrived;
  const stopped = server.shutdown();
  assert.equal(await inFlight, "finished");
  assert.ok((await readToClose(idle)).closed);
  await stopped;
  await server.finished;
  await assert.rejects(fetch(`http://127.0.0.1:${port}/`));
});

Deno.test("a malformed request closes only its own connection", async () => {
  await using server = await serve(async (request) => {
    try {
      return new Response(`read ${(await request.text()).length}`);
    } catch {
      return new Response("unreadable", { status: 400 });
    }
  }, { idleTimeoutMs: 60_000 });
  const port = server.address.port;
  await using bad = await connect(
    port,
    "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nabc\r\n",
  );
  assert.ok((await readToClose(bad)).closed);
  const response = await fetch(`http://127.0.0.1:${port}/`, { method: "POST", body: "hello" });
  assert.equal(await response.text(), "read 5");
});

Deno.test("server limits must not be negative", async () => {
  await assert.rejects(
    startServer("127.0.0.1:0", () => new Response(), { idleTimeoutMs: -1 }),
    RangeError,
  );
  await assert.rejects(
    startServer("127.0.0.1:0", () => new Response(), { maxConnections: 1.5 }),
    /connection cap must be a non-negative integer/,
  );
});

Deno.test("with both limits off the server is plain Deno.serve and still answers", async () => {
  await using server = await serve(() => new Response("plain"), {
    idleTimeoutMs: 0,
    maxConnections: 0,
  });
  const response = await fetch(`http://127.0.0.1:${server.address.port}/`);
  assert.equal(await response.text(), "plain");
});
