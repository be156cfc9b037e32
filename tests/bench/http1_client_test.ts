import assert from "node:assert/strict";
import { Http1Client } from "../../bench/_http1_client.ts";

/** A local server answering every POST with `answer(body, headers)`. */
function serve(answer: (body: string, headers: Headers) => Response) {
  return Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen: () => {} },
    async (request) => answer(await request.text(), request.headers),
  );
}

Deno.test("the load client sends body and headers and reads status and body", async () => {
  await using server = serve((body, headers) =>
    new Response(`${headers.get("ctlstore-writer")}:${body}`, { status: 201 })
  );
  using client = await Http1Client.connect(server.addr.port);
  const first = await client.post("/x", "héllo", { "ctlstore-writer": "w1" });
  assert.deepEqual(first, { status: 201, text: "w1:héllo" });
  // The same connection serves the next request.
  const second = await client.post("/x", "again", { "ctlstore-writer": "w2" });
  assert.deepEqual(second, { status: 201, text: "w2:again" });
});

Deno.test("the load client reads a body larger than its buffer", async () => {
  const large = "x".repeat(200_000);
  await using server = serve(() => new Response(large, { status: 400 }));
  using client = await Http1Client.connect(server.addr.port);
  const response = await client.post("/x", "", {});
  assert.equal(response.status, 400);
  assert.equal(response.text.length, large.length);
});

Deno.test("the load client refuses a response without content-length", async () => {
  await using server = serve(() =>
    new Response(new ReadableStream({ start: (c) => (c.enqueue(new Uint8Array([1])), c.close()) }))
  );
  using client = await Http1Client.connect(server.addr.port);
  await assert.rejects(client.post("/x", "", {}), /unsupported response/);
});
