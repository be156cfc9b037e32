/**
 * The registry of ctldb adapters: the one list of systems of record. Adding one is a new
 * adapter (a `CtldbAdapter`) and a line here; everything else (opening a DSN, the reflector's
 * `-upstream-driver`, `ctldb-schema -dialect`, messages) finds it through this module.
 *
 * @module
 */
import { DsnError } from "./dsn.ts";
import { mysqlAdapter } from "./mysql.ts";
import { postgresAdapter } from "./postgres.ts";
import { sqliteAdapter } from "./sqlite.ts";
import type { CtldbAdapter } from "./types.ts";

/**
 * Every adapter, in the order DSNs are matched: MySQL last, since the original's Go-mysql DSN
 * has no scheme and so is what is left.
 *
 * @example
 * ```ts
 * import { CTLDB_ADAPTERS } from "./registry.ts";
 *
 * console.log(CTLDB_ADAPTERS.map((adapter) => adapter.dialect)); // ["sqlite", "postgres", "mysql"]
 * ```
 */
export const CTLDB_ADAPTERS: readonly CtldbAdapter[] = Object.freeze([
  sqliteAdapter,
  postgresAdapter,
  mysqlAdapter,
]);

/**
 * The dialect `ctldb-schema` prints by default: the original's system of record.
 *
 * @example
 * ```ts
 * import { DEFAULT_CTLDB_DIALECT } from "./registry.ts";
 *
 * console.log(DEFAULT_CTLDB_DIALECT); // mysql
 * ```
 */
export const DEFAULT_CTLDB_DIALECT = "mysql";

/**
 * The names of the ctldb dialects (for `ctldb-schema -dialect`), the default first.
 *
 * @example
 * ```ts
 * import { CTLDB_DIALECTS } from "./registry.ts";
 *
 * CTLDB_DIALECTS.includes("postgres"); // true
 * ```
 */
export const CTLDB_DIALECTS: readonly string[] = Object.freeze([
  DEFAULT_CTLDB_DIALECT,
  ...CTLDB_ADAPTERS.map((a) => a.dialect).filter((d) => d !== DEFAULT_CTLDB_DIALECT).sort(),
]);

/**
 * Every reflector `-upstream-driver` value.
 *
 * @example
 * ```ts
 * import { UPSTREAM_DRIVERS } from "./registry.ts";
 *
 * UPSTREAM_DRIVERS.includes("sqlite3"); // true
 * ```
 */
export const UPSTREAM_DRIVERS: readonly string[] = Object.freeze(
  CTLDB_ADAPTERS.flatMap((a) => a.upstreamDrivers).sort(),
);

/**
 * The adapter whose DSN form `dsn` has, its DSN checked.
 *
 * @throws {DsnError} When the DSN is malformed (the message never holds the DSN).
 *
 * @example
 * ```ts
 * import { adapterForDsn } from "./registry.ts";
 *
 * adapterForDsn("postgres://ctl@db/ctldb").dialect; // "postgres"
 * adapterForDsn("ctl@tcp(db:3306)/ctldb").dialect; // "mysql"
 * ```
 */
export function adapterForDsn(dsn: string): CtldbAdapter {
  const adapter = CTLDB_ADAPTERS.find((a) => a.claims(dsn));
  if (adapter === undefined) {
    throw new DsnError("unknown form", CTLDB_ADAPTERS.map((a) => a.dsnForms).join(", "));
  }
  adapter.checkDsn(dsn);
  return adapter;
}

/**
 * The adapter of a `ctldb-schema -dialect` name.
 *
 * @throws {TypeError} For an unknown name.
 *
 * @example
 * ```ts
 * import { adapterNamed } from "./registry.ts";
 *
 * console.log(adapterNamed("postgres").schemaSql);
 * ```
 */
export function adapterNamed(dialect: string): CtldbAdapter {
  const adapter = CTLDB_ADAPTERS.find((a) => a.dialect === dialect);
  if (adapter === undefined) {
    throw new TypeError(
      `unknown ctldb dialect '${dialect}': expected one of ${CTLDB_DIALECTS.join(", ")}`,
    );
  }
  return adapter;
}

/**
 * The adapter that reads a reflector `-upstream-driver`.
 *
 * @throws {TypeError} For an unknown driver.
 *
 * @example
 * ```ts
 * import { adapterForUpstreamDriver } from "./registry.ts";
 *
 * adapterForUpstreamDriver("sqlite3").dialect; // "sqlite"
 * ```
 */
export function adapterForUpstreamDriver(driver: string): CtldbAdapter {
  const adapter = CTLDB_ADAPTERS.find((a) => a.upstreamDrivers.includes(driver));
  if (adapter === undefined) {
    throw new TypeError(
      `unsupported upstream driver '${driver}': expected one of ${UPSTREAM_DRIVERS.join(", ")}`,
    );
  }
  return adapter;
}
