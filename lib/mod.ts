/**
 * Read ctlstore data in-process, from the local SQLite copy (the LDB) that a ctlstore
 * reflector keeps up to date on every host.
 *
 * - {@linkcode Reader}: rows by primary key or key prefix, the applied ledger sequence, the
 *   ledger latency. Synchronous; point reads take a few microseconds.
 * - {@linkcode RotatingReader}: the same over several LDB copies that take turns.
 * - {@linkcode LdbTestUtil}: a temporary LDB for your own tests.
 * - The change feed: {@linkcode Reader.getChanges} and {@linkcode Reader.watch} follow every
 *   change the reflector applies (from the LDB's change history), and
 *   {@linkcode Reader.waitForSequence} waits until a write has reached this host.
 * - Partial LDBs: {@linkcode Reader.getFamilies} tells which families an LDB carries; reading
 *   any other throws {@linkcode ReaderError} `family-not-carried`.
 * - {@linkcode VERSION}: the version of this package (the same as the `ctlstore` binary's).
 *
 * Integers beyond ±(2^53 − 1) are returned as `bigint`; blob columns as `Uint8Array`.
 *
 * @example Read a row
 * ```ts
 * import { Reader } from "@ctlstore/ctlstore";
 *
 * const reader = Reader.open(); // $CTLSTORE_PATH/ldb.db, default /var/spool/ctlstore/ldb.db
 * const user = reader.getRowByKey<{ id: number; name: string }>("accounts", "users", 42);
 * for (const member of reader.getRowsByKeyPrefix("accounts", "members", "team-1")) {
 *   console.log(member);
 * }
 * console.log(user?.name, reader.getLastSequence(), reader.getLedgerLatency());
 * reader.close();
 * ```
 *
 * @module
 */

export {
  type Change,
  type ChangeFilter,
  ChangeHistoryGoneError,
  type ChangeOp,
  type ChangePage,
  type ColumnInfo,
  DEFAULT_LDB_DIR,
  defaultLdbPath,
  type GetChangesOptions,
  type KeyArgs,
  type KeyColumnInfo,
  type KeyPart,
  ldbDirectory,
  LdbTestUtil,
  Reader,
  ReaderError,
  type ReaderErrorCode,
  rotatingLdbPaths,
  RotatingReader,
  type RotatingReaderOptions,
  type RotatingReaderStats,
  ROTATION_PERIODS,
  type Row,
  SequenceTimeoutError,
  type TableInfo,
  type TestRow,
  type TestTableDef,
  type WaitForSequenceOptions,
  type WatchOptions,
} from "./reader/mod.ts";
export { LdbNotFoundError } from "./ldb/mod.ts";
export { type FieldType, NameError, TableDefinitionError } from "./schema/mod.ts";
export { VERSION } from "./version.ts";
