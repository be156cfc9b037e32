/**
 * The LDB file format (spec §9): opening LDBs for the reflector (read-write, WAL) and for
 * readers (read-only, never checkpointing), the `_ldb_seq` tracker with replay detection,
 * the `_ldb_last_update` timestamp, the change history's tables and the family set of a partial
 * LDB (`_ldb_families`), and trust: the start-up integrity check, the classifier of errors that
 * mean a damaged LDB, the latch that remembers one, and moving a damaged LDB aside. Family
 * tables and row reads belong to `lib/reader/`; applying ledger statements belongs to the
 * reflector.
 *
 * @example Apply one statement's bookkeeping, then read it back
 * ```ts
 * import { advanceLdbSeq, getLdbSeq, openLdbForRead, openLdbForWrite, setLdbLastUpdate } from "./mod.ts";
 *
 * const writer = openLdbForWrite("/tmp/ldb.db");
 * writer.exec("BEGIN");
 * setLdbLastUpdate(writer, new Date());
 * advanceLdbSeq(writer, 1);
 * writer.exec("COMMIT");
 * console.log(getLdbSeq(openLdbForRead("/tmp/ldb.db"))); // 1
 * ```
 *
 * @module
 */

export * from "./errors.ts";
export * from "./open.ts";
export * from "./seq.ts";
export * from "./last_update.ts";
export * from "./timestamp.ts";
export * from "./change_history.ts";
export * from "./families.ts";
export * from "./integrity.ts";
export * from "./files.ts";
export * from "./fault_latch.ts";
