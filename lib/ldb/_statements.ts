/**
 * Prepared statements cached per connection, for the bookkeeping queries that run on every
 * applied statement or read. A statement whose table is missing is not cached.
 *
 * @module
 */
import type { DatabaseSync, StatementSync } from "node:sqlite";

const cache = new WeakMap<DatabaseSync, Map<string, StatementSync>>();

/** The prepared statement for `sql` on `db`, prepared once per connection. */
export function statement(db: DatabaseSync, sql: string): StatementSync {
  let statements = cache.get(db);
  if (!statements) cache.set(db, statements = new Map());
  let prepared = statements.get(sql);
  if (!prepared) statements.set(sql, prepared = db.prepare(sql));
  return prepared;
}

/** Tells whether an error is SQLite's `no such table`. */
export function isNoSuchTable(e: unknown): boolean {
  return e instanceof Error && e.message.startsWith("no such table");
}
