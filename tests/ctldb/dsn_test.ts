import assert from "node:assert/strict";
import { DsnError, type MysqlDsn, mysqlPoolOptions, parseDsn } from "../../lib/ctldb/dsn.ts";

const PARSE_CASES: { dsn: string; want: object }[] = [
  {
    dsn: "root@tcp(127.0.0.1:3306)/",
    want: { kind: "mysql", host: "127.0.0.1", port: 3306, user: "root", database: "", params: {} },
  },
  {
    dsn: "ctl_user:p@ss#w/rd@tcp(h:3307)/db?parseTime=true",
    want: {
      kind: "mysql",
      host: "h",
      port: 3307,
      user: "ctl_user",
      password: "p@ss#w/rd",
      database: "db",
      params: { parseTime: "true" },
    },
  },
  {
    dsn: "u:a:b?c@tcp(db.example.com)/ctldb?collation=utf8mb4_unicode_ci&sql_mode=%27ANSI%27",
    want: {
      kind: "mysql",
      host: "db.example.com",
      port: 3306,
      user: "u",
      password: "a:b?c",
      database: "ctldb",
      params: { collation: "utf8mb4_unicode_ci", sql_mode: "'ANSI'" },
    },
  },
  {
    dsn: "tcp(localhost:3300)/ctldb",
    want: { kind: "mysql", host: "localhost", port: 3300, database: "ctldb", params: {} },
  },
  {
    dsn: "u:pw@tcp([::1]:3310)/x",
    want: {
      kind: "mysql",
      host: "::1",
      port: 3310,
      user: "u",
      password: "pw",
      database: "x",
      params: {},
    },
  },
  {
    dsn: "u:@unix(/run/mysqld/mysqld.sock)/ctldb",
    want: {
      kind: "mysql",
      socketPath: "/run/mysqld/mysqld.sock",
      user: "u",
      password: "",
      database: "ctldb",
      params: {},
    },
  },
  {
    dsn: "u:pw@/ctldb",
    want: {
      kind: "mysql",
      host: "127.0.0.1",
      port: 3306,
      user: "u",
      password: "pw",
      database: "ctldb",
      params: {},
    },
  },
  {
    dsn: "mysql://ctl_user:p%40ss%23w%2Frd@db:3307/ctldb?tls=skip-verify",
    want: {
      kind: "mysql",
      host: "db",
      port: 3307,
      user: "ctl_user",
      password: "p@ss#w/rd",
      database: "ctldb",
      params: { tls: "skip-verify" },
    },
  },
  {
    dsn: "mysql://root@127.0.0.1/",
    want: { kind: "mysql", host: "127.0.0.1", port: 3306, user: "root", database: "", params: {} },
  },
  {
    dsn: "mysql://u@localhost/db?socket=%2Ftmp%2Fm.sock",
    want: {
      kind: "mysql",
      socketPath: "/tmp/m.sock",
      user: "u",
      database: "db",
      params: { socket: "/tmp/m.sock" },
    },
  },
  { dsn: "sqlite:/x", want: { kind: "sqlite", path: "/x" } },
  { dsn: "sqlite:./data/ctldb.db", want: { kind: "sqlite", path: "./data/ctldb.db" } },
  { dsn: "sqlite:///var/lib/ctldb.db", want: { kind: "sqlite", path: "/var/lib/ctldb.db" } },
];

Deno.test("parseDsn reads Go-mysql DSNs, mysql:// URLs and sqlite: paths", () => {
  for (const { dsn, want } of PARSE_CASES) {
    assert.deepEqual(parseDsn(dsn), want, dsn);
  }
});

const BAD_DSNS = [
  "",
  "nonsense",
  "sqlite:",
  "u:secretpw@tcp(h:3306/db",
  "u:secretpw@tcp(h:99999)/db",
  "u:secretpw@tcp(h:port)/db",
  "u:secretpw@tcp(h)db",
  "u:secretpw@tcp(h)/a/b",
  "u:secretpw@tcp(h)/db?novalue",
  "u:secretpw@tcp(h)/db?x=%zz",
  "u:secretpw@udp(h)/db",
  "mysql://u:secretpw@/db",
  "mysql://u:secretpw@h/db#frag",
];

Deno.test("parseDsn rejects malformed DSNs without echoing the password", () => {
  for (const dsn of BAD_DSNS) {
    assert.throws(() => parseDsn(dsn), (e: unknown) => {
      assert.ok(e instanceof DsnError, dsn);
      assert.match(e.message, /^invalid ctldb DSN: /, dsn);
      assert.doesNotMatch(e.message, /secretpw/, dsn);
      return true;
    }, dsn);
  }
});

Deno.test("mysqlPoolOptions fixes charset, timeout, date strings, big numbers and UTC", () => {
  const dsn = parseDsn("u:pw@tcp(h:3307)/db?timeout=30s&tls=true") as MysqlDsn;
  assert.deepEqual(mysqlPoolOptions(dsn), {
    host: "h",
    port: 3307,
    user: "u",
    password: "pw",
    database: "db",
    charset: "utf8mb4_unicode_ci",
    connectTimeout: 5000,
    connectionLimit: 10,
    dateStrings: true,
    supportBigNumbers: true,
    bigNumberStrings: true,
    timezone: "Z",
    ssl: { rejectUnauthorized: true },
  });
  const tuned = mysqlPoolOptions(parseDsn("u@tcp(h)/") as MysqlDsn, {
    connectTimeoutMs: 250,
    poolSize: 3,
  });
  assert.equal(tuned.connectTimeout, 250);
  assert.equal(tuned.connectionLimit, 3);
  assert.equal(tuned.database, undefined);
});
