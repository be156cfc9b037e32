/**
 * Parsing of MySQL and SQLite ctldb DSNs into connection settings (PostgreSQL URLs are the
 * `postgres.ts` adapter's).
 *
 * Three forms are accepted: the Go-mysql DSN the original uses
 * (`user:password@tcp(host:port)/dbname?k=v&…`, also `unix(/path)`), a URL
 * (`mysql://user:password@host:port/dbname?…`, percent-decoded) and `sqlite:<path>` for the
 * embedded ctldb. This module only parses; it opens nothing. Error messages never contain the
 * DSN, because it may hold a password.
 *
 * @module
 */
import type { ConnectOptions } from "./types.ts";

/** The MySQL connection settings named by a DSN. */
export interface MysqlDsn {
  /** Marks a MySQL DSN. */
  readonly kind: "mysql";
  /** Host name or IP address (brackets removed from IPv6); absent for a unix socket. */
  readonly host?: string;
  /** TCP port; 3306 when the DSN names none. */
  readonly port?: number;
  /** Path of a unix socket (`unix(/path)` or `?socket=/path`). */
  readonly socketPath?: string;
  /** User name; absent when the DSN names none. */
  readonly user?: string;
  /** Password, decoded; absent when the DSN has no `:` after the user. */
  readonly password?: string;
  /** Database name; empty when the DSN names none. */
  readonly database: string;
  /** The DSN parameters, decoded. Most are accepted and ignored (see `mysqlPoolOptions`). */
  readonly params: Readonly<Record<string, string>>;
}

/** The file of an embedded SQLite ctldb. */
export interface SqliteDsn {
  /** Marks a SQLite DSN. */
  readonly kind: "sqlite";
  /** Path of the database file as written after `sqlite:`. */
  readonly path: string;
}

/** Any parsed ctldb DSN. */
export type ParsedDsn = MysqlDsn | SqliteDsn;

/** The MySQL DSN forms, for messages. */
export const MYSQL_DSN_FORMS =
  "user:password@tcp(host:port)/dbname, mysql://user:password@host:port/dbname";
/** The SQLite DSN form, for messages. */
export const SQLITE_DSN_FORMS = "sqlite:<path>";

/**
 * The DSN could not be parsed. The message says what was wrong, never the DSN itself.
 *
 * @example
 * ```ts
 * try {
 *   parseDsn("nonsense");
 * } catch (e) {
 *   if (e instanceof DsnError) console.error(e.message);
 * }
 * ```
 */
export class DsnError extends Error {
  /**
   * Creates the error.
   *
   * @param reason What was wrong with the DSN.
   * @param forms The forms the DSN could have had (default: MySQL's and SQLite's).
   */
  constructor(reason: string, forms = `${MYSQL_DSN_FORMS} or ${SQLITE_DSN_FORMS}`) {
    super(`invalid ctldb DSN: ${reason}; expected ${forms}`);
    this.name = "DsnError";
  }
}

/**
 * Parses a ctldb DSN in any of the accepted forms.
 *
 * @param dsn `user:pass@tcp(host:port)/db?params`, `mysql://user:pass@host:port/db` or `sqlite:<path>`.
 * @returns The connection settings.
 * @throws {DsnError} When the text fits none of the forms.
 *
 * @example Parse a Go-mysql DSN
 * ```ts
 * const dsn = parseDsn("ctl_user:p@ss@tcp(db:3307)/ctldb?parseTime=true");
 * // { kind: "mysql", host: "db", port: 3307, user: "ctl_user", password: "p@ss", database: "ctldb", ... }
 * ```
 */
export function parseDsn(dsn: string): ParsedDsn {
  if (dsn.startsWith("sqlite:")) return parseSqliteDsn(dsn.slice("sqlite:".length));
  if (/^mysql:\/\//i.test(dsn)) return parseMysqlUrl(dsn);
  return parseGoDsn(dsn);
}

function parseSqliteDsn(rest: string): SqliteDsn {
  const path = rest.startsWith("//") ? rest.slice(2) : rest;
  if (path === "") throw new DsnError("sqlite DSN names no file");
  return { kind: "sqlite", path };
}

function decode(text: string, what: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    throw new DsnError(`bad percent-encoding in the ${what}`);
  }
}

function parseParams(query: string): Record<string, string> {
  const params: Record<string, string> = {};
  if (query === "") return params;
  for (const pair of query.split("&")) {
    if (pair === "") continue;
    const eq = pair.indexOf("=");
    if (eq <= 0) throw new DsnError("a parameter is not of the form key=value");
    params[decode(pair.slice(0, eq), "parameters")] = decode(pair.slice(eq + 1), "parameters");
  }
  return params;
}

