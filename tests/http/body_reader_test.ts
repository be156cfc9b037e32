import assert from "node:assert/strict";
import { BodyReader, ClientDisconnectedError, HttpError, startServer } from "../../lib/http/mod.ts";

const encoder = new TextEncoder();

/**
 * A server that reads each request body with a {@linkcode BodyReader} and reports, for every
 * request, what the read ended with: the text, or the error.
 */
async function bodyServer(timeoutMs: number) {
  const bodies = new BodyReader(1024, timeoutMs);
  const outcomes: (string | Error)[] = [];
  const { promise: first, resolve } = Promise.withResolvers<string | Error>();
  const server = await startServer("127.0.0.1:0", async (request) => {
    try {
      const text = await bodies.read(request);
      outcomes.push(text);
      resolve(text);
      return new Response(text);
    } catch (error) {
      outcomes.push(error as Error);
      resolve(error as Error);
      const status = error instanceof HttpError ? error.status : 500;
      return new Response((error as Error).message, { status });
    }
  });
  return {
    port: server.address.port,
    outcomes,
    first,
    async [Symbol.asyncDispose]() {
      await server.shutdown();
      bodies.close();
    },
  };
}

Deno.test("a body trickled slower than the read timeout answers 408", async () => {
  await using server = await bodyServer(300);
  const conn = await Deno.connect({ hostname: "127.0.0.1", port: server.port });
  try {
    await conn.write(
      encoder.encode("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nab"),
    );
    // One more byte now and then, never the whole body.
    const trickle = setInterval(() => conn.write(encoder.encode("c")).catch(() => {}), 100);
    try {
      const buffer = new Uint8Array(1024);
      const n = await conn.read(buffer);
      assert.match(new TextDecoder().decode(buffer.subarray(0, n ?? 0)), /^HTTP\/1\.1 408 /);
    } finally {
      clearInterval(trickle);
    }
  } finally {
    conn.close();
  }
  const outcome = await server.first;
  assert.ok(outcome instanceof HttpError && outcome.status === 408, String(outcome));
});

Deno.test("a client that hangs up mid-body is a client disconnect, not a server fault", async () => {
  await using server = await bodyServer(5000);
  const conn = await Deno.connect({ hostname: "127.0.0.1", port: server.port });
  await conn.write(encoder.encode("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nabc"));
  await new Promise((resolve) => setTimeout(resolve, 50));
  conn.close();
  const outcome = await server.first;
  assert.ok(outcome instanceof ClientDisconnectedError, String(outcome));
  assert.equal(outcome.status, 499);
});

Deno.test("a body read as bytes keeps every byte", async () => {
  const bodies = new BodyReader(16, 1000);
  const bytes = await bodies.readBytes(
    new Request("http://x/", { method: "POST", body: new Uint8Array([0xff, 0, 7]) }),
  );
  assert.deepEqual([...bytes], [0xff, 0, 7]);
  await assert.rejects(
    bodies.readBytes(new Request("http://x/", { method: "POST", body: "x".repeat(17) })),
    (e) => e instanceof HttpError && e.status === 413,
  );
  bodies.close();
});
