import assert from "node:assert/strict";
import type { Page } from "playwright-core";
import { ExecutiveClient } from "../../lib/client/mod.ts";
import { freePort, spawnCli } from "../_helpers/process.ts";
import { tempDir } from "../_helpers/temp.ts";
import { browserTest, launchBrowser } from "./_browser.ts";
import { HOSTILE } from "./_fixture.ts";

/** The few DOM members the pages' scripts read (the tests are type-checked without the DOM). */
interface Window {
  document: { documentElement: { scrollWidth: number; clientWidth: number } };
  getComputedStyle(element: unknown): { backgroundColor: string };
}

const TOKEN = "browser-test-token";
const WRITER = { writer: "console-writer", secret: "s3cret-value" };

/** `ctlstore up` (the real CLI) with its console, a heartbeat every second and a demo table. */
async function startUp(dataDir: string) {
  const [executive, sidecar, operatorConsole] = [freePort(), freePort(), freePort()];
  const cli = await spawnCli([
    "up",
    "-data-dir",
    dataDir,
    "-executive-bind",
    `127.0.0.1:${executive}`,
    "-sidecar-bind",
    `127.0.0.1:${sidecar}`,
    "-console-bind",
    `127.0.0.1:${operatorConsole}`,
    "-heartbeat-interval",
    "1s",
    "-poll-interval",
    "20ms",
    "-admin-token",
    TOKEN,
    "-enable-destructive-schema-changes",
  ], { waitFor: "Ctrl-C stops everything" });
  const consoleUrl = /console\s+(http:\S+)/.exec(cli.stdout())?.[1];
  assert.equal(consoleUrl, `http://127.0.0.1:${operatorConsole}`, cli.stdout());
  const client = new ExecutiveClient(`127.0.0.1:${executive}`, { adminToken: TOKEN });
  await client.createFamily("demo");
  await client.createTable("demo", "users", {
    fields: [["id", "integer"], ["name", "string"], ["avatar", "bytestring"]],
    keyFields: ["id"],
  });
  await client.registerWriter(WRITER);
  await client.mutate("demo", WRITER, {
    mutations: [
      { table: "users", values: { id: 1, name: "ada", avatar: new Uint8Array([0xde, 0xad]) } },
      { table: "users", values: { id: 2, name: HOSTILE, avatar: null } },
    ],
  });
  return {
    cli,
    client,
    consoleUrl,
    executiveUrl: `http://127.0.0.1:${executive}`,
    sidecarUrl: `http://127.0.0.1:${sidecar}`,
  };
}

/** Opens a page of the console, waiting until a row with `key` is there (the LDB caught up). */
async function openWithRow(page: Page, url: string, selector: string): Promise<void> {
  for (let attempt = 0;; attempt++) {
    await page.goto(url);
    if (await page.locator(selector).count() > 0 || attempt === 100) return;
    await page.waitForTimeout(100);
  }
}

