import { deepStrictEqual as assertEquals } from "node:assert/strict";
import { Reader } from "../../lib/mod.ts";
import { ExecutiveClient } from "../../lib/client/mod.ts";
import { freshPostgresDatabase, postgresTest } from "../_helpers/postgres.ts";
import { freePort, spawnCli } from "../_helpers/process.ts";
import { tempDir } from "../_helpers/temp.ts";
import { eventually } from "./_fixtures.ts";

postgresTest(
  "a row written through `ctlstore executive` on PostgreSQL is read from the LDB of `ctlstore reflector -upstream-driver postgres`",
  async () => {
    await using database = await freshPostgresDatabase();
    await using dir = await tempDir();
    const port = freePort();
    await using executive = await spawnCli(
      ["executive", "-bind", `127.0.0.1:${port}`, "-ctldb", database.dsn],
      { waitFor: "executive listening", port },
    );
    const client = new ExecutiveClient(`http://127.0.0.1:${port}`);
    const writer = { writer: "e2e", secret: "e2e-secret-value" };
    await client.createFamily("shop");
    await client.registerWriter(writer);
    await client.createTable("shop", "items", {
      fields: [["sku", "string"], ["qty", "integer"], ["tag", "bytestring"]],
      keyFields: ["sku"],
    });
    await client.mutate("shop", writer, {
      mutations: [{ table: "items", values: { sku: "A-1", qty: 9007199254740993n, tag: "3q0=" } }],
    });
    const ldbPath = `${dir.path}/ldb.db`;
    await using reflector = await spawnCli([
      "reflector",
      ...["-ldb-path", ldbPath, "-upstream-driver", "postgres", "-upstream-dsn", database.dsn],
      ...["-poll-interval", "50ms"],
    ], { waitFor: "reflector started" });
    let row: Record<string, unknown> | undefined;
    await eventually("the row in the LDB", () => {
      try {
        using reader = Reader.open(ldbPath);
        row = reader.getRowByKey("shop", "items", "A-1");
      } catch {
        row = undefined;
      }
      return row !== undefined;
    });
    assertEquals(row, { sku: "A-1", qty: 9007199254740993n, tag: new Uint8Array([0xde, 0xad]) });
    reflector.kill("SIGTERM");
    assertEquals((await reflector.status).code, 0, reflector.stderr());
    executive.kill("SIGTERM");
    assertEquals((await executive.status).code, 0, executive.stderr());
  },
);
