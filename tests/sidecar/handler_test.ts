import assert from "node:assert/strict";
import { LdbTestUtil } from "../../lib/reader/mod.ts";
import { MAX_REQUEST_BODY_BYTES } from "../../lib/schema/mod.ts";
import { populatedLdb, testSidecar } from "./_fixture.ts";

async function expectAnswer(
  response: Response,
  status: number,
  body: string,
  name = "",
): Promise<void> {
  assert.equal(await response.text(), body, name);
  assert.equal(response.status, status, name);
}

Deno.test("get-row-by-key answers the row as a JSON object with sorted keys and a newline", async () => {
  using ldb = populatedLdb();
  await using sidecar = await testSidecar(ldb.path);
  const response = await sidecar.post("/get-row-by-key/fam/users", { Key: [{ Value: 1 }] });
  await expectAnswer(
    response,
    200,
    '{"data":"3q2+7w==","id":1,"name":"\\u003cada\\u003e \\u0026 co","score":1.5}\n',
  );
});

Deno.test("get-row-by-key matches field names case-insensitively and normalizes names", async () => {
  using ldb = populatedLdb();
  await using sidecar = await testSidecar(ldb.path);
  for (const body of ['{"key":[{"value":1}]}', '{"KEY":[{"VaLuE":1}]}', '{"Key":[{"Value":1}]}']) {
    const response = await sidecar.post("/get-row-by-key/FAM/Users", body);
    assert.equal(response.status, 200, body);
    assert.equal((JSON.parse(await response.text()) as { id: number }).id, 1, body);
  }
});

Deno.test("get-row-by-key keeps 64-bit integers exact in keys and values", async () => {
  using ldb = populatedLdb();
  await using sidecar = await testSidecar(ldb.path);
  const cases: [string, string][] = [
    [
      '{"Key":[{"Value":9007199254740993}]}',
      '{"data":null,"id":9007199254740993,"name":"big","score":null}\n',
    ],
    [
      '{"Key":[{"Value":-9223372036854775808}]}',
      '{"data":"","id":-9223372036854775808,"name":"min","score":1e+21}\n',
    ],
  ];
  for (const [body, expected] of cases) {
    await expectAnswer(await sidecar.post("/get-row-by-key/fam/users", body), 200, expected, body);
  }
});

Deno.test("get-row-by-key reads binary keys from Binary base64 or from a string Value", async () => {
  using ldb = populatedLdb();
  await using sidecar = await testSidecar(ldb.path);
  const cases: [unknown, string][] = [
    [{ Key: [{ Binary: "AAEC" }] }, '{"key":"AAEC","note":"raw bytes"}\n'],
    [{ Key: [{ Value: "abc" }] }, '{"key":"YWJj","note":"text key"}\n'],
    [{ Key: [{ Value: "ignored", Binary: "YWJj" }] }, '{"key":"YWJj","note":"text key"}\n'],
    [{ Key: [{ Value: "abc", Binary: null }] }, '{"key":"YWJj","note":"text key"}\n'],
  ];
  for (const [body, expected] of cases) {
    const name = JSON.stringify(body);
    await expectAnswer(await sidecar.post("/get-row-by-key/fam/blobs", body), 200, expected, name);
  }
});

Deno.test("get-row-by-key of a missing row answers 404 with X-Ctlstore: Not Found and no body", async () => {
  using ldb = populatedLdb();
  await using sidecar = await testSidecar(ldb.path);
  const response = await sidecar.post("/get-row-by-key/fam/users", { Key: [{ Value: 42 }] });
  await expectAnswer(response, 404, "");
  assert.equal(response.headers.get("x-ctlstore"), "Not Found");
});

