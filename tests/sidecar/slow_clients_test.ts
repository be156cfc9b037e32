import assert from "node:assert/strict";
import { writeBigLdb } from "../_helpers/damaged_ldb.ts";
import { freePort, spawnCli } from "../_helpers/process.ts";
import { tempDir } from "../_helpers/temp.ts";

const CLIENTS = 20;
const LIMIT_BYTES = 200 * 1024 * 1024;

/** A field of `/proc/<pid>/status` in bytes (`VmHWM`: peak resident set, `VmRSS`: now). */
async function procStatusBytes(pid: number, field: "VmHWM" | "VmRSS"): Promise<number> {
  const status = await Deno.readTextFile(`/proc/${pid}/status`);
  const kib = new RegExp(`^${field}:\\s+(\\d+) kB$`, "m").exec(status)?.[1];
  assert.ok(kib, `no ${field} in /proc/${pid}/status`);
  return Number(kib) * 1024;
}

Deno.test({
  name: "20 clients that never read their large scans leave the sidecar's peak memory under 200 MB",
  ignore: Deno.build.os !== "linux",
  async fn() {
    await using dir = await tempDir();
    const path = `${dir.path}/ldb.db`;
    writeBigLdb(path, { rows: 100_000 }); // each scan's answer is about 11 MB of JSON
    const port = freePort();
    await using cli = await spawnCli(
      ["sidecar", "-ldb-path", path, "-bind-addr", `127.0.0.1:${port}`],
      { port },
    );
    const pid = cli.process.pid;
    const clients: Deno.TcpConn[] = [];
    try {
      const request = new TextEncoder().encode(
        "POST /get-rows-by-key-prefix/fam/big HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\n{}",
      );
      for (let i = 0; i < CLIENTS; i++) {
        const client = await Deno.connect({ hostname: "127.0.0.1", port });
        clients.push(client);
        await client.write(request); // and never read
      }
      // Each answer waits for its client until the write timeout aborts it (and says so).
      const aborted = new RegExp(
        `(aborted a streamed prefix scan[^\\n]*\\n[^]*){${CLIENTS}}`,
      );
      await cli.waitForOutput(aborted, 60_000);
      const peak = await procStatusBytes(pid, "VmHWM");
      assert.ok(
        peak < LIMIT_BYTES,
        `peak RSS ${Math.round(peak / 1048576)} MB (now ${
          Math.round((await procStatusBytes(pid, "VmRSS")) / 1048576)
        } MB)`,
      );
      // The sidecar still answers.
      const ping = await fetch(`http://127.0.0.1:${port}/ping`);
      assert.equal(ping.status, 200);
      await ping.body?.cancel();
    } finally {
      for (const client of clients) client.close();
    }
  },
});
