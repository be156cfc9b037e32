import assert from "node:assert/strict";
import { escapeHtml, markup, SafeHtml } from "../../lib/console/html.ts";
import {
  formatBytes,
  formatDuration,
  hexGroups,
  renderTime,
  renderValue,
} from "../../lib/console/values.ts";

Deno.test("escapeHtml turns every character that can change HTML into an entity", () => {
  const cases: [string, string][] = [
    ["plain", "plain"],
    ["<script>alert(1)</script>", "&lt;script&gt;alert(1)&lt;/script&gt;"],
    [`"double" 'single'`, "&quot;double&quot; &#39;single&#39;"],
    ["a & b", "a &amp; b"],
    ["&amp; stays visible", "&amp;amp; stays visible"],
    ["ünïcödé 💥 日本", "ünïcödé 💥 日本"],
    ["", ""],
  ];
  for (const [input, expected] of cases) assert.equal(escapeHtml(input), expected, input);
});

Deno.test("markup escapes every interpolated value and keeps nested markup", () => {
  const hostile = `"><img src=x onerror=alert(1)>`;
  const inner = markup`<b>${hostile}</b>`;
  const out = markup`<a title="${hostile}">${inner}${[hostile, markup`<i>ok</i>`]}</a>`.toString();
  assert.equal(
    out,
    '<a title="&quot;&gt;&lt;img src=x onerror=alert(1)&gt;"><b>&quot;&gt;&lt;img src=x ' +
      "onerror=alert(1)&gt;</b>&quot;&gt;&lt;img src=x onerror=alert(1)&gt;<i>ok</i></a>",
  );
});

Deno.test("markup renders null, undefined and false as nothing, numbers and bigints as digits", () => {
  assert.equal(
    markup`[${null}${undefined}${false}${0}${9007199254740993n}${true}]`.toString(),
    "[09007199254740993true]",
  );
});

Deno.test("SafeHtml cannot be made from a string outside the markup template", () => {
  assert.throws(() => new SafeHtml(Symbol("SafeHtml"), "<script>"), TypeError);
});

Deno.test("values render exactly: 64-bit integers, blobs as hex and base64, NULL, escaped text", () => {
  assert.equal(
    renderValue(9007199254740993n).toString(),
    '<span class="num">9007199254740993</span>',
  );
  assert.equal(
    renderValue(-9223372036854775808n).toString().includes("-9223372036854775808"),
    true,
  );
  assert.equal(renderValue(null).toString(), '<span class="null">NULL</span>');
  const blob = renderValue(new Uint8Array([0xde, 0xad, 0xbe, 0xef, 0x01])).toString();
  assert.match(blob, /<code class="hex">dead beef 01<\/code>/);
  assert.match(blob, /<code class="b64">3q2\+7wE=<\/code>/);
  assert.match(blob, /5 bytes/);
  assert.equal(
    renderValue("<script>alert('x')</script>").toString(),
    '<span class="str">&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;</span>',
  );
});

Deno.test("short values cut long strings and blobs and keep the whole value in the title", () => {
  const long = "x".repeat(130) + "<";
  const cell = renderValue(long, { short: true }).toString();
  assert.match(cell, /title="x{130}&lt;"/);
  assert.match(cell, />x{120}…<\/span>$/);
  const bytes = new Uint8Array(40).fill(0xab);
  const blobCell = renderValue(bytes, { short: true }).toString();
  assert.match(blobCell, /title="40 bytes; base64: [^"]+"/);
  assert.match(blobCell, /…<\/code>$/);
});

Deno.test("sizes, durations and times read as people write them", () => {
  assert.equal(formatBytes(512), "512 B");
  assert.equal(formatBytes(1536), "1.5 KiB");
  assert.equal(formatBytes(50 * 1024 * 1024), "50 MiB");
  assert.equal(formatDuration(850), "850 ms");
  assert.equal(formatDuration(1234), "1.23 s");
  assert.equal(formatDuration(245_000), "4 min 5 s");
  assert.equal(formatDuration(7_800_000), "2 h 10 min");
  assert.equal(hexGroups(new Uint8Array([1, 2, 3])), "0102 03");
  assert.equal(
    renderTime(new Date(0), 1500).toString(),
    '<time datetime="1970-01-01T00:00:00.000Z" title="1.50 s ago">1970-01-01 00:00:00.000Z</time>',
  );
});
