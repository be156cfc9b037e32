import assert from "node:assert/strict";
import {
  envName,
  FlagError,
  type FlagSpecs,
  formatFlagHelp,
  parseFlags,
} from "../../lib/flags/mod.ts";

const SPECS = {
  bind: { type: "string", help: "listen address", required: true },
  debug: { type: "bool", help: "debug logging" },
  "poll-interval": { type: "duration", help: "poll", default: "1s" },
  "query-block-size": { type: "int", help: "rows", default: "100" },
  "poll-jitter-coefficient": { type: "float", help: "jitter", default: "0.25" },
  "ledger-latency.max-healty-latency": { type: "duration", help: "max", default: "1m" },
  "multi-reflector.ldb-paths": { type: "list", help: "paths" },
  executive: { type: "string", help: "url", short: "e", default: "ctlstore-executive" },
  field: { type: "list", help: "name:type" },
} as const satisfies FlagSpecs;

Deno.test("every Go flag syntax is accepted", () => {
  const forms = [
    ["-bind", ":3000"],
    ["-bind=:3000"],
    ["--bind", ":3000"],
    ["--bind=:3000"],
  ];
  for (const args of forms) {
    assert.equal(parseFlags(SPECS, args, {}).values.bind, ":3000", args.join(" "));
  }
});

Deno.test("bare booleans are true and take no value", () => {
  const { values, positionals } = parseFlags(SPECS, ["-debug", "x", "-bind", "a"], {});
  assert.equal(values.debug, true);
  assert.deepEqual(positionals, ["x"]);
  assert.equal(parseFlags(SPECS, ["-debug=false", "-bind", "a"], {}).values.debug, false);
});

Deno.test("values are typed: durations in ms, ints, floats, dotted names", () => {
  const { values } = parseFlags(SPECS, [
    "-bind=a",
    "-poll-interval",
    "1h30m",
    "-query-block-size=7",
    "-poll-jitter-coefficient",
    "0.5",
    "-ledger-latency.max-healty-latency=30s",
  ], {});
  assert.equal(values["poll-interval"], 5_400_000);
  assert.equal(values["query-block-size"], 7);
  assert.equal(values["poll-jitter-coefficient"], 0.5);
  assert.equal(values["ledger-latency.max-healty-latency"], 30_000);
});

Deno.test("defaults apply when neither flag nor environment is given", () => {
  const { values } = parseFlags(SPECS, ["-bind", "a"], {});
  assert.equal(values["poll-interval"], 1000);
  assert.equal(values["query-block-size"], 100);
  assert.equal(values.debug, false);
  assert.deepEqual(values["multi-reflector.ldb-paths"], []);
});

Deno.test("flags without a default take their type's zero value", () => {
  const specs = {
    s: { type: "string", help: "" },
    b: { type: "bool", help: "" },
    i: { type: "int", help: "" },
    f: { type: "float", help: "" },
    d: { type: "duration", help: "" },
    l: { type: "list", help: "" },
  } as const satisfies FlagSpecs;
  assert.deepEqual(parseFlags(specs, [], {}).values, { s: "", b: false, i: 0, f: 0, d: 0, l: [] });
  parseFlags(specs, [], {}).values.l.push("changed by a caller");
  assert.deepEqual(parseFlags(specs, [], {}).values.l, []);
});

Deno.test("a value starting with a dash is taken by a flag that needs one", () => {
  const { values, positionals } = parseFlags(SPECS, [
    "-bind",
    "-",
    "-poll-interval",
    "-1s",
    "-query-block-size",
    "-5",
    "-poll-jitter-coefficient=-0.5",
  ], {});
  assert.equal(values.bind, "-");
  assert.equal(values["poll-interval"], -1000);
  assert.equal(values["query-block-size"], -5);
  assert.equal(values["poll-jitter-coefficient"], -0.5);
  assert.deepEqual(positionals, []);
});

Deno.test("-- ends the flags: everything after it is positional", () => {
  const { values, positionals } = parseFlags(SPECS, ["-bind=a", "k1", "--", "-debug", "-5"], {});
  assert.equal(values.debug, false);
  assert.deepEqual(positionals, ["k1", "-debug", "-5"]);
});

Deno.test("flag beats environment beats default", () => {
  const env = { CTLSTORE_POLL_INTERVAL: "2s", CTLSTORE_BIND: ":1" };
  assert.equal(parseFlags(SPECS, [], env).values["poll-interval"], 2000);
  assert.equal(parseFlags(SPECS, [], env).values.bind, ":1");
  assert.equal(parseFlags(SPECS, ["-poll-interval=3s"], env).values["poll-interval"], 3000);
});

Deno.test("environment names follow CTLSTORE_ + upper-cased path", () => {
  assert.equal(envName("ldb-path"), "CTLSTORE_LDB_PATH");
  assert.equal(envName("dogstatsd.address"), "CTLSTORE_DOGSTATSD_ADDRESS");
  assert.equal(
    envName("ledger-latency.max-healty-latency"),
    "CTLSTORE_LEDGER_LATENCY_MAX_HEALTY_LATENCY",
  );
});

