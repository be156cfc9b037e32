/**
 * The ctldb DDL (spec §4.1 MySQL, §4.2 SQLite) and its idempotent form used by `ensureSchema`.
 *
 * {@linkcode MYSQL_CTLDB_SCHEMA} is exactly what `ctlstore ctldb-schema` prints. It is the
 * original's schema except that the ledger `seq` is a `BIGINT` (DESIGN §3.5), so it never
 * overflows at 2^31.
 *
 * @module
 */

const LIMITER_SCHEMA = `CREATE TABLE max_table_sizes (
	family_name VARCHAR(30) NOT NULL,
	table_name  VARCHAR(50) NOT NULL,
	warn_size_bytes BIGINT NOT NULL DEFAULT 0,
	max_size_bytes BIGINT NOT NULL DEFAULT 0,
	PRIMARY KEY (family_name, table_name)
);

CREATE TABLE max_writer_rates (
	writer_name VARCHAR(50) NOT NULL,
	max_rows_per_minute BIGINT NOT NULL,
	PRIMARY KEY (writer_name)
);

CREATE TABLE writer_usage (
	writer_name VARCHAR(50) NOT NULL,
	bucket BIGINT NOT NULL,
	amount BIGINT NOT NULL,
	PRIMARY KEY (writer_name, bucket)
);`;

/**
 * The MySQL ctldb schema: the `ALTER DATABASE` line, the control tables, the `locks` seed row
 * and the limiter tables. Statements are separated by `;` and blank lines.
 *
 * @example Print the schema
 * ```ts
 * import { MYSQL_CTLDB_SCHEMA } from "./schema_sql.ts";
 *
 * console.log(MYSQL_CTLDB_SCHEMA);
 * ```
 */
export const MYSQL_CTLDB_SCHEMA =
  `ALTER DATABASE CHARACTER SET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

CREATE TABLE families (
	id INTEGER AUTO_INCREMENT PRIMARY KEY,
	name VARCHAR(191) NOT NULL,
	UNIQUE KEY name (name)
);

CREATE TABLE mutators (
	writer VARCHAR(191) NOT NULL PRIMARY KEY,
	secret VARCHAR(255) NOT NULL,
	cookie BLOB(1024) NOT NULL,
	clock BIGINT NOT NULL DEFAULT 0
);

CREATE TABLE ctlstore_dml_ledger (
	seq BIGINT AUTO_INCREMENT PRIMARY KEY,
	leader_ts DATETIME DEFAULT CURRENT_TIMESTAMP,
	statement MEDIUMTEXT NOT NULL
);

CREATE TABLE locks (
	id VARCHAR(191) NOT NULL PRIMARY KEY,
	clock BIGINT NOT NULL DEFAULT 0
);

INSERT INTO locks VALUES('ledger', 0);

${LIMITER_SCHEMA}`;

/**
 * The SQLite ctldb schema (spec §4.2): the same tables with SQLite types.
 *
 * @example
 * ```ts
 * import { SQLITE_CTLDB_SCHEMA } from "./schema_sql.ts";
 *
 * console.log(SQLITE_CTLDB_SCHEMA.includes("AUTOINCREMENT")); // true
 * ```
 */
export const SQLITE_CTLDB_SCHEMA = `CREATE TABLE families (
	id INTEGER PRIMARY KEY AUTOINCREMENT,
	name VARCHAR(191) NOT NULL UNIQUE
);

CREATE TABLE mutators (
	writer VARCHAR(191) NOT NULL PRIMARY KEY,
	secret VARCHAR(255),
	cookie BLOB(1024) NOT NULL,
	clock INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE ctlstore_dml_ledger (
	seq INTEGER PRIMARY KEY AUTOINCREMENT,
	leader_ts DATETIME DEFAULT CURRENT_TIMESTAMP,
	statement TEXT NOT NULL
);

CREATE TABLE locks (
	id VARCHAR(191) NOT NULL PRIMARY KEY,
	clock INTEGER NOT NULL DEFAULT 0
);

INSERT INTO locks VALUES('ledger', 0);

${LIMITER_SCHEMA}`;

/**
 * Splits a schema text into statements and makes each safe to repeat or race: `CREATE TABLE`
 * becomes `CREATE TABLE IF NOT EXISTS`, the seed insert ignores an existing row.
 *
 * @param schema {@linkcode MYSQL_CTLDB_SCHEMA} or {@linkcode SQLITE_CTLDB_SCHEMA}.
 * @param dialect Chooses `INSERT IGNORE` (MySQL) or `INSERT OR IGNORE` (SQLite).
 * @returns The statements without trailing semicolons.
 *
 * @example
 * ```ts
 * import { idempotentStatements, SQLITE_CTLDB_SCHEMA } from "./schema_sql.ts";
 *
 * for (const sql of idempotentStatements(SQLITE_CTLDB_SCHEMA, "sqlite")) db.exec(sql);
 * ```
 */
export function idempotentStatements(schema: string, dialect: "mysql" | "sqlite"): string[] {
  return schema
    .split(";")
    .map((statement) => statement.trim())
    .filter((statement) => statement !== "")
    .map((statement) =>
      statement
        .replace(/^CREATE TABLE /, "CREATE TABLE IF NOT EXISTS ")
        .replace(
          /^INSERT INTO /,
          dialect === "mysql" ? "INSERT IGNORE INTO " : "INSERT OR IGNORE INTO ",
        )
    );
}
