import assert from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import { Reader } from "../../lib/reader/mod.ts";
import { createSidecarHandler, type ScanReader } from "../../lib/sidecar/mod.ts";
import { encodeRows } from "../../lib/sidecar/row_json.ts";
import { eventually } from "../reflector/_fixtures.ts";
import { BIG_FAMILY, BIG_LDB_TABLE, BIG_TABLE, writeBigLdb } from "../_helpers/damaged_ldb.ts";
import { tempDir } from "../_helpers/temp.ts";
import { testSidecar } from "./_fixture.ts";

const PREFIX_PATH = `/get-rows-by-key-prefix/${BIG_FAMILY}/${BIG_TABLE}`;

/** The answer of a scan, as the buffered route wrote it before streaming existed. */
function bufferedAnswer(path: string, ...key: number[]): string {
  using reader = Reader.open(path);
  return encodeRows([...reader.getRowsByKeyPrefix(BIG_FAMILY, BIG_TABLE, ...key)]) + "\n";
}

/** A scan-reader opener that counts the readers it opens and closes. */
function countingOpener(path: string) {
  const counts = { opened: 0, closed: 0 };
  const open = (): ScanReader => {
    const reader = Reader.open(path);
    counts.opened++;
    return {
      getRowsByKeyPrefix: (family, table, ...key) =>
        reader.getRowsByKeyPrefix(family, table, ...key),
      close: () => {
        counts.closed++;
        reader.close();
      },
    };
  };
  return { counts, open };
}

function scanRequest(body = "{}"): Request {
  return new Request(`http://sidecar${PREFIX_PATH}`, { method: "POST", body });
}

Deno.test("a prefix scan larger than one chunk answers the same bytes as the buffered answer", async () => {
  await using dir = await tempDir();
  const path = `${dir.path}/ldb.db`;
  writeBigLdb(path, { rows: 20_000, rowsPerGroup: 10_000 });
  await using sidecar = await testSidecar(path);
  // The whole table, one key part's 10 000 rows, and a single row.
  for (const key of [[], [1], [0, 5]]) {
    const expected = bufferedAnswer(path, ...key);
    const response = await sidecar.post(PREFIX_PATH, { Key: key.map((Value) => ({ Value })) });
    assert.equal(response.status, 200);
    assert.equal(response.headers.get("content-type"), "application/json");
    assert.equal(response.headers.get("x-ctlstore-seq"), "1");
    assert.equal(await response.text(), expected, `key ${key}`);
  }
  assert.ok(bufferedAnswer(path, 1).length > 500_000);
});

Deno.test("a large scan is streamed from a reader of its own, closed when the answer ends", async () => {
  await using dir = await tempDir();
  const path = `${dir.path}/ldb.db`;
  writeBigLdb(path, { rows: 20_000 });
  using reader = Reader.open(path);
  const opener = countingOpener(path);
  const handler = createSidecarHandler(reader, { openScanReader: opener.open });
  const small = await handler(scanRequest('{"Key":[{"Value":0}]}'));
  assert.equal(await small.text(), bufferedAnswer(path, 0));
  assert.deepEqual(opener.counts, { opened: 0, closed: 0 });
  const large = await handler(scanRequest());
  assert.deepEqual(opener.counts, { opened: 1, closed: 0 });
  assert.equal(await large.text(), bufferedAnswer(path));
  assert.deepEqual(opener.counts, { opened: 1, closed: 1 });
});

Deno.test("-max-rows is checked before a large scan answers: 416 past it, 200 up to it", async () => {
  await using dir = await tempDir();
  const path = `${dir.path}/ldb.db`;
  writeBigLdb(path, { rows: 20_000, rowsPerGroup: 10_000 });
  const cases: [maxRows: number, key: number[], status: number][] = [
    [19_999, [], 416],
    [20_000, [], 200],
    [9_999, [1], 416],
    [10_000, [1], 200],
  ];
  for (const [maxRows, key, status] of cases) {
    await using sidecar = await testSidecar(path, { maxRows });
    const response = await sidecar.post(PREFIX_PATH, { Key: key.map((Value) => ({ Value })) });
    const name = `max rows ${maxRows}, key ${key}`;
    assert.equal(response.status, status, name);
    assert.equal(response.headers.get("x-ctlstore-seq"), "1", name);
    assert.equal(await response.text(), status === 416 ? "" : bufferedAnswer(path, ...key), name);
  }
});

