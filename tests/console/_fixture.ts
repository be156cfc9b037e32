/**
 * Fixtures of the console's tests: an LDB (with change history) full of hostile values, and a
 * console served over real HTTP on a free port.
 *
 * @module
 */
import { type ConsoleConfig, startConsole } from "../../lib/console/mod.ts";
import type { FieldDef, SqlValue } from "../../lib/schema/mod.ts";
import { type HistoryLdb, historyLdb } from "../_helpers/history_ldb.ts";

/** Text that runs script if a page ever puts it into HTML unescaped. */
export const HOSTILE = `<script>alert("x")</script> "quotes" 'single' & ünïcödé 💥`;

/** A column name that runs script if a page ever puts it into HTML unescaped. */
export const HOSTILE_COLUMN = `<img src=x onerror=alert(1)>`;

/** The fields of `demo.users`. */
export const USERS: FieldDef[] = [
  { name: "id", type: "integer" },
  { name: "name", type: "string" },
  { name: "avatar", type: "bytestring" },
  { name: "score", type: "decimal" },
];

/** The fields of `demo.members`, keyed by team then id. */
export const MEMBERS: FieldDef[] = [
  { name: "team", type: "string" },
  { name: "id", type: "integer" },
  { name: "note", type: "string" },
];

/**
 * An LDB with `demo.users` (a hostile row and one keyed beyond 2^53), `demo.members` (60 rows in
 * each of teams a and b) and `demo.odd` (a column with a hostile name).
 */
export function demoLdb(): HistoryLdb {
  const ldb = historyLdb();
  ldb.createTable("demo", "users", USERS, ["id"]);
  ldb.upsert("demo", "users", USERS, [1, HOSTILE, new Uint8Array([0xde, 0xad, 0xbe, 0xef]), 1.5]);
  ldb.upsert("demo", "users", USERS, [9007199254740993n, "big", null, null]);
  ldb.createTable("demo", "members", MEMBERS, ["team", "id"]);
  const rows: SqlValue[][] = [];
  for (const team of ["a", "b"]) for (let id = 1; id <= 60; id++) rows.push([team, id, `n${id}`]);
  ldb.apply(
    rows.map((row) =>
      `REPLACE INTO demo___members ("team","id","note") VALUES('${row[0]}',${row[1]},'${row[2]}')`
    ),
  );
  ldb.apply(
    `CREATE TABLE demo___odd ("id" INTEGER, "${HOSTILE_COLUMN}" VARCHAR(191), PRIMARY KEY("id"))`,
  );
  ldb.apply(
    `REPLACE INTO demo___odd ("id","${HOSTILE_COLUMN}") VALUES(1,'${
      HOSTILE.replaceAll("'", "''")
    }')`,
  );
  return ldb;
}

/** A console on a free port, stopped by `await using`. */
export interface ConsoleUnderTest extends AsyncDisposable {
  readonly url: string;
  /** GET (or another method) a path; the status, content type and body. */
  fetch(path: string, init?: RequestInit): Promise<{ status: number; type: string; text: string }>;
}

/**
 * Starts a console on `127.0.0.1:0`.
 *
 * @example
 * ```ts
 * await using site = await serveConsole({ ldbPath: ldb.path });
 * const { status, text } = await site.fetch("/");
 * ```
 */
export async function serveConsole(config: ConsoleConfig): Promise<ConsoleUnderTest> {
  const running = await startConsole({ bind: "127.0.0.1:0", ...config });
  return {
    url: running.url,
    async fetch(path, init) {
      const response = await fetch(running.url + path, { redirect: "manual", ...init });
      return {
        status: response.status,
        type: response.headers.get("content-type") ?? "",
        text: await response.text(),
      };
    },
    [Symbol.asyncDispose]: () => running.stop(),
  };
}
