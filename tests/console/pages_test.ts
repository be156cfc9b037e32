import assert from "node:assert/strict";
import { historyLdb } from "../_helpers/history_ldb.ts";
import { freePort } from "../_helpers/process.ts";
import { tempDir } from "../_helpers/temp.ts";
import { demoLdb, HOSTILE_COLUMN, serveConsole, USERS } from "./_fixture.ts";

/** Every unescaped form of the hostile values that would run or inject markup. */
const RAW = ["<script>alert", "<img src=x", `"quotes"`, "'single'"];

function assertEscaped(text: string, where: string) {
  for (const raw of RAW) assert.ok(!text.includes(raw), `${where} contains ${raw} unescaped`);
}

Deno.test("every name and value from the LDB is shown as text on every page", async () => {
  using ldb = demoLdb();
  await using site = await serveConsole({ ldbPath: ldb.path });
  const pages = [
    "/",
    "/families/demo",
    "/families/demo/tables/users",
    "/families/demo/tables/users/row?k=1",
    "/families/demo/tables/users/history",
    "/families/demo/tables/odd",
    "/families/demo/tables/odd/row?k=1",
  ];
  for (const path of pages) {
    const { status, type, text } = await site.fetch(path);
    assert.equal(status, 200, `${path}: ${text}`);
    assert.equal(type, "text/html; charset=utf-8", path);
    assertEscaped(text, path);
  }
  const row = (await site.fetch("/families/demo/tables/users/row?k=1")).text;
  assert.ok(row.includes("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &quot;quotes&quot;"));
  assert.ok(row.includes("&#39;single&#39; &amp; ünïcödé 💥"));
  const odd = (await site.fetch("/families/demo/tables/odd")).text;
  assert.ok(odd.includes("&lt;img src=x onerror=alert(1)&gt;"), "the hostile column name");
  assert.ok(!odd.includes(HOSTILE_COLUMN));
});

Deno.test("pages forbid inline script, so even a missed escape could not run", async () => {
  using ldb = demoLdb();
  await using site = await serveConsole({ ldbPath: ldb.path });
  const response = await fetch(`${site.url}/`);
  await response.body?.cancel();
  assert.match(response.headers.get("content-security-policy") ?? "", /script-src 'self';/);
});

Deno.test("integers beyond 2^53 and blobs are shown exactly on the row page", async () => {
  using ldb = demoLdb();
  await using site = await serveConsole({ ldbPath: ldb.path });
  const big = await site.fetch("/families/demo/tables/users/row?k=9007199254740993");
  assert.equal(big.status, 200);
  assert.match(big.text, /<span class="num">9007199254740993<\/span>/);
  const one = (await site.fetch("/families/demo/tables/users/row?k=1")).text;
  assert.match(one, /<code class="hex">dead beef<\/code>/);
  assert.match(one, /<code class="b64">3q2\+7w==<\/code>/);
  const list = (await site.fetch("/families/demo/tables/users")).text;
  assert.match(list, /href="\/families\/demo\/tables\/users\/row\?k=9007199254740993"/);
});

/** The keys of the rows listed (each key cell links to its row, so each row links twice). */
function rowsOf(html: string): string[] {
  const links = [...html.matchAll(/row\?k=([ab])&amp;k=(\d+)"/g)].map((m) => `${m[1]}${m[2]}`);
  return links.filter((_, i) => i % 2 === 0);
}

function nextLink(html: string): string | undefined {
  return /rel="next" href="([^"]+)"/.exec(html)?.[1]?.replaceAll("&amp;", "&");
}

Deno.test("rows are listed a page at a time in key order, all or by key prefix", async () => {
  using ldb = demoLdb();
  await using site = await serveConsole({ ldbPath: ldb.path });
  const seen: string[] = [];
  let path: string | undefined = "/families/demo/tables/members?limit=50";
  let pages = 0;
  while (path) {
    const { status, text } = await site.fetch(path);
    assert.equal(status, 200, text);
    seen.push(...rowsOf(text));
    path = nextLink(text);
    pages++;
  }
  assert.equal(pages, 3);
  const expected = ["a", "b"].flatMap((t) => Array.from({ length: 60 }, (_, i) => `${t}${i + 1}`));
  assert.deepEqual(seen, expected);
  const team = await site.fetch("/families/demo/tables/members?p=b&p=&limit=50");
  assert.deepEqual(rowsOf(team.text), expected.slice(60, 110));
  const rest = await site.fetch(nextLink(team.text)!);
  assert.deepEqual(rowsOf(rest.text), expected.slice(110));
  assert.equal(nextLink(rest.text), undefined);
});

