import assert from "node:assert/strict";
import {
  idempotentStatements,
  MYSQL_CTLDB_SCHEMA,
  SQLITE_CTLDB_SCHEMA,
} from "../../lib/ctldb/schema_sql.ts";

const TABLES = [
  "families",
  "mutators",
  "ctlstore_dml_ledger",
  "locks",
  "max_table_sizes",
  "max_writer_rates",
  "writer_usage",
];

Deno.test("the MySQL schema starts with ALTER DATABASE and uses a BIGINT ledger seq", () => {
  assert.ok(
    MYSQL_CTLDB_SCHEMA.startsWith(
      "ALTER DATABASE CHARACTER SET = utf8mb4 COLLATE = utf8mb4_unicode_ci;\n",
    ),
  );
  assert.match(MYSQL_CTLDB_SCHEMA, /\tseq BIGINT AUTO_INCREMENT PRIMARY KEY,\n/);
  assert.match(MYSQL_CTLDB_SCHEMA, /\nINSERT INTO locks VALUES\('ledger', 0\);\n/);
  assert.ok(MYSQL_CTLDB_SCHEMA.endsWith(");"));
});

Deno.test("both schemas create the same tables in the same order", () => {
  for (const schema of [MYSQL_CTLDB_SCHEMA, SQLITE_CTLDB_SCHEMA]) {
    assert.deepEqual([...schema.matchAll(/CREATE TABLE (\w+)/g)].map((m) => m[1]), TABLES);
  }
});

Deno.test("idempotentStatements guards every create and the seed insert", () => {
  const mysql = idempotentStatements(MYSQL_CTLDB_SCHEMA, "mysql");
  assert.equal(mysql.length, 1 + TABLES.length + 1);
  assert.equal(mysql[0], "ALTER DATABASE CHARACTER SET = utf8mb4 COLLATE = utf8mb4_unicode_ci");
  assert.ok(mysql.includes("INSERT IGNORE INTO locks VALUES('ledger', 0)"));
  const sqlite = idempotentStatements(SQLITE_CTLDB_SCHEMA, "sqlite");
  assert.ok(sqlite.includes("INSERT OR IGNORE INTO locks VALUES('ledger', 0)"));
  for (const sql of [...mysql, ...sqlite]) {
    assert.match(
      sql,
      /^(ALTER DATABASE|CREATE TABLE IF NOT EXISTS|INSERT (IGNORE|OR IGNORE) INTO)/,
    );
    assert.ok(!sql.endsWith(";"), sql);
  }
});
