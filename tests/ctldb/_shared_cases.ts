/**
 * Behaviour every ctldb adapter must share, registered once per adapter by mysql_test.ts,
 * postgres_test.ts and sqlite_test.ts. Nothing here names a dialect: differences are asked of
 * the adapter's capabilities.
 *
 * @module
 */
import assert from "node:assert/strict";
import {
  type Ctldb,
  type CtldbErrorKind,
  isCtldbError,
  isDuplicateKeyError,
  isTableExistsError,
} from "../../lib/ctldb/mod.ts";
import { createTableSql, type FieldDef } from "../../lib/schema/mod.ts";

/** One column of every field type (`s` and `i` make a key). */
const ALL_TYPES: FieldDef[] = [
  { name: "s", type: "string" },
  { name: "i", type: "integer" },
  { name: "d", type: "decimal" },
  { name: "t", type: "text" },
  { name: "b", type: "binary" },
  { name: "y", type: "bytestring" },
];

/** A ctldb opened for one test, closed (and its storage removed) on dispose. */
export interface OpenedCtldb extends AsyncDisposable {
  readonly ctldb: Ctldb;
}

/** Registers one test; `Deno.test` or the MySQL-aware wrapper. */
export type Register = (name: string, fn: () => Promise<void>) => void;

/** Registers the shared cases for one adapter. */
export function registerSharedCases(
  label: string,
  register: Register,
  open: () => Promise<OpenedCtldb>,
): void {
  const test = (name: string, fn: (ctldb: Ctldb) => Promise<void>) =>
    register(`${label}: ${name}`, async () => {
      await using opened = await open();
      await fn(opened.ctldb);
    });

  test("ensureSchema is idempotent and seeds the ledger lock row once", async (ctldb) => {
    await ctldb.ensureSchema();
    await ctldb.ensureSchema();
    assert.deepEqual(await ctldb.query("SELECT id, clock FROM locks"), [{
      id: "ledger",
      clock: 0,
    }]);
    await ctldb.exec("DELETE FROM locks");
    await ctldb.ensureSchema();
    assert.deepEqual(await ctldb.query("SELECT id, clock FROM locks"), [{
      id: "ledger",
      clock: 0,
    }]);
    for (const table of ["families", "mutators", "max_table_sizes", "max_writer_rates"]) {
      assert.deepEqual(await ctldb.query(`SELECT * FROM ${table}`), [], table);
    }
    assert.deepEqual(await ctldb.query("SELECT * FROM writer_usage"), []);
  });

  test("ensureSchema run twice at once succeeds", async (ctldb) => {
    await Promise.all([ctldb.ensureSchema(), ctldb.ensureSchema()]);
    assert.deepEqual(await ctldb.query("SELECT id FROM locks"), [{ id: "ledger" }]);
  });

  test("a transaction that throws writes none of the statements it issued", async (ctldb) => {
    await ctldb.ensureSchema();
    await assert.rejects(
      ctldb.transaction((tx) => {
        tx.exec("UPDATE locks SET clock = clock + 1 WHERE id = 'ledger'").catch(() => {});
        throw new Error("changed my mind");
      }),
      /changed my mind/,
    );
    assert.deepEqual(await ctldb.query("SELECT clock FROM locks"), [{ clock: 0 }]);
  });

  test("a transaction commits when its callback resolves", async (ctldb) => {
    await ctldb.ensureSchema();
    const inserted = await ctldb.transaction(async (tx) => {
      await tx.exec("UPDATE locks SET clock = clock + 1 WHERE id = 'ledger'");
      return (await tx.exec("INSERT INTO families (name) VALUES (?)", ["fam"])).affectedRows;
    });
    assert.equal(inserted, 1);
    assert.deepEqual(await ctldb.query("SELECT id, name FROM families"), [{ id: 1, name: "fam" }]);
    assert.deepEqual(await ctldb.query("SELECT clock FROM locks"), [{ clock: 1 }]);
  });

  test("a transaction rolls back and rethrows when its callback throws", async (ctldb) => {
    await ctldb.ensureSchema();
    await assert.rejects(
      ctldb.transaction(async (tx) => {
        await tx.exec("INSERT INTO families (name) VALUES (?)", ["fam"]);
        await tx.exec("UPDATE locks SET clock = clock + 1 WHERE id = 'ledger'");
        throw new Error("boom");
      }),
      /boom/,
    );
    assert.deepEqual(await ctldb.query("SELECT * FROM families"), []);
    assert.deepEqual(await ctldb.query("SELECT clock FROM locks"), [{ clock: 0 }]);
  });

  test("concurrent transactions each see their own writes and all commit", async (ctldb) => {
    await ctldb.ensureSchema();
    const seqs = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        ctldb.transaction(async (tx) => {
          await tx.exec("UPDATE locks SET clock = clock + 1 WHERE id = 'ledger'");
          const [a] = await ctldb.appendLedger(tx, [`a${i}`]);
          const [b] = await ctldb.appendLedger(tx, [`b${i}`]);
          return [a!, b!] as const;
        })),
    );
    for (const [a, b] of seqs) assert.equal(b, a + 1, "rows of one transaction are contiguous");
    assert.equal(await ctldb.maxLedgerSeq(), 16);
    assert.deepEqual(await ctldb.query("SELECT clock FROM locks"), [{ clock: 8 }]);
  });

  test("a session used after its transaction ended is refused", async (ctldb) => {
    await ctldb.ensureSchema();
    let saved: Parameters<Parameters<Ctldb["transaction"]>[0]>[0] | undefined;
    await ctldb.transaction((tx) => {
      saved = tx;
      return Promise.resolve();
    });
    await assert.rejects(saved!.query("SELECT 1"), /already finished/);
  });

  test("exec reports affected rows; appendLedger the seq of every row in order", async (ctldb) => {
    await ctldb.ensureSchema();
    assert.deepEqual(await ctldb.appendLedger(ctldb, ["x"]), [1]);
    assert.deepEqual(await ctldb.appendLedger(ctldb, ["--- BEGIN", "y", "--- COMMIT"]), [2, 3, 4]);
    assert.deepEqual((await ctldb.readLedger(0, 10)).map((e) => [e.seq, e.statement]), [
      [1, "x"],
      [2, "--- BEGIN"],
      [3, "y"],
      [4, "--- COMMIT"],
    ]);
    const update = await ctldb.exec("UPDATE ctlstore_dml_ledger SET statement = 'z'");
    assert.equal(update.affectedRows, 4);
  });

  test("a duplicate primary or unique key is recognised", async (ctldb) => {
    await ctldb.ensureSchema();
    const insert = "INSERT INTO mutators (writer, secret, cookie) VALUES (?, ?, ?)";
    await ctldb.exec(insert, ["w", "s", new Uint8Array([1])]);
    await assert.rejects(ctldb.exec(insert, ["w", "t", new Uint8Array([2])]), (e) => {
      assert.ok(isDuplicateKeyError(e), String(e));
      return true;
    });
    await ctldb.exec("INSERT INTO families (name) VALUES ('f')");
    await assert.rejects(ctldb.exec("INSERT INTO families (name) VALUES ('f')"), (e) => {
      assert.ok(isDuplicateKeyError(e), String(e));
      return true;
    });
  });

  test("creating an existing table is recognised as table-exists", async (ctldb) => {
    await ctldb.execDdl('CREATE TABLE "f___t" ("k" VARCHAR(191), PRIMARY KEY("k"))');
    await assert.rejects(
      ctldb.execDdl('CREATE TABLE "f___t" ("k" VARCHAR(191), PRIMARY KEY("k"))'),
      (e) => {
        assert.ok(isTableExistsError(e), String(e));
        return true;
      },
    );
  });

  test("BLOB parameters and columns round-trip as bytes", async (ctldb) => {
    await ctldb.ensureSchema();
    const cookie = new Uint8Array([0, 1, 2, 255, 39, 92]);
    await ctldb.exec("INSERT INTO mutators (writer, secret, cookie) VALUES (?, ?, ?)", [
      "w",
      "s",
      cookie,
    ]);
    const [row] = await ctldb.query<{ cookie: Uint8Array }>("SELECT cookie FROM mutators");
    assert.deepEqual(new Uint8Array(row!.cookie), cookie);
  });

  test("BIGINT values beyond 2^53 are read and bound exactly", async (ctldb) => {
    await ctldb.ensureSchema();
    const big = 9223372036854775807n;
    const negative = -9007199254740993n;
    await ctldb.exec("INSERT INTO writer_usage (writer_name, bucket, amount) VALUES (?, ?, ?)", [
      "w",
      big,
      negative,
    ]);
    await ctldb.exec("INSERT INTO writer_usage (writer_name, bucket, amount) VALUES (?, ?, ?)", [
      "v",
      60,
      9007199254740991,
    ]);
    assert.deepEqual(
      await ctldb.query(
        "SELECT writer_name, bucket, amount FROM writer_usage ORDER BY writer_name",
      ),
      [
        { writer_name: "v", bucket: 60, amount: 9007199254740991 },
        { writer_name: "w", bucket: big, amount: negative },
      ],
    );
    assert.deepEqual(
      await ctldb.query("SELECT writer_name FROM writer_usage WHERE bucket = ?", [big]),
      [{ writer_name: "w" }],
    );
    assert.deepEqual(
      await ctldb.query("SELECT bucket, amount FROM writer_usage WHERE writer_name = ?", ["w"]),
      [{ bucket: big, amount: negative }],
    );
  });

  test("string values keep quotes and backslashes verbatim", async (ctldb) => {
    await ctldb.ensureSchema();
    const name = `it's a \\ "test"\\n`;
    await ctldb.exec("INSERT INTO families (name) VALUES (?)", [name]);
    await ctldb.exec(`INSERT INTO families (name) VALUES ('x''\\y')`);
    assert.deepEqual(await ctldb.query("SELECT name FROM families ORDER BY id"), [
      { name },
      { name: "x'\\y" },
    ]);
  });

  test("tableColumns lists columns in table order with key flags and field types", async (ctldb) => {
    await ctldb.ensureSchema();
    await ctldb.execDdl(createTableSql(ctldb.columnTypes, "fam___tbl", ALL_TYPES, ["i", "s"]));
    await ctldb.execDdl('CREATE TABLE "fam___other" ("id" BIGINT, PRIMARY KEY("id"))');
    const columns = await ctldb.tableColumns(["fam___tbl", "fam___missing", "fam___other"]);
    assert.deepEqual([...columns.keys()].sort(), ["fam___other", "fam___tbl"]);
    const tbl = columns.get("fam___tbl")!;
    assert.deepEqual(
      tbl.map((c) => [c.name, c.fieldType, c.isKey]),
      ALL_TYPES.map((f) => [f.name, f.type, f.name === "i" || f.name === "s"]),
    );
    assert.deepEqual((await ctldb.tableColumns([])).size, 0);
  });

  test("listFamilyTables lists family tables only, sorted, with LIKE wildcards escaped", async (ctldb) => {
    await ctldb.ensureSchema();
    for (const name of ["b___t", "a___z", "a___b", "ab___c", "a_x___c", "aaxb___d", "a____y"]) {
      await ctldb.execDdl(`CREATE TABLE "${name}" ("k" BIGINT, PRIMARY KEY("k"))`);
    }
    assert.deepEqual(await ctldb.listFamilyTables(), [
      "a____y",
      "a___b",
      "a___z",
      "a_x___c",
      "aaxb___d",
      "ab___c",
      "b___t",
    ]);
    assert.deepEqual(await ctldb.listFamilyTables("a"), ["a___b", "a___z"]);
    assert.deepEqual(await ctldb.listFamilyTables("a_x"), ["a_x___c"]);
    // Family `a_`'s table `y` is not a table of family `a`.
    assert.deepEqual(await ctldb.listFamilyTables("a_"), ["a____y"]);
    assert.deepEqual(await ctldb.listFamilyTables("nope"), []);
  });

  test("readLedger pages through the ledger in seq order with UTC leader_ts", async (ctldb) => {
    await ctldb.ensureSchema();
    assert.equal(await ctldb.maxLedgerSeq(), 0);
    assert.deepEqual(await ctldb.readLedger(0, 10), []);
    const before = Math.floor(Date.now() / 1000) * 1000;
    for (const statement of ["--- BEGIN", "DELETE FROM a___b", "--- COMMIT"]) {
      await ctldb.exec("INSERT INTO ctlstore_dml_ledger (statement) VALUES(?)", [statement]);
    }
    const after = Date.now();
    assert.equal(await ctldb.maxLedgerSeq(), 3);
    const page = await ctldb.readLedger(1, 10);
    assert.deepEqual(page.map((e) => [e.seq, e.statement]), [
      [2, "DELETE FROM a___b"],
      [3, "--- COMMIT"],
    ]);
    for (const entry of page) {
      const at = entry.leaderTs.getTime();
      assert.ok(at >= before - 1000 && at <= after, `leader_ts ${entry.leaderTs.toISOString()}`);
    }
    assert.deepEqual((await ctldb.readLedger(0, 2)).map((e) => e.seq), [1, 2]);
    await ctldb.exec(
      "INSERT INTO ctlstore_dml_ledger (leader_ts, statement) VALUES ('2020-02-29 23:59:58', 'x')",
    );
    const [last] = await ctldb.readLedger(3, 1);
    assert.equal(last?.leaderTs.toISOString(), "2020-02-29T23:59:58.000Z");
  });

  test("readLedger refuses an unsafe ledger table name and a bad limit", async (ctldb) => {
    await assert.rejects(ctldb.readLedger(0, 10, 'x"; DROP TABLE families; --'), TypeError);
    await assert.rejects(ctldb.maxLedgerSeq("a b"), TypeError);
    await assert.rejects(ctldb.readLedger(0, 0), RangeError);
  });

  test("readLedger reads another ledger table", async (ctldb) => {
    await ctldb.execDdl(
      "CREATE TABLE other_ledger (seq BIGINT PRIMARY KEY, leader_ts TIMESTAMP NULL, statement TEXT)",
    );
    await ctldb.exec(
      "INSERT INTO other_ledger VALUES (7, '2024-01-02 03:04:05', 'x'), (9, '2024-01-02 03:04:06', 'y')",
    );
    assert.equal(await ctldb.maxLedgerSeq("other_ledger"), 9);
    assert.deepEqual(await ctldb.readLedger(7, 5, "other_ledger"), [
      { seq: 9, leaderTs: new Date("2024-01-02T03:04:06Z"), statement: "y" },
    ]);
  });

  test("ping answers on a live database", async (ctldb) => {
    await ctldb.ping();
  });

  const COLUMNS = ALL_TYPES.map((f) => f.name);
  const KEYS = ["s", "i"];
  const bytes = (value: unknown) => value instanceof Uint8Array ? new Uint8Array(value) : value;
  const familyRows = async (ctldb: Ctldb) =>
    (await ctldb.query<Record<string, unknown>>('SELECT * FROM fam___tbl ORDER BY "i"')).map(
      (row) => ({ ...row, b: bytes(row.b), y: bytes(row.y) }),
    );

  test("upsertRowsSql writes rows in order, the last of equal keys winning", async (ctldb) => {
    await ctldb.ensureSchema();
    await ctldb.execDdl(createTableSql(ctldb.columnTypes, "fam___tbl", ALL_TYPES, ["i", "s"]));
    const big = 9223372036854775807n;
    await ctldb.exec(ctldb.upsertRowsSql("fam___tbl", COLUMNS, KEYS, [
      ["a", 1, 1.5, "t1", new Uint8Array([0, 1, 2]), new Uint8Array([255])],
      ["it's \\ ?", big, -0.25, null, null, null],
      ["a", 1, 2.5, "t2", null, new Uint8Array([7])],
    ]));
    assert.deepEqual(await familyRows(ctldb), [
      { s: "a", i: 1, d: 2.5, t: "t2", b: null, y: new Uint8Array([7]) },
      { s: "it's \\ ?", i: big, d: -0.25, t: null, b: null, y: null },
    ]);
    await ctldb.exec(
      ctldb.upsertRowsSql("fam___tbl", COLUMNS, KEYS, [["a", 1, 3, null, new Uint8Array(), null]]),
    );
    await ctldb.exec(ctldb.deleteRowSql("fam___tbl", KEYS, ["it's \\ ?", big]));
    assert.deepEqual(await familyRows(ctldb), [
      { s: "a", i: 1, d: 3, t: null, b: new Uint8Array(), y: null },
    ]);
  });

  test("upsertSql inserts a row or replaces the one with its key", async (ctldb) => {
    await ctldb.ensureSchema();
    const sql = ctldb.upsertSql(
      "max_writer_rates",
      ["writer_name", "max_rows_per_minute"],
      ["writer_name"],
    );
    await ctldb.exec(sql, ["w", 5]);
    await ctldb.exec(sql, ["v", 1]);
    await ctldb.exec(sql, ["w", 6]);
    assert.deepEqual(
      await ctldb.query("SELECT writer_name, max_rows_per_minute FROM max_writer_rates ORDER BY 1"),
      [{ writer_name: "v", max_rows_per_minute: 1 }, { writer_name: "w", max_rows_per_minute: 6 }],
    );
  });

  test("failures carry the kind of what went wrong", async (ctldb) => {
    await ctldb.ensureSchema();
    const ddl = createTableSql(ctldb.columnTypes, "fam___tbl", ALL_TYPES, ["i", "s"]);
    await ctldb.execDdl(ddl);
    await ctldb.exec("INSERT INTO families (name) VALUES ('f')");
    const cases: [string, () => Promise<unknown>, CtldbErrorKind][] = [
      ["missing table", () => ctldb.exec("DELETE FROM fam___missing"), "no-such-table"],
      ["taken key", () => ctldb.exec("INSERT INTO families (name) VALUES ('f')"), "duplicate-key"],
      ["existing table", () => ctldb.execDdl(ddl), "table-exists"],
      [
        "existing column",
        () => ctldb.execDdl('ALTER TABLE fam___tbl ADD COLUMN "t" TEXT'),
        "column-exists",
      ],
    ];
    for (const [name, fn, kind] of cases) {
      await assert.rejects(fn(), (e) => {
        assert.ok(isCtldbError(e, kind), `${name}: ${String(e)}`);
        return true;
      });
    }
  });

  test("a failed statement rolled back to a savepoint leaves its transaction usable", async (ctldb) => {
    await ctldb.ensureSchema();
    await ctldb.transaction(async (tx) => {
      await tx.exec("INSERT INTO families (name) VALUES ('kept')");
      await tx.exec("SAVEPOINT s1");
      await tx.exec("INSERT INTO families (name) VALUES ('undone')");
      await assert.rejects(tx.exec("DELETE FROM fam___missing"));
      await tx.exec("ROLLBACK TO SAVEPOINT s1");
      await tx.exec("RELEASE SAVEPOINT s1");
      await tx.exec("INSERT INTO families (name) VALUES ('after')");
    });
    assert.deepEqual(await ctldb.query("SELECT name FROM families ORDER BY name"), [
      { name: "after" },
      { name: "kept" },
    ]);
  });

  test("DDL in a rolled-back transaction is undone exactly when DDL is transactional", async (ctldb) => {
    await ctldb.ensureSchema();
    await assert.rejects(
      ctldb.transaction(async (tx) => {
        await tx.exec(createTableSql(ctldb.columnTypes, "fam___tx", ALL_TYPES, ["i"]));
        throw new Error("undo");
      }),
      /undo/,
    );
    const created = (await ctldb.tableColumns(["fam___tx"])).has("fam___tx");
    assert.equal(created, !ctldb.transactionalDdl);
  });

  test("tableSizes reports every family table where the database reports sizes", async (ctldb) => {
    await ctldb.ensureSchema();
    for (const table of ["fam___a", "fam___b"]) {
      await ctldb.execDdl(createTableSql(ctldb.columnTypes, table, ALL_TYPES, ["i"]));
    }
    const sizes = await ctldb.tableSizes();
    if (!ctldb.reportsTableSizes) {
      assert.equal(sizes.size, 0);
      return;
    }
    assert.deepEqual([...sizes.keys()].sort(), ["fam___a", "fam___b"]);
    for (const [table, size] of sizes) assert.ok(size > 0, `${table}: ${size}`);
  });

  test("ledgerRowEstimate is 0 on an empty ledger and never negative", async (ctldb) => {
    await ctldb.ensureSchema();
    assert.equal(await ctldb.ledgerRowEstimate(), 0);
    await ctldb.appendLedger(ctldb, ["a", "b", "c"]);
    const estimate = await ctldb.ledgerRowEstimate();
    assert.ok(estimate >= 0 && estimate <= 3, String(estimate));
  });
}
