import assert from "node:assert/strict";
import { parseFlags, prefixFlags, unprefixFlagValues } from "../../lib/flags/mod.ts";

const SPECS = {
  "ldb-path": { type: "string", help: "LDB file", required: true, env: "CUSTOM_LDB" },
  "ledger-latency.disable": { type: "bool", help: "no-op" },
  "poll-interval": { type: "duration", help: "poll", default: "1s" },
} as const;

Deno.test("prefixed flags parse from dotted names and their own environment variables", () => {
  const nested = prefixFlags("reflector", SPECS, { "ledger-latency.disable": { default: "true" } });
  const { values } = parseFlags(nested, ["-reflector.poll-interval", "50ms"], {
    CTLSTORE_REFLECTOR_LDB_PATH: "/tmp/ldb.db",
    CUSTOM_LDB: "/ignored.db",
  });

  assert.deepEqual(Object.keys(nested), [
    "reflector.ldb-path",
    "reflector.ledger-latency.disable",
    "reflector.poll-interval",
  ]);
  assert.deepEqual(unprefixFlagValues("reflector", SPECS, values), {
    "ldb-path": "/tmp/ldb.db",
    "ledger-latency.disable": true,
    "poll-interval": 50,
  });
});

Deno.test("prefixed required flags report their nested name", () => {
  assert.throws(() => parseFlags(prefixFlags("reflector", SPECS), [], {}), {
    message: "missing required flag -reflector.ldb-path",
  });
});
