/**
 * The reader library (spec §15): {@linkcode Reader} for in-process reads of an LDB,
 * {@linkcode RotatingReader} over several LDB copies, and {@linkcode LdbTestUtil} for tests.
 * The public entry of the package is `lib/mod.ts`, which re-exports this module.
 *
 * @example Read a row
 * ```ts
 * import { Reader } from "./mod.ts";
 *
 * using reader = Reader.open("/var/spool/ctlstore/ldb.db");
 * console.log(reader.getRowByKey("accounts", "users", 42));
 * ```
 *
 * @module
 */

export * from "./errors.ts";
export * from "./types.ts";
export * from "./paths.ts";
export * from "./reader.ts";
export * from "./rotating_reader.ts";
export * from "./test_util.ts";
