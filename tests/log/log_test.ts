import assert from "node:assert/strict";
import { createLogger, redactDsn } from "../../lib/log/mod.ts";

Deno.test("log lines carry level, service, message and fields on one line", () => {
  const lines: string[] = [];
  const log = createLogger("reflector", { write: (l) => lines.push(l) });
  log.info("applied statement", { seq: 42, note: "two words" });
  log.debug("hidden");
  assert.equal(lines.length, 1);
  assert.match(lines[0]!, /^\S+ INFO reflector: applied statement seq=42 note="two words"$/);
});

Deno.test("debug lines appear only when debug is on", () => {
  const lines: string[] = [];
  createLogger("x", { debug: true, write: (l) => lines.push(l) }).child("y").debug("shown");
  assert.match(lines[0]!, /DEBUG x\/y: shown/);
});

Deno.test("passwords in DSNs and URLs are redacted", () => {
  assert.equal(redactDsn("user:pw@tcp(db:3306)/ctldb"), "user:<REDACTED>@tcp(db:3306)/ctldb");
  assert.equal(redactDsn("mysql://u:s3cr@t@h:1/db"), "mysql://u:<REDACTED>@h:1/db");
  assert.equal(redactDsn("sqlite:/data/ctldb.db"), "sqlite:/data/ctldb.db");
});