Deno.test("a client that cancels a streamed scan releases its reader and its snapshot", async () => {
  await using dir = await tempDir();
  const path = `${dir.path}/ldb.db`;
  writeBigLdb(path, { rows: 20_000 });
  using reader = Reader.open(path);
  const opener = countingOpener(path);
  const handler = createSidecarHandler(reader, { openScanReader: opener.open });
  const response = await handler(scanRequest());
  const body = response.body!.getReader();
  assert.equal((await body.read()).done, false);
  await body.cancel();
  assert.deepEqual(opener.counts, { opened: 1, closed: 1 });
  // No snapshot is left behind: a write can be checkpointed and the WAL truncated.
  const writer = new DatabaseSync(path);
  try {
    writer.exec(`INSERT INTO ${BIG_LDB_TABLE} VALUES (999999, 1, 'late', 'row')`);
    const result = writer.prepare("PRAGMA wal_checkpoint(TRUNCATE)").get();
    assert.equal(result?.busy, 0);
  } finally {
    writer.close();
  }
});

Deno.test("a streamed scan whose client stops reading is aborted after the write timeout", async () => {
  await using dir = await tempDir();
  const path = `${dir.path}/ldb.db`;
  writeBigLdb(path, { rows: 20_000 });
  using reader = Reader.open(path);
  const opener = countingOpener(path);
  const handler = createSidecarHandler(reader, { openScanReader: opener.open, writeTimeoutMs: 50 });
  const response = await handler(scanRequest());
  const body = response.body!.getReader();
  assert.equal((await body.read()).done, false);
  await eventually("the stalled scan to be closed", () => opener.counts.closed === 1);
  await assert.rejects(
    async () => {
      while (!(await body.read()).done) { /* drain what was queued before the abort */ }
    },
    /the client read nothing for 50 ms/,
  );
});

Deno.test("stopping the sidecar ends streamed scans whose clients do not read", async () => {
  await using dir = await tempDir();
  const path = `${dir.path}/ldb.db`;
  writeBigLdb(path, { rows: 100_000 });
  const sidecar = await testSidecar(path, { shutdownTimeoutMs: 100, writeTimeoutMs: 600_000 });
  const connection = await Deno.connect({
    hostname: "127.0.0.1",
    port: sidecar.sidecar.address.port,
  });
  try {
    await connection.write(new TextEncoder().encode(
      `POST ${PREFIX_PATH} HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\n{}`,
    ));
    const head = new Uint8Array(1024);
    const read = await connection.read(head);
    assert.match(new TextDecoder().decode(head.subarray(0, read ?? 0)), /^HTTP\/1\.1 200 /);
    // The client reads nothing more; without the stop ending its scan, the timers and the
    // scan's reader would outlive the sidecar (the test's sanitizers would fail).
    await sidecar.sidecar.stop();
  } finally {
    connection.close();
  }
});

Deno.test("a handler without a scan reader answers a large scan buffered, with the same bytes", async () => {
  await using dir = await tempDir();
  const path = `${dir.path}/ldb.db`;
  writeBigLdb(path, { rows: 20_000 });
  using reader = Reader.open(path);
  const handler = createSidecarHandler(reader, { maxRows: 20_000 });
  const response = await handler(scanRequest());
  assert.equal(response.status, 200);
  assert.equal(await response.text(), bufferedAnswer(path));
  const tooMany = await createSidecarHandler(reader, { maxRows: 19_999 })(scanRequest());
  assert.equal(tooMany.status, 416);
  await tooMany.body?.cancel();
});