function parsePort(text: string): number {
  if (!/^\d{1,5}$/.test(text) || Number(text) < 1 || Number(text) > 65535) {
    throw new DsnError("the port is not a number between 1 and 65535");
  }
  return Number(text);
}

/** Splits `host`, `host:port`, `[v6]` or `[v6]:port`. */
function parseHostPort(address: string): { host: string; port: number } {
  if (address.startsWith("[")) {
    const close = address.indexOf("]");
    if (close < 0) throw new DsnError("an IPv6 address lacks its closing bracket");
    const after = address.slice(close + 1);
    if (after !== "" && !after.startsWith(":")) {
      throw new DsnError("bad text after an IPv6 address");
    }
    return {
      host: address.slice(1, close),
      port: after === "" ? 3306 : parsePort(after.slice(1)),
    };
  }
  const colon = address.lastIndexOf(":");
  const host = colon < 0 ? address : address.slice(0, colon);
  if (host === "" || /[\s/@]/.test(host)) {
    throw new DsnError("the host name is missing or malformed");
  }
  return { host, port: colon < 0 ? 3306 : parsePort(address.slice(colon + 1)) };
}

function withSocketParam(
  base: Omit<MysqlDsn, "kind" | "params">,
  params: Record<string, string>,
): MysqlDsn {
  const socket = params["socket"];
  if (socket !== undefined && base.socketPath === undefined) {
    return { kind: "mysql", ...base, host: undefined, port: undefined, socketPath: socket, params };
  }
  return { kind: "mysql", ...base, params };
}

function dropUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

