/**
 * Shared fixtures of the sidecar tests: an LDB with a few tables, an LDB with change history,
 * and a sidecar serving it.
 *
 * @module
 */
import { LdbTestUtil } from "../../lib/reader/mod.ts";
import type { FieldDef } from "../../lib/schema/mod.ts";
import { type RunningSidecar, type SidecarConfig, startSidecar } from "../../lib/sidecar/mod.ts";
import { type HistoryLdb, historyLdb } from "../_helpers/history_ldb.ts";

/** A sidecar on a random port; stopped by `await using`. */
export interface TestSidecar extends AsyncDisposable {
  /** `http://127.0.0.1:<port>`. */
  readonly url: string;
  /** POSTs a JSON body (or raw text) to a path. */
  post(path: string, body: unknown): Promise<Response>;
  /** GETs a path, with optional request headers. */
  get(path: string, headers?: Record<string, string>): Promise<Response>;
  /** The running sidecar (to stop it, or read its address). */
  readonly sidecar: RunningSidecar;
}

/** Starts a sidecar on `ldbPath` at `127.0.0.1:0`. */
export async function testSidecar(
  ldbPath: string,
  config: SidecarConfig = {},
): Promise<TestSidecar> {
  const sidecar = await startSidecar({ bindAddr: "127.0.0.1:0", ldbPath, ...config });
  const url = `http://127.0.0.1:${sidecar.address.port}`;
  return {
    url,
    post: (path, body) =>
      fetch(url + path, {
        method: "POST",
        body: typeof body === "string" ? body : JSON.stringify(body),
      }),
    get: (path, headers) => fetch(url + path, headers ? { headers } : {}),
    sidecar,
    [Symbol.asyncDispose]: () => sidecar.stop(),
  };
}

/**
 * An LDB with `fam___users` (id integer key, name string, data binary, score decimal),
 * `fam___members` (team string + id integer key, role string) and `fam___blobs` (key bytestring,
 * note text), rows inserted (so the ledger has an update).
 */
export function populatedLdb(): LdbTestUtil {
  const ldb = LdbTestUtil.create();
  try {
    ldb.createTable({
      family: "fam",
      name: "users",
      fields: [["id", "integer"], ["name", "string"], ["data", "binary"], ["score", "decimal"]],
      keyFields: ["id"],
      rows: [
        [1, "<ada> & co", new Uint8Array([0xde, 0xad, 0xbe, 0xef]), 1.5],
        [9007199254740993n, "big", null, null],
        [-9223372036854775808n, "min", new Uint8Array(), 1e21],
      ],
    });
    ldb.createTable({
      family: "fam",
      name: "members",
      fields: [["team", "string"], ["id", "integer"], ["role", "string"]],
      keyFields: ["team", "id"],
      rows: [["a", 1, "owner"], ["a", 2, "member"], ["a", 3, "member"], ["b", 1, "owner"]],
    });
    ldb.createTable({
      family: "fam",
      name: "blobs",
      fields: [["key", "bytestring"], ["note", "text"]],
      keyFields: ["key"],
      rows: [[new Uint8Array([0, 1, 2]), "raw bytes"], [
        new TextEncoder().encode("abc"),
        "text key",
      ]],
    });
    return ldb;
  } catch (error) {
    ldb.close();
    throw error;
  }
}

/** The columns of the `users` tables of {@linkcode usersHistoryLdb}. */
export const USER_FIELDS: FieldDef[] = [{ name: "id", type: "integer" }, {
  name: "name",
  type: "string",
}];

/** An LDB with change history and `fam___users`, `fam___teams`, `other___users` (id, name). */
export interface UsersHistoryLdb extends HistoryLdb {
  /** Upserts `(id, name)` into `<family>___<table>` (default `fam___users`); returns its seq. */
  put(id: number, name: string, family?: string, table?: string): number;
}

/**
 * Creates a {@linkcode UsersHistoryLdb} keeping `size` history entries (default 100 000).
 *
 * @example
 * ```ts
 * using ldb = usersHistoryLdb();
 * const seq = ldb.put(1, "ada");
 * ```
 */
export function usersHistoryLdb(size?: number): UsersHistoryLdb {
  const ldb = historyLdb(size);
  try {
    ldb.createTable("fam", "users", USER_FIELDS, ["id"]);
    ldb.createTable("fam", "teams", USER_FIELDS, ["id"]);
    ldb.createTable("other", "users", USER_FIELDS, ["id"]);
  } catch (error) {
    ldb[Symbol.dispose]();
    throw error;
  }
  return Object.assign(ldb, {
    put: (id: number, name: string, family = "fam", table = "users") =>
      ldb.upsert(family, table, USER_FIELDS, [id, name]),
  });
}
