import { deepStrictEqual as assertEquals, ok } from "node:assert/strict";
import { type Ctldb, openCtldb } from "../../lib/ctldb/mod.ts";
import { startExecutive } from "../../lib/executive/mod.ts";
import { getLdbSeq, openLdbForRead } from "../../lib/ldb/mod.ts";
import { startReflector } from "../../lib/reflector/mod.ts";
import { everyServerTest, SERVER_CTLDBS, type ServerCtldb } from "../_helpers/server_ctldbs.ts";
import { tempDir } from "../_helpers/temp.ts";
import { ldbRows, ldbTables } from "./_fixtures.ts";

const WRITER = { "ctlstore-writer": "parity", "ctlstore-secret": "parity-secret" };

/** `[method, path, body]`: bodies are raw text so integers beyond 2^53 keep their digits. */
const REQUESTS: [string, string, string?][] = [
  ["POST", "/families/parity"],
  ["POST", "/writers/parity", "parity-secret"],
  [
    "POST",
    "/families/parity/tables/everything",
    JSON.stringify({
      fields: [
        ["s", "string"],
        ["i", "integer"],
        ["d", "decimal"],
        ["t", "text"],
        ["b", "binary"],
        ["y", "bytestring"],
      ],
      keyFields: ["s", "i"],
    }),
  ],
  [
    "POST",
    "/families/parity/tables/plain",
    JSON.stringify({ fields: [["id", "integer"], ["name", "string"]], keyFields: ["id"] }),
  ],
  [
    "POST",
    "/families/parity/mutations",
    `{"mutations": [
      {"table": "everything", "values": {"s": "a", "i": 9223372036854775807, "d": 1.5,
        "t": "ünï©ødé 🎉", "b": "3q2+7w==", "y": "AAEC/w=="}},
      {"table": "everything", "values": {"s": "it's \\\\ \\"q\\"", "i": -9007199254740993,
        "d": 1e21, "t": null, "b": null, "y": null}},
      {"table": "plain", "values": {"id": 1, "name": "one"}},
      {"table": "plain", "values": {"id": 2, "name": "two"}}
    ]}`,
  ],
  // One key written twice in one request: the last write wins everywhere.
  [
    "POST",
    "/families/parity/mutations",
    `{"mutations": [
      {"table": "plain", "values": {"id": 3, "name": "first"}},
      {"table": "plain", "values": {"id": 3, "name": "second"}},
      {"table": "everything", "values": {"s": "a", "i": 9223372036854775807, "d": -0.0001,
        "t": "", "b": "", "y": ""}}
    ]}`,
  ],
  [
    "POST",
    "/families/parity/mutations",
    `{"mutations": [{"table": "plain", "delete": true, "values": {"id": 1}}]}`,
  ],
  ["PUT", "/families/parity/tables/plain", JSON.stringify({ fields: [["extra", "text"]] })],
  [
    "POST",
    "/families/parity/mutations",
    `{"mutations": [{"table": "plain", "values": {"id": 4, "name": "four", "extra": "x'); --"}}]}`,
  ],
  [
    "POST",
    "/families/parity/tables/doomed",
    JSON.stringify({ fields: [["k", "string"]], keyFields: ["k"] }),
  ],
  [
    "POST",
    "/families/parity/mutations",
    `{"mutations": [{"table": "doomed", "values": {"k": "gone soon"}}]}`,
  ],
  ["DELETE", "/families/parity/tables/doomed"],
  ["DELETE", "/clear-rows/families/parity/tables/everything"],
  [
    "POST",
    "/families/parity/mutations",
    `{"mutations": [{"table": "everything", "values": {"s": "after clear", "i": 0, "d": 0,
      "t": "t", "b": null, "y": "/w=="}}]}`,
  ],
];

