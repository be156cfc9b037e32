/**
 * The console's static assets: its style and script, and the vendored uPlot. They are imported
 * as modules (text imports and `assets/uplot.ts`), so `deno run`, `deno bundle` and
 * `deno compile` all carry them with no build step and no files beside the executable. Served
 * with an ETag, so a browser revalidates instead of downloading them again.
 *
 * @module
 */
import css from "./assets/console.css" with { type: "text" };
import script from "./assets/console.js" with { type: "text" };
import { UPLOT_CSS, UPLOT_JS } from "./assets/uplot.ts";

interface Asset {
  readonly type: string;
  readonly body: string;
  etag?: string;
}

const ASSETS: ReadonlyMap<string, Asset> = new Map([
  ["console.css", { type: "text/css; charset=utf-8", body: css }],
  ["console.js", { type: "text/javascript; charset=utf-8", body: script }],
  ["uplot.css", { type: "text/css; charset=utf-8", body: UPLOT_CSS }],
  ["uplot.js", { type: "text/javascript; charset=utf-8", body: UPLOT_JS }],
]);

async function etagOf(asset: Asset): Promise<string> {
  if (asset.etag) return asset.etag;
  const digest = await crypto.subtle.digest("SHA-1", new TextEncoder().encode(asset.body));
  asset.etag = `"${new Uint8Array(digest).toHex().slice(0, 20)}"`;
  return asset.etag;
}

/**
 * `GET /assets/:name`: the asset, a 304 when the browser has it, or `undefined` for an unknown
 * name.
 *
 * @example
 * ```ts
 * const response = await assetResponse("console.css", request);
 * ```
 */
export async function assetResponse(name: string, request: Request): Promise<Response | undefined> {
  const asset = ASSETS.get(name);
  if (!asset) return undefined;
  const etag = await etagOf(asset);
  const headers = {
    "content-type": asset.type,
    "cache-control": "no-cache",
    "x-content-type-options": "nosniff",
    etag,
  };
  if (request.headers.get("if-none-match") === etag) {
    return new Response(null, { status: 304, headers });
  }
  return new Response(asset.body, { headers });
}
