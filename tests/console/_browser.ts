/**
 * Browser tests with a real headless Chromium: Debian's `chromium` at /usr/bin/chromium, driven
 * by `playwright-core` (which never downloads a browser). Without Chromium a browser test fails
 * under `CI=true` (`.ci/run` installs it) and is skipped with a message elsewhere. Screenshots go
 * to `$CTLSTORE_SCREENSHOTS_DIR` when set (kept, for people to look at), else to a temporary
 * directory removed afterwards.
 *
 * @module
 */
import { existsSync } from "node:fs";
import { type Browser, chromium, type Page } from "playwright-core";

/** Where Debian's `chromium` package installs the browser. */
export const CHROMIUM = "/usr/bin/chromium";

const ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--no-first-run",
  "--disable-sync",
];

/** A launched browser and a screenshot directory; `await using` closes and cleans up both. */
export interface TestBrowser extends AsyncDisposable {
  readonly browser: Browser;
  /** A new page with this viewport (default 1280×800, the console's target size). */
  page(viewport?: { width: number; height: number }): Promise<Page>;
  /** Saves a full-page screenshot as `<name>.png`; returns its path. */
  screenshot(page: Page, name: string): Promise<string>;
}

/** Launches Chromium headless. */
export async function launchBrowser(): Promise<TestBrowser> {
  const keep = Deno.env.get("CTLSTORE_SCREENSHOTS_DIR");
  const dir = keep ?? await Deno.makeTempDir({ prefix: "ctlstore_screens_" });
  await Deno.mkdir(dir, { recursive: true });
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
  return {
    browser,
    page: (viewport = { width: 1280, height: 800 }) => browser.newPage({ viewport }),
    async screenshot(page, name) {
      const path = `${dir}/${name}.png`;
      await page.screenshot({ path, fullPage: true });
      return path;
    },
    async [Symbol.asyncDispose]() {
      await browser.close();
      if (!keep) await Deno.remove(dir, { recursive: true });
    },
  };
}

/**
 * Declares a browser test: run when Chromium is installed, failed under `CI=true` when it is
 * not, skipped with a message otherwise.
 */
export function browserTest(name: string, fn: (t: Deno.TestContext) => Promise<void>): void {
  if (existsSync(CHROMIUM)) {
    Deno.test(name, fn);
  } else if (Deno.env.get("CI") === "true") {
    Deno.test(name, () => {
      throw new Error(`${CHROMIUM} is missing (CI=true): apt-get install -y chromium`);
    });
  } else {
    // deno-lint-ignore no-console
    console.warn(`skipping "${name}": ${CHROMIUM} is missing (apt-get install -y chromium)`);
    Deno.test({ name, ignore: true, fn });
  }
}