function parseMysqlUrl(dsn: string): MysqlDsn {
  let url: URL;
  try {
    url = new URL(dsn);
  } catch {
    throw new DsnError("the mysql:// URL is malformed");
  }
  if (url.hash !== "") {
    throw new DsnError("a mysql:// URL must not have a fragment (encode # as %23)");
  }
  const path = decode(url.pathname.replace(/^\//, ""), "database name");
  if (path.includes("/")) throw new DsnError("the database name contains '/'");
  const hostname = url.hostname.replace(/^\[(.*)\]$/, "$1");
  if (hostname === "") throw new DsnError("the mysql:// URL names no host");
  const params = parseParams(url.search.replace(/^\?/, ""));
  return dropUndefined(withSocketParam({
    host: decode(hostname, "host"),
    port: url.port === "" ? 3306 : parsePort(url.port),
    user: url.username === "" ? undefined : decode(url.username, "user name"),
    password: url.password === "" ? undefined : decode(url.password, "password"),
    database: path,
  }, params));
}

/**
 * Go-mysql form `[user[:password]@][net[(addr)]]/dbname[?params]`. The network part is found
 * first (the last `tcp(`/`unix(` preceded by `@` or at the start), so the password may contain
 * any character, including `@ : / ? #`.
 */
function parseGoDsn(dsn: string): MysqlDsn {
  const matches = [...dsn.matchAll(/(^|@)(tcp|unix)\(/g)];
  const last = matches.at(-1);
  let userInfo: string | undefined;
  let rest: string;
  let net = "tcp";
  let address = "127.0.0.1:3306";
  if (last !== undefined) {
    const at = last.index;
    userInfo = last[1] === "@" ? dsn.slice(0, at) : undefined;
    net = last[2] as string;
    const open = at + last[0].length;
    const close = dsn.indexOf(")", open);
    if (close < 0) throw new DsnError(`the ${net}( address lacks its closing parenthesis`);
    address = dsn.slice(open, close);
    rest = dsn.slice(close + 1);
  } else {
    const slash = dsn.lastIndexOf("/", dsn.includes("?") ? dsn.indexOf("?") : dsn.length);
    if (slash < 0) throw new DsnError("no /dbname part found");
    const at = dsn.lastIndexOf("@", slash);
    if (at < 0 && slash !== 0) throw new DsnError("unknown text before /dbname");
    userInfo = at < 0 ? undefined : dsn.slice(0, at);
    if (at >= 0 && at + 1 !== slash) throw new DsnError("unsupported network (use tcp or unix)");
    rest = dsn.slice(slash);
  }
  if (!rest.startsWith("/")) throw new DsnError("expected /dbname after the address");
  const question = rest.indexOf("?");
  const database = question < 0 ? rest.slice(1) : rest.slice(1, question);
  if (database.includes("/")) throw new DsnError("the database name contains '/'");
  const params = parseParams(question < 0 ? "" : rest.slice(question + 1));
  let user: string | undefined;
  let password: string | undefined;
  if (userInfo !== undefined) {
    const colon = userInfo.indexOf(":");
    user = colon < 0 ? userInfo : userInfo.slice(0, colon);
    password = colon < 0 ? undefined : userInfo.slice(colon + 1);
    if (user === "") user = undefined;
  }
  if (net === "unix") {
    if (address === "") throw new DsnError("unix() names no socket path");
    return dropUndefined(
      withSocketParam({ socketPath: address, user, password, database }, params),
    );
  }
  const { host, port } = parseHostPort(address);
  return dropUndefined(withSocketParam({ host, port, user, password, database }, params));
}

/**
 * The session settings run on every new MySQL connection: ANSI quoting without backslash
 * escapes (what the generated SQL needs, spec §4.3), strict mode so nothing is silently
 * truncated (DESIGN §3.2), and UTC so `CURRENT_TIMESTAMP` in the ledger is UTC.
 *
 * @example
 * ```ts
 * await connection.query(MYSQL_SESSION_SQL);
 * ```
 */
export const MYSQL_SESSION_SQL: string =
  "SET SESSION sql_mode = 'ANSI_QUOTES,NO_BACKSLASH_ESCAPES,STRICT_ALL_TABLES', " +
  "time_zone = '+00:00', NAMES utf8mb4 COLLATE utf8mb4_unicode_ci";

/** The mysql2 pool settings derived from a DSN (a subset of mysql2's `PoolOptions`). */
export interface MysqlPoolSettings {
  /** Server host. */
  host?: string;
  /** Server port. */
  port?: number;
  /** Unix socket path, instead of host and port. */
  socketPath?: string;
  /** User name. */
  user?: string;
  /** Password. */
  password?: string;
  /** Default database. */
  database?: string;
  /** Connection collation, always `utf8mb4_unicode_ci`. */
  charset: string;
  /** Connect timeout in milliseconds. */
  connectTimeout: number;
  /** Pool size. */
  connectionLimit: number;
  /** DATETIME values are read as text. */
  dateStrings: true;
  /** BIGINT/DECIMAL values are read without loss… */
  supportBigNumbers: true;
  /** …as text (turned into numbers or bigints by the adapter). */
  bigNumberStrings: true;
  /** Dates are UTC. */
  timezone: "Z";
  /** TLS settings when the DSN has `tls=true` or `tls=skip-verify`. */
  ssl?: { rejectUnauthorized: boolean };
}

/**
 * Turns a parsed MySQL DSN into mysql2 pool settings.
 *
 * DSN parameters only matter where mysql2 has an equivalent: `tls` (`true`, `skip-verify`)
 * and `socket`. The rest (`collation`, `parseTime`, `timeout`, `sql_mode`, `charset`, …) are
 * accepted and ignored, since the settings they would change are fixed here and in
 * {@linkcode MYSQL_SESSION_SQL}.
 *
 * @example
 * ```ts
 * const settings = mysqlPoolOptions(parseDsn("root@tcp(127.0.0.1:3306)/ctldb") as MysqlDsn);
 * const pool = mysql.createPool(settings);
 * ```
 */
export function mysqlPoolOptions(dsn: MysqlDsn, options: ConnectOptions = {}): MysqlPoolSettings {
  const settings: MysqlPoolSettings = {
    charset: "utf8mb4_unicode_ci",
    connectTimeout: options.connectTimeoutMs ?? 5000,
    connectionLimit: options.poolSize ?? 10,
    dateStrings: true,
    supportBigNumbers: true,
    bigNumberStrings: true,
    timezone: "Z",
  };
  if (dsn.socketPath !== undefined) settings.socketPath = dsn.socketPath;
  if (dsn.host !== undefined) settings.host = dsn.host;
  if (dsn.port !== undefined) settings.port = dsn.port;
  if (dsn.user !== undefined) settings.user = dsn.user;
  if (dsn.password !== undefined) settings.password = dsn.password;
  if (dsn.database !== "") settings.database = dsn.database;
  const tls = dsn.params["tls"]?.toLowerCase();
  if (tls === "true") settings.ssl = { rejectUnauthorized: true };
  if (tls === "skip-verify") settings.ssl = { rejectUnauthorized: false };
  return settings;
}
