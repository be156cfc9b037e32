import assert from "node:assert/strict";
import { formatListenAddress, parseListenAddress, startServer } from "../../lib/http/mod.ts";

Deno.test("Go listen addresses parse to host and port", () => {
  assert.deepEqual(parseListenAddress(":3000"), { hostname: "0.0.0.0", port: 3000 });
  assert.deepEqual(parseListenAddress("127.0.0.1:1331"), { hostname: "127.0.0.1", port: 1331 });
  assert.deepEqual(parseListenAddress("[::1]:80"), { hostname: "::1", port: 80 });
  for (const bad of ["3000", "host:", "host:99999", ""]) {
    assert.throws(() => parseListenAddress(bad), TypeError, bad);
  }
});

Deno.test("a started server answers and shuts down", async () => {
  const server = await startServer("127.0.0.1:0", () => new Response("ok"));
  try {
    const response = await fetch(`http://127.0.0.1:${server.address.port}/`);
    assert.equal(await response.text(), "ok");
  } finally {
    await server.shutdown();
  }
});

Deno.test("binding a taken port fails instead of hanging", async () => {
  const first = await startServer("127.0.0.1:0", () => new Response("ok"));
  try {
    await assert.rejects(
      startServer(`127.0.0.1:${first.address.port}`, () => new Response("x")),
      /listen on 127\.0\.0\.1:\d+/,
    );
  } finally {
    await first.shutdown();
  }
});

Deno.test("addresses format back to host:port, with IPv6 hosts in brackets", () => {
  assert.equal(formatListenAddress({ hostname: "127.0.0.1", port: 3000 }), "127.0.0.1:3000");
  assert.equal(formatListenAddress({ hostname: "::1", port: 1331 }), "[::1]:1331");
});