Deno.test("read routes answer client mistakes with 4xx and the reason", async () => {
  using ldb = populatedLdb();
  await using sidecar = await testSidecar(ldb.path);
  const cases: [string, string, unknown, number, string][] = [
    [
      "unknown table",
      "/get-row-by-key/fam/nope",
      { Key: [{ Value: 1 }] },
      404,
      "Table not found\n",
    ],
    [
      "unknown table, prefix",
      "/get-rows-by-key-prefix/fam/nope",
      {},
      404,
      "Table not found\n",
    ],
    [
      "invalid family",
      "/get-row-by-key/f/users",
      { Key: [{ Value: 1 }] },
      400,
      "Family names must be at least 3 characters\n",
    ],
    [
      "invalid table",
      "/get-row-by-key/fam/a-b",
      { Key: [{ Value: 1 }] },
      400,
      "Table names must be only letters, numbers, and single underscore\n",
    ],
    [
      "too few key parts",
      "/get-row-by-key/fam/members",
      { Key: [{ Value: "a" }] },
      400,
      "All primary key fields are required\n",
    ],
    [
      "too many key parts",
      "/get-row-by-key/fam/users",
      { Key: [{ Value: 1 }, { Value: 2 }] },
      400,
      "too many keys supplied for table's primary key\n",
    ],
    [
      "too many prefix parts",
      "/get-rows-by-key-prefix/fam/users",
      { Key: [{ Value: 1 }, { Value: 2 }] },
      400,
      "too many keys supplied for table's primary key\n",
    ],
    ["malformed JSON", "/get-row-by-key/fam/users", "{", 400, ""],
    ["empty body", "/get-row-by-key/fam/users", "", 400, "decode body: EOF\n"],
    [
      "body not an object",
      "/get-row-by-key/fam/users",
      "[1]",
      400,
      "decode body: expected a JSON object\n",
    ],
    [
      "Key not an array",
      "/get-row-by-key/fam/users",
      { Key: 1 },
      400,
      "decode body: Key must be an array\n",
    ],
    [
      "key part not an object",
      "/get-row-by-key/fam/users",
      { Key: [1] },
      400,
      "decode body: Key[0] must be an object with Value or Binary\n",
    ],
    [
      "object Value",
      "/get-row-by-key/fam/users",
      { Key: [{ Value: { a: 1 } }] },
      400,
      "decode body: Key[0].Value must be a string, number, boolean or null\n",
    ],
    [
      "bad base64",
      "/get-row-by-key/fam/blobs",
      { Key: [{ Binary: "A" }] },
      400,
      "decode body: Key[0].Binary is not valid base64\n",
    ],
    [
      "integer key above int64",
      "/get-row-by-key/fam/users",
      '{"key":[{"value":9223372036854775808}]}',
      400,
      "key part 9223372036854775808 is outside the range of a 64-bit integer\n",
    ],
    [
      "integer prefix below int64",
      "/get-rows-by-key-prefix/fam/users",
      '{"key":[{"value":-9223372036854775809}]}',
      400,
      "key part -9223372036854775809 is outside the range of a 64-bit integer\n",
    ],
  ];
  for (const [name, path, body, status, text] of cases) {
    const response = await sidecar.post(path, body);
    const answer = await response.text();
    assert.equal(response.status, status, name);
    assert.equal(response.headers.get("x-ctlstore"), null, name);
    if (text) assert.equal(answer, text, name);
    else assert.match(answer, /^decode body: .+\n$/, name);
  }
});

Deno.test("a body over 1 MiB answers 413", async () => {
  using ldb = populatedLdb();
  await using sidecar = await testSidecar(ldb.path);
  const body = `{"Key":[{"Value":"${"x".repeat(MAX_REQUEST_BODY_BYTES)}"}]}`;
  await expectAnswer(
    await sidecar.post("/get-row-by-key/fam/users", body),
    413,
    "Request too large\n",
  );
});

Deno.test("get-rows-by-key-prefix answers the matching rows in key order", async () => {
  using ldb = populatedLdb();
  await using sidecar = await testSidecar(ldb.path);
  const path = "/get-rows-by-key-prefix/fam/members";
  const cases: [unknown, string][] = [
    [
      { Key: [{ Value: "a" }] },
      '[{"id":1,"role":"owner","team":"a"},{"id":2,"role":"member","team":"a"},' +
      '{"id":3,"role":"member","team":"a"}]\n',
    ],
    [{ Key: [{ Value: "a" }, { Value: 2 }] }, '[{"id":2,"role":"member","team":"a"}]\n'],
    [{ Key: [{ Value: "zzz" }] }, "[]\n"],
    [{ key: null }, ""],
    [{}, ""],
  ];
  for (const [body, expected] of cases) {
    const response = await sidecar.post(path, body);
    const text = await response.text();
    assert.equal(response.status, 200, JSON.stringify(body));
    if (expected) assert.equal(text, expected, JSON.stringify(body));
    else assert.equal((JSON.parse(text) as unknown[]).length, 4, JSON.stringify(body));
  }
});

