import assert from "node:assert/strict";
import { freePort } from "../_helpers/process.ts";
import { ctl } from "./_cli.ts";

/** A server answering `/ok` 200 and `/starting` 503, each with a one-line reason. */
function healthServer() {
  return Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, (request) => {
    const path = new URL(request.url).pathname;
    if (path === "/ok") return new Response("ok: LDB at seq 7\n");
    if (path === "/starting") {
      return new Response("waiting for LDB /var/spool/ctlstore/ldb.db\n", { status: 503 });
    }
    return new Response("404 page not found\n", { status: 404 });
  });
}

Deno.test("healthcheck exits 0 on a 2xx answer and prints it", async () => {
  await using server = healthServer();
  const url = `http://127.0.0.1:${server.addr.port}/ok`;
  assert.deepEqual(await ctl(["healthcheck", "-url", url]), {
    code: 0,
    stdout: `${url} answered 200: ok: LDB at seq 7\n`,
    stderr: "",
  });
});

Deno.test("healthcheck exits 1 with one line naming the URL and the status or the cause", async () => {
  await using server = healthServer();
  const base = `http://127.0.0.1:${server.addr.port}`;
  const closed = `http://127.0.0.1:${freePort()}/healthz`;
  const cases: [string, string][] = [
    [
      `${base}/starting`,
      `${base}/starting answered 503: waiting for LDB /var/spool/ctlstore/ldb.db`,
    ],
    [`${base}/nope`, `${base}/nope answered 404: 404 page not found`],
    [closed, `cannot reach ${closed}: connection refused`],
    [
      "http://ctlstore-test.invalid/healthz",
      "cannot reach http://ctlstore-test.invalid/healthz: host not found (DNS lookup failed)",
    ],
  ];
  for (const [url, line] of cases) {
    assert.deepEqual(
      await ctl(["healthcheck", "-url", url]),
      { code: 1, stdout: "", stderr: `error: ${line}\n` },
      url,
    );
  }
});

Deno.test("healthcheck gives up after -timeout on a server that does not answer", async () => {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const held: Deno.Conn[] = [];
  const accepting = (async () => {
    for await (const connection of listener) held.push(connection);
  })();
  try {
    const url = `http://127.0.0.1:${(listener.addr as Deno.NetAddr).port}/healthz`;
    assert.deepEqual(await ctl(["healthcheck", "-url", url, "-timeout", "300ms"]), {
      code: 1,
      stdout: "",
      stderr: `error: cannot reach ${url}: timed out after 300ms\n`,
    });
  } finally {
    listener.close();
    await accepting.catch(() => {});
    held.forEach((connection) => connection.close());
  }
});

Deno.test("healthcheck takes its URL from CTLSTORE_HEALTHCHECK_URL and refuses bad flags", async () => {
  await using server = healthServer();
  const url = `http://127.0.0.1:${server.addr.port}/ok`;
  const fromEnv = await ctl(["healthcheck"], { CTLSTORE_HEALTHCHECK_URL: url });
  assert.equal(fromEnv.code, 0, fromEnv.stderr);
  const help = "(see ctlstore healthcheck --help)\n";
  const cases: [string[], string][] = [
    [[], `ctlstore healthcheck: missing required flag -url ${help}`],
    [
      ["-url", "127.0.0.1:1331/healthz"],
      "ctlstore healthcheck: invalid value passed to -url: '127.0.0.1:1331/healthz' " +
      `(must be an http:// or https:// URL) ${help}`,
    ],
    [
      ["-url", url, "-timeout", "0s"],
      `ctlstore healthcheck: invalid value passed to -timeout: '0s' (must be positive) ${help}`,
    ],
  ];
  for (const [args, stderr] of cases) {
    assert.deepEqual(
      await ctl(["healthcheck", ...args]),
      { code: 1, stdout: "", stderr },
      args.join(" "),
    );
  }
});