/** Runs the request sequence against an executive on `server` and reflects it into an LDB. */
async function buildLdb(server: ServerCtldb, ldbPath: string) {
  await using database = await server.fresh();
  const executive = await startExecutive({
    bind: "127.0.0.1:0",
    ctldb: database.dsn,
    enableDestructiveSchemaChanges: true,
  });
  let ctldb: Ctldb | undefined;
  try {
    const base = `http://127.0.0.1:${executive.address!.port}`;
    for (const [method, path, body] of REQUESTS) {
      const isMutation = path.endsWith("/mutations");
      const response = await fetch(base + path, {
        method,
        body: body ?? null,
        headers: isMutation ? WRITER : {},
      });
      const text = await response.text();
      assertEquals(response.status, 200, `${server.name} ${method} ${path}: ${text}`);
    }
    ctldb = await openCtldb(database.dsn);
    const ledger = (await ctldb.readLedger(0, 1000)).map((e) => [e.seq, e.statement]);
    const reflector = await startReflector({
      ldbPath,
      upstreamDriver: server.driver,
      upstreamDsn: database.dsn,
      pollIntervalMs: 20,
    });
    try {
      await reflector.waitForSeq(await ctldb.maxLedgerSeq(), AbortSignal.timeout(15_000));
    } finally {
      await reflector.stop();
    }
    const ctldbRows = new Map<string, unknown[]>();
    for (const table of await ctldb.listFamilyTables()) {
      const rows = await ctldb.query<Record<string, unknown>>(`SELECT * FROM ${table}`);
      ctldbRows.set(table, rows.map(plain).sort(byJson));
    }
    return { ledger, ctldbRows };
  } finally {
    await ctldb?.close();
    await executive.stop();
  }
}

/** A row with bytes as plain arrays and integers as bigints, comparable across drivers. */
function plain(row: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(row).map(([key, value]) => [
      key,
      value instanceof Uint8Array
        ? [...value]
        : typeof value === "number" && Number.isInteger(value)
        ? BigInt(value)
        : value,
    ]),
  );
}

function byJson(a: unknown, b: unknown): number {
  const text = (v: unknown) => JSON.stringify(v, (_, x) => typeof x === "bigint" ? `${x}n` : x);
  return text(a) < text(b) ? -1 : text(a) > text(b) ? 1 : 0;
}

everyServerTest(
  "the LDB built from a PostgreSQL ctldb is row for row and seq for seq the one built from MySQL",
  async () => {
    await using dir = await tempDir();
    const built = [];
    for (const server of SERVER_CTLDBS) {
      const ldbPath = `${dir.path}/${server.name}.db`;
      built.push({ server, ldbPath, ...await buildLdb(server, ldbPath) });
    }
    const [mysql, postgres] = built;
    // The same ledger, statement for statement and seq for seq.
    ok(mysql!.ledger.length > REQUESTS.length, "the sequence wrote a ledger");
    assertEquals(postgres!.ledger, mysql!.ledger);
    // The same ctldb rows.
    assertEquals([...mysql!.ctldbRows.keys()], ["parity___everything", "parity___plain"]);
    assertEquals(mysql!.ctldbRows.get("parity___plain")?.length, 3);
    assertEquals(postgres!.ctldbRows, mysql!.ctldbRows);
    // The same LDB: every table but the `_ldb_` bookkeeping, row for row, and the same seq.
    const tables = ldbTables(mysql!.ldbPath).filter((t) => !t.startsWith("_ldb"));
    assertEquals(ldbTables(postgres!.ldbPath).filter((t) => !t.startsWith("_ldb")), tables);
    ok(tables.includes("parity___everything") && !tables.includes("parity___doomed"));
    for (const table of tables) {
      assertEquals(ldbRows(postgres!.ldbPath, table), ldbRows(mysql!.ldbPath, table), table);
    }
    const seqOf = (path: string) => {
      const ldb = openLdbForRead(path);
      try {
        return getLdbSeq(ldb);
      } finally {
        ldb.close();
      }
    };
    assertEquals(seqOf(postgres!.ldbPath), seqOf(mysql!.ldbPath));
    assertEquals(seqOf(mysql!.ldbPath), mysql!.ledger.at(-1)![0]);
  },
);