Deno.test("bad input gets a page saying what was wrong, never a stack trace", async () => {
  using ldb = demoLdb();
  await using site = await serveConsole({ ldbPath: ldb.path });
  const cases: [string, string, number, RegExp][] = [
    ["GET", "/families/nope", 404, /Family &quot;nope&quot; has no tables in the LDB/],
    ["GET", "/families/No%20Way!", 400, /Invalid family name &quot;No Way!&quot;/],
    ["GET", "/families/demo/tables/nope", 404, /Table &quot;demo.nope&quot; is not in the LDB/],
    ["GET", "/families/demo/tables/users/row?k=abc", 400, /id is an integer column/],
    ["GET", "/families/demo/tables/users/row", 400, /key has 1 column\(s\) \(id\)/],
    ["GET", "/families/demo/tables/members/row?k=a", 400, /2 column\(s\) \(team, id\)/],
    ["GET", "/families/demo/tables/users?limit=0", 400, /Invalid limit &quot;0&quot;/],
    ["GET", "/families/demo/tables/members?p=&p=3", 400, /team is empty/],
    ["GET", "/families/demo/tables/users/history?before=x", 400, /Invalid before/],
    ["GET", "/nothing/here", 404, /There is no page at \/nothing\/here/],
    ["DELETE", "/", 405, /DELETE is not allowed on \//],
  ];
  for (const [method, path, status, message] of cases) {
    const response = await site.fetch(path, { method });
    assert.equal(response.status, status, `${method} ${path}: ${response.text}`);
    assert.equal(response.type, "text/html; charset=utf-8", path);
    assert.match(response.text, /<h1>[^<]+<\/h1>/, path);
    assert.match(response.text, message, path);
    assert.doesNotMatch(response.text, /\n\s+at |Error:/, path);
  }
});

Deno.test("a key with no row says so and still shows the row's history", async () => {
  using ldb = demoLdb();
  await using site = await serveConsole({ ldbPath: ldb.path });
  const { status, text } = await site.fetch("/families/demo/tables/users/row?k=404");
  assert.equal(status, 404);
  assert.match(text, /No row with id=404 in demo.users now/);
  assert.match(text, /History of this row/);
});

function seqsOf(html: string): number[] {
  return [...html.matchAll(/<tr>\n<td class="n">(\d+)<\/td>/g)].map((m) => Number(m[1]));
}

Deno.test("the history lists changes newest first with seq and time, for a table or one row", async () => {
  using ldb = demoLdb();
  const seq = ldb.upsert("demo", "users", USERS, [1, "renamed", null, 2]);
  await using site = await serveConsole({ ldbPath: ldb.path });
  const table = (await site.fetch("/families/demo/tables/users/history")).text;
  const seqs = seqsOf(table);
  assert.equal(seqs[0], seq);
  assert.deepEqual(seqs, seqs.toSorted((a, b) => b - a));
  assert.equal(seqs.length, 4, "the create, two upserts of id 1 and one of the big id");
  assert.match(table, /<time datetime="\d{4}-\d\d-\d\dT/);
  const row = (await site.fetch("/families/demo/tables/users/row?k=1")).text;
  assert.deepEqual(seqsOf(row), [seq, seqs[2]]);
  assert.match(row, /data-key="\{&quot;id&quot;:1\}"/);
});

Deno.test("the console streams the new changes of its LDB at /watch", async () => {
  using ldb = demoLdb();
  await using site = await serveConsole({ ldbPath: ldb.path });
  const response = await fetch(`${site.url}/watch?family=demo&table=users&after=${ldb.seq}`);
  assert.equal(response.headers.get("content-type"), "text/event-stream");
  const seq = ldb.upsert("demo", "users", USERS, [7, "new", null, null]);
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
  let text = "";
  while (!text.includes("event: change")) text += (await reader.read()).value ?? "";
  await reader.cancel();
  assert.match(text, new RegExp(`data: \\{"seq":${seq},"family":"demo","table":"users"`));
  const bad = await site.fetch("/watch?family=No!");
  assert.equal(bad.status, 400);
});

Deno.test("a watch from a seq the history no longer holds answers 410 saying so", async () => {
  using ldb = historyLdb(2);
  ldb.createTable("demo", "users", USERS, ["id"]);
  for (let id = 1; id <= 5; id++) ldb.upsert("demo", "users", USERS, [id, "x", null, null]);
  await using site = await serveConsole({ ldbPath: ldb.path });
  const gone = await site.fetch("/watch?family=demo&after=1");
  assert.equal(gone.status, 410);
  assert.match(gone.text, /no longer retained/);
  const history = await site.fetch("/families/demo/tables/users/history");
  assert.equal(history.status, 200);
  assert.match(history.text, /the start of the retained history/);
});

Deno.test("a console whose LDB does not exist yet says where it looked", async () => {
  await using dir = await tempDir();
  await using site = await serveConsole({ ldbPath: `${dir.path}/ldb.db` });
  const { status, text } = await site.fetch("/");
  assert.equal(status, 503);
  assert.ok(text.includes(`No LDB at ${dir.path}/ldb.db yet`), text);
  assert.match(text, /no LDB<\/span>/);
});

Deno.test("an executive that does not answer is named on the pages that need it", async () => {
  using ldb = demoLdb();
  const executive = `http://127.0.0.1:${freePort()}`;
  await using site = await serveConsole({ ldbPath: ldb.path, executiveUrl: executive });
  const limits = await site.fetch("/limits");
  assert.equal(limits.status, 200);
  assert.ok(limits.text.includes(`The executive at ${executive} did not answer`), limits.text);
  const family = await site.fetch("/families/demo");
  assert.equal(family.status, 200);
  assert.ok(family.text.includes("did not answer"));
});

Deno.test("a read-only console refuses an admin action and says how to enable it", async () => {
  using ldb = demoLdb();
  await using site = await serveConsole({ ldbPath: ldb.path });
  const form = await site.fetch("/families/demo/tables/users/clear");
  assert.match(form.text, /This console is read-only/);
  const refused = await site.fetch("/families/demo/tables/users/clear", {
    method: "POST",
    body: new URLSearchParams({ confirm: "users", token: "guess" }),
  });
  assert.equal(refused.status, 403);
  assert.match(refused.text, /admin actions are disabled, this console is read-only/);
});

Deno.test("assets are served with their types and revalidated by ETag", async () => {
  using ldb = demoLdb();
  await using site = await serveConsole({ ldbPath: ldb.path });
  const types: [string, string][] = [
    ["console.css", "text/css; charset=utf-8"],
    ["console.js", "text/javascript; charset=utf-8"],
    ["uplot.js", "text/javascript; charset=utf-8"],
    ["uplot.css", "text/css; charset=utf-8"],
  ];
  for (const [name, type] of types) {
    const response = await fetch(`${site.url}/assets/${name}`);
    assert.ok((await response.text()).length > 100, name);
    assert.equal(response.headers.get("content-type"), type);
    const again = await fetch(`${site.url}/assets/${name}`, {
      headers: { "if-none-match": response.headers.get("etag")! },
    });
    await again.body?.cancel();
    assert.equal(again.status, 304, name);
  }
  assert.equal((await site.fetch("/assets/nope.js")).status, 404);
});

Deno.test("the overview lists every family table with its key, row count and size", async () => {
  using ldb = demoLdb();
  await using site = await serveConsole({ ldbPath: ldb.path });
  const { text } = await site.fetch("/");
  for (const table of ["users", "members", "odd"]) {
    assert.match(text, new RegExp(`href="/families/demo/tables/${table}">${table}</a>`));
  }
  assert.match(text, /title="counted at seq \d+, [^"]+ ago">120<\/span>/);
  assert.match(text, /<span class="num">\d+(\.\d)? KiB<\/span>/);
});
