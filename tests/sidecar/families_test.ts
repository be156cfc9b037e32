import { equal, match } from "node:assert/strict";
import { silentLogger } from "../../lib/log/mod.ts";
import { fitSnapshotToFamilies } from "../../lib/reflector/partial_snapshot.ts";
import { testSidecar, usersHistoryLdb } from "./_fixture.ts";

const NOT_CARRIED =
  'family "other" is not carried by this LDB (partial LDB of families ctlstore, fam)\n';

Deno.test("a sidecar on a partial LDB answers another family with 404 saying it is not carried", async () => {
  using ldb = usersHistoryLdb();
  const seq = ldb.put(1, "ada");
  ldb.put(1, "secret", "other");
  fitSnapshotToFamilies(ldb.path, ["fam", "ctlstore"], silentLogger);
  await using sidecar = await testSidecar(ldb.path);

  const answers: [string, Response][] = [
    ["get-row-by-key", await sidecar.post("/get-row-by-key/other/users", { Key: [{ Value: 1 }] })],
    [
      "get-rows-by-key-prefix",
      await sidecar.post("/get-rows-by-key-prefix/other/users", { Key: [] }),
    ],
    ["changes", await sidecar.get(`/changes?after=0&family=other`)],
    ["watch", await sidecar.get(`/watch?after=0&family=other`)],
  ];
  for (const [route, response] of answers) {
    equal(response.status, 404, route);
    equal(await response.text(), NOT_CARRIED, route);
  }
  const missing = await sidecar.post("/get-row-by-key/fam/nope", { Key: [{ Value: 1 }] });
  equal(missing.status, 404);
  equal(await missing.text(), "Table not found\n", "a carried family's missing table");
  const row = await sidecar.post("/get-row-by-key/fam/users", { Key: [{ Value: 1 }] });
  equal(row.status, 200);
  equal(await row.text(), '{"id":1,"name":"ada"}\n');
  const changes = await sidecar.get(`/changes?after=${seq - 1}&family=fam`);
  equal(changes.status, 200);
  await changes.body?.cancel();

  const metrics = await (await sidecar.get("/metrics")).text();
  match(metrics, /ctlstore_sidecar_ldb_families_info\{families="ctlstore,fam"[^}]*\} 1/);
});

Deno.test("a sidecar on a full LDB reports every family in its metrics", async () => {
  using ldb = usersHistoryLdb();
  await using sidecar = await testSidecar(ldb.path);
  const metrics = await (await sidecar.get("/metrics")).text();
  match(metrics, /ctlstore_sidecar_ldb_families_info\{families="\*"[^}]*\} 1/);
});