browserTest(
  "the console in a browser: navigate, follow history live, refuse admin without the token",
  async (t) => {
    await using dir = await tempDir();
    const up = await startUp(`${dir.path}/data`);
    await using _cli = up.cli;
    await using browser = await launchBrowser();
    const page = await browser.page();
    const dialogs: string[] = [];
    page.on("dialog", (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });
    const errors: string[] = [];
    page.on("pageerror", (error) => errors.push(error.message));

    await t.step("families → table → row", async () => {
      await openWithRow(page, up.consoleUrl, 'a:text-is("users")');
      await browser.screenshot(page, "01-families");
      await page.getByRole("link", { name: "demo", exact: true }).first().click();
      await page.waitForURL(/\/families\/demo$/);
      assert.equal(await page.locator("h1").textContent(), "demo");
      await browser.screenshot(page, "02-family");
      await page.getByRole("link", { name: "users", exact: true }).first().click();
      await page.waitForURL(/\/families\/demo\/tables\/users$/);
      assert.equal(await page.locator("h1").textContent(), "demo.users");
      await browser.screenshot(page, "03-table");
      await page.locator("table.rows td.key a", { hasText: /^1$/ }).click();
      await page.waitForURL(/\/row\?k=1$/);
      const fields = await page.locator("table.fields").innerText();
      assert.match(fields, /name\s+string\s+ada/);
      assert.match(fields, /dead/);
      assert.match(fields, /3q0=/);
      await browser.screenshot(page, "04-row");
    });

    await t.step("a hostile value is shown as text and runs nothing", async () => {
      await page.goto(`${up.consoleUrl}/families/demo/tables/users/row?k=2`);
      const name = await page.locator("table.fields tr", { hasText: "name" }).locator("td")
        .textContent();
      assert.equal(name, HOSTILE);
      assert.deepEqual(dialogs, []);
      assert.equal(await page.locator("main script").count(), 0);
    });

    await t.step(
      "a change written through the executive appears in the history without a reload",
      async () => {
        await page.goto(`${up.consoleUrl}/families/demo/tables/users/history`);
        await page.locator("[data-live-status].on").waitFor();
        await page.evaluate(() => Object.assign(globalThis, { notReloaded: true }));
        const { seq } = await up.client.mutate("demo", WRITER, {
          mutations: [{
            table: "users",
            values: { id: 9007199254740993n, name: "live", avatar: null },
          }],
        });
        const row = page.locator("tbody[data-watch] tr").first();
        await row.locator(`td:first-child:text-is("${seq}")`).waitFor({ timeout: 15_000 });
        assert.match(await row.innerText(), /upsert\s+\{"id":9007199254740993\}/);
        assert.equal(
          await page.evaluate(() => (globalThis as { notReloaded?: boolean }).notReloaded),
          true,
        );
        await browser.screenshot(page, "05-history-live");
        await row.locator("a").click();
        await page.waitForURL(/row\?k=9007199254740993$/);
        assert.match(await page.locator("table.fields").innerText(), /live/);
      },
    );

    await t.step("an admin action without the token is refused", async () => {
      await page.goto(`${up.consoleUrl}/families/demo/tables/users/clear`);
      await page.locator('input[name="confirm"]').fill("users");
      await page.getByRole("button", { name: "Clear every row" }).click();
      await page.waitForLoadState();
      assert.match(
        await page.locator(".notice.error").innerText(),
        /401 Refused: clearing a table needs the admin token/,
      );
      await browser.screenshot(page, "06-admin-refused");
      await page.goto(`${up.consoleUrl}/families/demo/tables/users/row?k=1`);
      assert.match(await page.locator("table.fields").innerText(), /ada/);
    });

    await t.step("pages fit a phone's width", async () => {
      const phone = await browser.page({ width: 390, height: 844 });
      for (
        const path of ["/", "/families/demo/tables/users", "/families/demo/tables/users/history"]
      ) {
        await phone.goto(up.consoleUrl + path);
        const overflow = await phone.evaluate(() => {
          const { documentElement: root } = (globalThis as unknown as Window).document;
          return root.scrollWidth - root.clientWidth;
        });
        assert.ok(overflow <= 0, `${path} is ${overflow}px wider than the phone`);
      }
      await browser.screenshot(phone, "07-phone-table");
    });
    assert.deepEqual(errors, []);
  },
);

browserTest("the fleet page highlights a target whose reflector stopped", async () => {
  await using dir = await tempDir();
  const up = await startUp(`${dir.path}/data`);
  await using _cli = up.cli;
  const [metrics, sidecar, operatorConsole] = [freePort(), freePort(), freePort()];
  const ldb = `${dir.path}/second.db`;
  await using reflector = await spawnCli([
    "reflector",
    "-ldb-path",
    ldb,
    "-upstream-driver",
    "sqlite3",
    "-upstream-dsn",
    `${dir.path}/data/ctldb.db`,
    "-poll-interval",
    "100ms",
    "-metrics-bind",
    `127.0.0.1:${metrics}`,
  ], { port: metrics });
  await using _sidecar = await spawnCli(
    ["sidecar", "-bind-addr", `127.0.0.1:${sidecar}`, "-ldb-path", ldb],
    { port: sidecar },
  );
  const targets = [`http://127.0.0.1:${metrics}/metrics`, `http://127.0.0.1:${sidecar}/metrics`];
  await using _console = await spawnCli([
    "console",
    "-bind",
    `127.0.0.1:${operatorConsole}`,
    "-executive-url",
    up.executiveUrl,
    "-ldb-path",
    `${dir.path}/data/ldb.db`,
    "-targets",
    [...targets, `${up.sidecarUrl}/metrics`].join(","),
    "-poll-interval",
    "250ms",
    "-lag-threshold",
    "2s",
  ], { port: operatorConsole });
  await using browser = await launchBrowser();
  const page = await browser.page();
  await page.goto(`http://127.0.0.1:${operatorConsole}/fleet`);
  const row = (url: string) => page.locator("tr.target", { hasText: url });
  await page.locator('tr.target[data-status="ok"]').nth(3).waitFor({ timeout: 20_000 });
  await page.locator(".chart .uplot").first().waitFor();
  await browser.screenshot(page, "08-fleet-ok");

  reflector.kill("SIGKILL");
  await reflector.status;
  await row(targets[0]!).and(page.locator('[data-status="unreachable"]')).waitFor({
    timeout: 20_000,
  });
  await row(targets[1]!).and(page.locator('[data-status="lagging"]')).waitFor({ timeout: 20_000 });
  const lagging = await row(targets[1]!).locator("td").first().evaluate((td) =>
    (globalThis as unknown as Window).getComputedStyle(td).backgroundColor
  );
  assert.equal(lagging, "rgb(255, 241, 207)", "the lagging row is highlighted");
  assert.match(await row(targets[0]!).innerText(), /unreachable: /);
  assert.equal(await row(`${up.sidecarUrl}/metrics`).getAttribute("data-status"), "ok");
  await browser.screenshot(page, "09-fleet-lagging");
});
