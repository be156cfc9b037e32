import assert from "node:assert/strict";
import { startExecutive } from "../../lib/executive/mod.ts";
import { createLogger } from "../../lib/log/mod.ts";
import { tempDir } from "../_helpers/temp.ts";

const encoder = new TextEncoder();

/** An executive on a fresh SQLite ctldb whose log lines are kept. */
async function executive(config: { readTimeoutMs?: number; idleTimeoutMs?: number }) {
  const dir = await tempDir();
  const lines: string[] = [];
  const service = await startExecutive({
    bind: "127.0.0.1:0",
    ctldb: `sqlite:${dir.path}/ctldb.db`,
    logger: createLogger("executive", { debug: true, write: (line) => lines.push(line) }),
    ...config,
  });
  return {
    port: service.address!.port,
    lines,
    async [Symbol.asyncDispose]() {
      await service.stop();
      await dir[Symbol.asyncDispose]();
    },
  };
}

/** Reads one response with a Content-Length body, or what arrived before the close. */
async function readResponse(conn: Deno.Conn): Promise<string> {
  const buffer = new Uint8Array(4096);
  let text = "";
  while (true) {
    const n = await conn.read(buffer).catch(() => null);
    if (n === null) return text;
    text += new TextDecoder().decode(buffer.subarray(0, n));
    const end = text.indexOf("\r\n\r\n");
    const length = /content-length: (\d+)/i.exec(text);
    if (end >= 0 && length && text.length - end - 4 >= Number(length[1])) return text;
  }
}

Deno.test("a request body trickled slower than the read timeout answers 408, not 503", async () => {
  await using exec = await executive({ readTimeoutMs: 300 });
  const conn = await Deno.connect({ hostname: "127.0.0.1", port: exec.port });
  const trickle = setInterval(() => conn.write(encoder.encode(" ")).catch(() => {}), 100);
  try {
    await conn.write(encoder.encode(
      "POST /families/myfamily/mutations HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n" +
        "ctlstore-writer: w\r\nctlstore-secret: s\r\n\r\n{",
    ));
    const answer = await readResponse(conn);
    assert.match(answer, /^HTTP\/1\.1 408 /);
    assert.match(answer, /request body read timed out/);
  } finally {
    clearInterval(trickle);
    conn.close();
  }
  assert.ok(!exec.lines.some((line) => line.includes(" ERROR ")), exec.lines.join("\n"));
});

Deno.test("a client that hangs up mid-body is logged as a client disconnect, not as an error", async () => {
  await using exec = await executive({});
  const conn = await Deno.connect({ hostname: "127.0.0.1", port: exec.port });
  await conn.write(encoder.encode(
    "POST /families/myfamily/tables/t HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n{",
  ));
  await new Promise((resolve) => setTimeout(resolve, 100));
  conn.close();
  let metrics = "";
  for (let i = 0; i < 50 && !/kind="client-disconnect"/.test(metrics); i++) {
    await new Promise((resolve) => setTimeout(resolve, 20));
    metrics = await fetch(`http://127.0.0.1:${exec.port}/metrics`).then((r) => r.text());
  }
  assert.match(metrics, /errors_total\{[^}]*kind="client-disconnect"[^}]*\} 1/);
  assert.ok(
    exec.lines.some((line) =>
      / DEBUG .*client disconnected before sending its request body/.test(line)
    ),
    exec.lines.join("\n"),
  );
  assert.ok(!exec.lines.some((line) => line.includes(" ERROR ")), exec.lines.join("\n"));
});

Deno.test("the executive closes connections that stay idle past its idle timeout", async () => {
  await using exec = await executive({ idleTimeoutMs: 300 });
  const conn = await Deno.connect({ hostname: "127.0.0.1", port: exec.port });
  try {
    await conn.write(encoder.encode("GET /status HTTP/1.1\r\nHost: x\r\n\r\n"));
    const answer = await readResponse(conn);
    assert.match(answer, /^HTTP\/1\.1 200 /);
    // The answer is complete; the next read only ends when the server closes the connection.
    assert.equal(await conn.read(new Uint8Array(16)), null);
  } finally {
    conn.close();
  }
});