Deno.test("lists accept YAML flow syntax and repetition", () => {
  const flow = parseFlags(SPECS, [
    "-bind=a",
    "-multi-reflector.ldb-paths",
    "[/a/ldb.db,/a/ldb-2.db]",
  ], {});
  assert.deepEqual(flow.values["multi-reflector.ldb-paths"], ["/a/ldb.db", "/a/ldb-2.db"]);
  const repeated = parseFlags(
    SPECS,
    ["-bind=a", "--field", "id:integer", "--field", "n:string"],
    {},
  );
  assert.deepEqual(repeated.values.field, ["id:integer", "n:string"]);
  const env = { CTLSTORE_MULTI_REFLECTOR_LDB_PATHS: "[/e/ldb.db, '/e/ldb-2.db']" };
  assert.deepEqual(parseFlags(SPECS, ["-bind=a"], env).values["multi-reflector.ldb-paths"], [
    "/e/ldb.db",
    "/e/ldb-2.db",
  ]);
  const given = parseFlags(SPECS, ["-bind=a", "-multi-reflector.ldb-paths=/f/ldb.db"], env);
  assert.deepEqual(given.values["multi-reflector.ldb-paths"], ["/f/ldb.db"]);
});

Deno.test("short aliases set the long flag", () => {
  assert.equal(parseFlags(SPECS, ["-bind=a", "-e", "exec:3000"], {}).values.executive, "exec:3000");
});

Deno.test("mistakes fail with a message naming the flag", () => {
  const cases: [string[], string][] = [
    [[], "missing required flag -bind"],
    [["-bind=a", "-nope"], "flag provided but not defined: -nope"],
    [["-bind"], "flag needs an argument: -bind"],
    [["-bind=a", "-poll-interval=soon"], 'invalid duration value "soon" for flag -poll-interval'],
    [
      ["-bind=a", "-query-block-size=1.5"],
      'invalid integer value "1.5" for flag -query-block-size',
    ],
    [["-bind=a", "-debug=maybe"], 'invalid boolean value "maybe" for flag -debug'],
    [["-bind="], "-bind must not be empty"],
    [["-bind=a", "-query-block-size="], 'invalid integer value "" for flag -query-block-size'],
    [
      ["-bind=a", "-query-block-size=9007199254740993"],
      'invalid integer value "9007199254740993" for flag -query-block-size',
    ],
    [
      ["-bind=a", "-poll-jitter-coefficient=0x10"],
      'invalid number value "0x10" for flag -poll-jitter-coefficient',
    ],
    [
      ["-bind=a", "-poll-jitter-coefficient=Infinity"],
      'invalid number value "Infinity" for flag -poll-jitter-coefficient',
    ],
  ];
  for (const [args, message] of cases) {
    assert.throws(() => parseFlags(SPECS, args, {}), new FlagError(message), args.join(" "));
  }
});

Deno.test("every missing required flag is named in one message", () => {
  const specs = {
    bind: { type: "string", help: "listen address", required: true },
    ctldb: { type: "string", help: "DSN", required: true },
    seq: { type: "int", help: "seq", required: true },
    field: { type: "list", help: "name:type", required: true },
  } as const satisfies FlagSpecs;
  const cases: [string[], Record<string, string>, string][] = [
    [[], {}, "missing required flags -bind, -ctldb, -seq, -field"],
    [["-bind", "a", "-seq", "1", "-field", "id:integer"], {}, "missing required flag -ctldb"],
    [
      ["-bind", "a", "-ctldb", "d", "-field", "x"],
      { CTLSTORE_SEQ: "" },
      "missing required flag -seq",
    ],
    [["-bind", "a", "-ctldb", "d", "-seq", "0", "-field", "x"], {}, "-seq must not be 0"],
    [["-bind", "a", "-ctldb", "d", "-seq", "1", "-field="], {}, "-field must not be empty"],
    [
      ["-bind", "a", "-ctldb", "d", "-field", "x"],
      { CTLSTORE_SEQ: "0" },
      "-seq must not be 0 (set by $CTLSTORE_SEQ)",
    ],
    [["-bind=", "-seq", "1", "-field", "x"], {}, "missing required flag -ctldb"],
  ];
  for (const [args, env, message] of cases) {
    assert.throws(() => parseFlags(specs, args, env), new FlagError(message), args.join(" "));
  }
});

Deno.test("help is reported without failing required flags", () => {
  assert.equal(parseFlags(SPECS, ["--help"], {}).help, true);
  assert.equal(parseFlags(SPECS, ["-h"], {}).help, true);
});

Deno.test("flag help lists names, defaults and environment variables", () => {
  const help = formatFlagHelp(SPECS);
  assert.match(
    help,
    /-poll-interval duration\n\s+poll \(default 1s\) \[\$CTLSTORE_POLL_INTERVAL\]/,
  );
  assert.match(help, /-bind string\n\s+listen address \(required\)/);
  assert.match(help, /-e, -executive string/);
});

Deno.test("a required flag's help says required and shows no default", () => {
  const help = formatFlagHelp({
    interval: { type: "duration", help: "interval", default: "1s", required: true },
  });
  assert.equal(help, "  -interval duration\n      interval (required) [$CTLSTORE_INTERVAL]");
});

Deno.test("an empty environment variable counts as unset", () => {
  const env = { CTLSTORE_POLL_INTERVAL: "", CTLSTORE_QUERY_BLOCK_SIZE: "", CTLSTORE_BIND: "" };
  const { values } = parseFlags(SPECS, ["-bind", "a"], env);
  assert.equal(values["poll-interval"], 1000);
  assert.equal(values["query-block-size"], 100);
  assert.throws(() => parseFlags(SPECS, [], env), new FlagError("missing required flag -bind"));
});
