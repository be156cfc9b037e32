import assert from "node:assert/strict";
import {
  ExecutiveClient,
  ExecutiveError,
  ExecutiveUnreachableError,
} from "../../lib/client/mod.ts";
import { startExecutive } from "../../lib/executive/mod.ts";
import { freePort } from "../_helpers/process.ts";
import { tempDir } from "../_helpers/temp.ts";

async function withExecutive(
  fn: (client: ExecutiveClient, address: string) => Promise<void>,
  adminToken?: string,
): Promise<void> {
  await using dir = await tempDir();
  const executive = await startExecutive({
    bind: "127.0.0.1:0",
    ctldb: `sqlite:${dir.path}/ctldb.db`,
    adminToken,
  });
  try {
    const address = `127.0.0.1:${executive.address!.port}`;
    await fn(new ExecutiveClient(address, { adminToken }), address);
  } finally {
    await executive.stop();
  }
}

const writer = { writer: "writer1", secret: "secret1" };

Deno.test("the client creates a schema, writes rows and reads the schema back", async () => {
  await withExecutive(async (client) => {
    await client.createFamily("accounts");
    await client.createTable("accounts", "users", {
      fields: [["id", "integer"], ["name", "string"], ["data", "binary"]],
      keyFields: ["id"],
    });
    await client.addFields("accounts", "users", [["age", "integer"]]);
    await client.registerWriter(writer);
    const first = await client.mutate("accounts", writer, {
      cookie: new Uint8Array([1]),
      mutations: [{
        table: "users",
        values: { id: 9007199254740993n, name: "a", data: new Uint8Array([1, 2]), age: 3 },
      }],
    });
    const second = await client.mutate("accounts", writer, {
      cookie: new Uint8Array([2]),
      checkCookie: new Uint8Array([1]),
      mutations: [{ table: "users", delete: true, values: { id: 9007199254740993n } }],
    });
    assert.equal(typeof first.seq, "number");
    assert.ok(second.seq! > first.seq!);
    assert.deepEqual(await client.getCookie(writer), new Uint8Array([2]));
    assert.deepEqual(await client.tableSchema("accounts", "users"), {
      family: "accounts",
      name: "users",
      fields: [["id", "integer"], ["name", "string"], ["data", "binary"], ["age", "integer"]],
      keyFields: ["id"],
    });
    assert.deepEqual((await client.familySchema("accounts")).map((t) => t.name), ["users"]);
    assert.deepEqual(await client.familySchema("nothing"), []);
  });
});

Deno.test("the client sets cookies and reads and changes limits", async () => {
  await withExecutive(async (client) => {
    await client.registerWriter(writer);
    await client.setCookie(writer, new Uint8Array([7, 8]));
    assert.deepEqual(await client.getCookie(writer), new Uint8Array([7, 8]));
    await client.createFamily("fam");
    await client.createTable("fam", "tbl", { fields: [["id", "integer"]], keyFields: ["id"] });
    await client.updateTableLimit("fam", "tbl", { maxSize: 200, warnSize: 100 });
    assert.deepEqual(await client.readTableLimits(), {
      global: { maxSize: 104857600, warnSize: 52428800 },
      tables: [{ family: "fam", table: "tbl", maxSize: 200, warnSize: 100 }],
    });
    await client.deleteTableLimit("fam", "tbl");
    await client.updateWriterLimit("writer1", 30);
    assert.deepEqual(await client.readWriterLimits(), {
      global: { amount: 1000, periodNs: 60_000_000_000 },
      writers: [{ writer: "writer1", rateLimit: { amount: 30, periodNs: 60_000_000_000 } }],
    });
    await client.deleteWriterLimit("writer1");
    assert.deepEqual((await client.readWriterLimits()).writers, []);
  }, "t0ken");
});

Deno.test("a non-200 answer throws ExecutiveError with status, body and the CLI's message", async () => {
  await withExecutive(async (client) => {
    await client.createFamily("accounts");
    const error = await client.createFamily("accounts").catch((e) => e);
    assert.ok(error instanceof ExecutiveError);
    assert.equal(error.status, 409);
    assert.equal(error.body, "Family already exists");
    assert.equal(
      error.message,
      "could not create family 'accounts': server returned [409]: Family already exists",
    );
  });
});

Deno.test("admin routes without the token are refused with 401", async () => {
  await withExecutive(async (_client, address) => {
    const error = await new ExecutiveClient(address).createFamily("accounts").catch((e) => e);
    assert.ok(error instanceof ExecutiveError);
    assert.equal(error.status, 401);
  }, "t0ken");
});

Deno.test("an unreachable executive throws ExecutiveUnreachableError with its URL", async () => {
  const port = freePort();
  const client = new ExecutiveClient(`127.0.0.1:${port}`);
  const error = await client.status().catch((e) => e);
  assert.ok(error instanceof ExecutiveUnreachableError);
  assert.equal(error.message, "could not make request: connection refused");
  assert.equal(error.reason, "connection refused");
  assert.equal(error.url, `http://127.0.0.1:${port}`);
});

Deno.test("why the executive cannot be reached is worded: DNS, timeout, TLS", async () => {
  const reason = async (client: ExecutiveClient) => {
    const error = await client.status().catch((e) => e);
    assert.ok(error instanceof ExecutiveUnreachableError, String(error));
    return error.reason;
  };
  assert.equal(
    await reason(new ExecutiveClient("ctlstore-executive.invalid:3000")),
    "host not found (DNS lookup failed)",
  );
  // A server that accepts the connection and never answers.
  const silent = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const held: Deno.Conn[] = [];
  const accepting = (async () => {
    for await (const connection of silent) held.push(connection);
  })();
  try {
    const { port } = silent.addr as Deno.NetAddr;
    assert.equal(
      await reason(new ExecutiveClient(`127.0.0.1:${port}`, { timeoutMs: 200 })),
      "timed out after 200ms",
    );
  } finally {
    silent.close();
    await accepting.catch(() => {});
    held.forEach((connection) => connection.close());
  }
  // HTTPS to a server that speaks plain HTTP.
  await using plain = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen() {} },
    () => new Response("ok"),
  );
  assert.match(
    await reason(new ExecutiveClient(`https://127.0.0.1:${plain.addr.port}`)),
    /^TLS handshake failed: /,
  );
});
