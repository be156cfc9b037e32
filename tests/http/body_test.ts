import assert from "node:assert/strict";
import { errorResponse, HttpError, readBody, readBodyText } from "../../lib/http/mod.ts";

Deno.test("a body within the limit is read whole", async () => {
  const text = await readBodyText(new Request("http://x/", { method: "POST", body: "hello" }), 5);
  assert.equal(text, "hello");
});

Deno.test("a declared length over the limit is refused with 413", async () => {
  const request = new Request("http://x/", {
    method: "POST",
    body: "x".repeat(10),
    headers: { "content-length": "10" },
  });
  await assert.rejects(readBody(request, 5), new HttpError(413, "Request too large"));
});

Deno.test("a streamed body over the limit is refused with 413", async () => {
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      for (let i = 0; i < 4; i++) controller.enqueue(new Uint8Array(3));
      controller.close();
    },
  });
  const request = new Request("http://x/", { method: "POST", body: stream });
  await assert.rejects(readBody(request, 10), (e) => e instanceof HttpError && e.status === 413);
});

Deno.test("an HttpError keeps its status and message; other errors are 500", async () => {
  const conflict = errorResponse(new HttpError(409, "Family already exists"));
  assert.equal(conflict.status, 409);
  assert.equal(await conflict.text(), "Family already exists");
  let reported: unknown;
  const fault = errorResponse(new Error("boom"), {
    trailingNewline: true,
    onServerError: (e) => reported = e,
  });
  assert.equal(fault.status, 500);
  assert.equal(await fault.text(), "boom\n");
  assert.ok(reported instanceof Error);
});
