import assert from "node:assert/strict";
import { cleanPath, Router } from "../../lib/http/mod.ts";

function router(): Router {
  return new Router()
    .add("POST", "/families/:family", (_r, p) => new Response(`family ${p.family}`))
    .add("GET", "/schema/table/:family/:table", (_r, p) => new Response(`${p.family}.${p.table}`));
}

Deno.test("a matching route receives its decoded path parameters", async () => {
  const { route, response } = await router().handle(
    new Request("http://x/schema/table/fam/t%20x", { method: "GET" }),
  );
  assert.equal(route, "/schema/table/:family/:table");
  assert.equal(await response.text(), "fam.t x");
});

Deno.test("an unknown path answers 404 page not found", async () => {
  const { response } = await router().handle(new Request("http://x/nope"));
  assert.equal(response.status, 404);
  assert.equal(await response.text(), "404 page not found\n");
});

Deno.test("a known path with another method answers 405 with an empty body", async () => {
  const { response } = await router().handle(new Request("http://x/families/abc"));
  assert.equal(response.status, 405);
  assert.equal(await response.text(), "");
});

Deno.test("an empty path segment does not match a parameter", async () => {
  const { response } = await router().handle(new Request("http://x/families/", { method: "POST" }));
  assert.equal(response.status, 404);
  await response.body?.cancel();
});

Deno.test("paths with empty segments are redirected to the cleaned path", async () => {
  const cases: [string, string][] = [
    ["http://x//families/abc", "/families/abc"],
    ["http://x/families//abc?q=1", "/families/abc?q=1"],
  ];
  for (const [url, location] of cases) {
    const { response } = await router().handle(new Request(url, { method: "POST" }));
    assert.equal(response.status, 301, url);
    assert.equal(response.headers.get("location"), location, url);
  }
});

Deno.test("paths clean like Go's path.Clean, keeping a trailing slash", () => {
  const cases: [string, string][] = [
    ["/", "/"],
    ["/a/b", "/a/b"],
    ["//a//b/", "/a/b/"],
    ["/a/./b/../c", "/a/c"],
    ["/../a", "/a"],
  ];
  for (const [path, want] of cases) assert.equal(cleanPath(path), want, path);
});
