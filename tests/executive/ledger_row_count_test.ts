import assert from "node:assert/strict";
import { countLedgerRows } from "../../lib/executive/ledger_row_count.ts";
import { eachCtldb, mutate, row, setupMyTable } from "./_fixture.ts";

eachCtldb("the ledger row count follows the ledger", {}, async (fx) => {
  assert.equal(await countLedgerRows(fx.db), 0);
  await setupMyTable(fx);
  assert.equal((await mutate(fx, { mutations: [row(1, "a"), row(2, "b")] })).status, 200);
  // InnoDB's estimate is refreshed by ANALYZE; it is exact for a table this small.
  if (fx.dialect === "mysql") await fx.db.query("ANALYZE TABLE ctlstore_dml_ledger");
  assert.equal(await countLedgerRows(fx.db), 5);
});

eachCtldb("GET /metrics reports the ledger row count, refreshed periodically", {
  limitsRefreshMs: 20,
}, async (fx) => {
  await setupMyTable(fx);
  if (fx.dialect === "mysql") await fx.db.query("ANALYZE TABLE ctlstore_dml_ledger");
  let text = "";
  for (let i = 0; i < 100; i++) {
    text = (await fx.call("GET", "/metrics")).text;
    if (/ctlstore_executive_ledger_rows\{[^}]*\} 1\n/.test(text)) break;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  assert.match(text, /ctlstore_executive_ledger_rows\{[^}]*\} 1\n/);
});