Deno.test("get-rows-by-key-prefix answers 416 with no body past -max-rows", async () => {
  using ldb = populatedLdb();
  await using sidecar = await testSidecar(ldb.path, { maxRows: 3 });
  const path = "/get-rows-by-key-prefix/fam/members";
  await expectAnswer(await sidecar.post(path, {}), 416, "");
  const three = await sidecar.post(path, { Key: [{ Value: "a" }] });
  assert.equal(three.status, 200);
  assert.equal((JSON.parse(await three.text()) as unknown[]).length, 3);
});

Deno.test("get-ledger-latency, healthcheck and ping answer once the ledger has an update", async () => {
  using ldb = populatedLdb();
  await using sidecar = await testSidecar(ldb.path);
  const latency = await sidecar.get("/get-ledger-latency");
  const text = await latency.text();
  assert.equal(latency.status, 200);
  assert.match(text, /^\{"unit":"seconds","value":[0-9.e+-]+\}\n$/);
  const { value } = JSON.parse(text) as { value: number };
  assert.ok(value >= 0 && value < 3600, text);
  for (const path of ["/healthcheck", "/ping"]) {
    await expectAnswer(await sidecar.get(path), 200, "", path);
  }
});

Deno.test("/healthz answers 200 with the LDB's applied seq, also before any ledger update", async () => {
  using ldb = LdbTestUtil.create();
  await using sidecar = await testSidecar(ldb.path);
  await expectAnswer(await sidecar.get("/healthz"), 200, "ok: LDB at seq 0\n");
});

Deno.test("get-ledger-latency, healthcheck and ping answer 500 before any ledger update", async () => {
  using ldb = LdbTestUtil.create();
  await using sidecar = await testSidecar(ldb.path);
  const missing = "no ledger updates have been received yet\n";
  await expectAnswer(
    await sidecar.get("/get-ledger-latency"),
    500,
    `get ledger latency: ${missing}`,
  );
  await expectAnswer(await sidecar.get("/healthcheck"), 500, `healthcheck: ${missing}`);
  await expectAnswer(await sidecar.get("/ping"), 500, `healthcheck: ${missing}`);
});

Deno.test("unknown routes answer 404 page not found and known routes with another method 405", async () => {
  using ldb = populatedLdb();
  await using sidecar = await testSidecar(ldb.path);
  const cases: [string, string, number, string][] = [
    ["GET", "/nope", 404, "404 page not found\n"],
    ["POST", "/get-row-by-key/fam", 404, "404 page not found\n"],
    ["POST", "/get-row-by-key/fam/users/extra", 404, "404 page not found\n"],
    ["GET", "/get-row-by-key/fam/users", 405, ""],
    ["POST", "/ping", 405, ""],
    ["PUT", "/get-rows-by-key-prefix/fam/users", 405, ""],
  ];
  for (const [method, path, status, body] of cases) {
    const response = await fetch(sidecar.url + path, { method });
    await expectAnswer(response, status, body, `${method} ${path}`);
  }
});

Deno.test("a body that does not arrive in time answers 408", async () => {
  using ldb = populatedLdb();
  await using sidecar = await testSidecar(ldb.path, { readTimeoutMs: 100 });
  const { port } = new URL(sidecar.url);
  const connection = await Deno.connect({ hostname: "127.0.0.1", port: Number(port) });
  try {
    const request = "POST /get-row-by-key/fam/users HTTP/1.1\r\nHost: x\r\n" +
      "Content-Length: 100\r\n\r\n{";
    await connection.write(new TextEncoder().encode(request));
    const buffer = new Uint8Array(4096);
    const n = await connection.read(buffer);
    assert.match(new TextDecoder().decode(buffer.subarray(0, n ?? 0)), /^HTTP\/1\.1 408 /);
  } finally {
    connection.close();
  }
});
