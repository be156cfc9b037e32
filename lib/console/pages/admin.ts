/**
 * The console's admin action: clearing a table (every row; the executive's
 * `DELETE /clear-rows/…`, which it allows only with `-enable-destructive-schema-changes`). It
 * is refused unless the console was started with an admin token, the operator types that token,
 * and confirms by typing the table's name; a form posted from another origin is refused too.
 * The token is then sent to the executive, which checks its own.
 *
 * @module
 */
import { timingSafeEqual } from "node:crypto";
import { HttpError, readBodyText } from "../../http/mod.ts";
import { type ConsoleContext, page } from "../context.ts";
import { describeExecutiveError } from "../executive_source.ts";
import { markup } from "../html.ts";
import { notice } from "../layout.ts";
import { tableUrl } from "../urls.ts";
import { tableCrumbs, tableInfo } from "./table.ts";

/** The largest form body accepted. */
const MAX_FORM_BYTES = 16 * 1024;

/** The host of an `Origin` header (`undefined` for `null` or garbage). */
function hostOf(origin: string): string | undefined {
  return URL.canParse(origin) ? new URL(origin).host : undefined;
}

async function sameSecret(given: string, expected: string): Promise<boolean> {
  const digest = async (text: string) =>
    new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text)));
  return timingSafeEqual(await digest(given), await digest(expected));
}

/**
 * `GET /families/:family/tables/:table/clear`: the confirmation form.
 *
 * @throws {HttpError} 404 for an unknown table.
 * @example
 * ```ts
 * router.add("GET", "/families/:family/tables/:table/clear", (_r, p) => clearForm(ctx, p.family!, p.table!));
 * ```
 */
export function clearForm(ctx: ConsoleContext, family: string, table: string): Response {
  const info = tableInfo(ctx, family, table);
  const readOnly = ctx.config.adminToken === ""
    ? notice(
      "This console is read-only (started without -admin-token): the action will be refused.",
      "info",
    )
    : "";
  const { family: f, table: t } = info;
  const body = markup`${readOnly}
<div class="notice warning">
<p>Clearing deletes <b>every row</b> of <code>${f}.${t}</code> in the system of record; every LDB
follows. It cannot be undone. The table and its schema stay.</p>
</div>
<form class="card confirm" method="post" action="${tableUrl(f, t, "clear")}">
<label><span>Type the table name, <code>${t}</code>, to confirm</span>
<input name="confirm" autocomplete="off" required></label>
<label><span>Admin token</span>
<input name="token" type="password" autocomplete="off"></label>
<p class="actions">
<button class="danger" type="submit">Clear every row</button>
<a class="button" href="${tableUrl(f, t)}">Cancel</a>
</p>
</form>`;
  return page(ctx, {
    title: `Clear ${info.family}.${info.table}?`,
    section: "families",
    crumbs: tableCrumbs(info, "Clear"),
    body,
  });
}

/**
 * `POST /families/:family/tables/:table/clear`: checks the origin, the token and the
 * confirmation, then asks the executive.
 *
 * @throws {HttpError} 403 when the console is read-only or the form comes from another origin,
 *   401 without the right token, 400 without the confirmation, 502 when the executive refuses.
 * @example
 * ```ts
 * router.add("POST", "/families/:family/tables/:table/clear", (r, p) => clearTable(ctx, r, p.family!, p.table!));
 * ```
 */
export async function clearTable(
  ctx: ConsoleContext,
  request: Request,
  family: string,
  table: string,
): Promise<Response> {
  const info = tableInfo(ctx, family, table);
  const origin = request.headers.get("origin");
  if (origin !== null && hostOf(origin) !== request.headers.get("host")) {
    throw new HttpError(403, `Refused: the form was posted from another site (${origin})`);
  }
  if (ctx.config.adminToken === "") {
    throw new HttpError(
      403,
      "Refused: admin actions are disabled, this console is read-only (start it with " +
        "-admin-token to enable them)",
    );
  }
  const form = new URLSearchParams(await readBodyText(request, MAX_FORM_BYTES));
  const token = form.get("token") ?? "";
  if (token === "") throw new HttpError(401, "Refused: clearing a table needs the admin token");
  if (!(await sameSecret(token, ctx.config.adminToken))) {
    throw new HttpError(401, "Refused: the admin token is wrong");
  }
  if ((form.get("confirm") ?? "").trim() !== info.table) {
    throw new HttpError(
      400,
      `Not cleared: type the table name "${info.table}" to confirm`,
    );
  }
  const executive = ctx.executive;
  if (!executive) {
    throw new HttpError(503, "Not cleared: no executive configured (-executive-url)");
  }
  try {
    await executive.clearTableRows(info.family, info.table);
  } catch (error) {
    throw new HttpError(502, `Not cleared: ${describeExecutiveError(executive.url, error)}`, {
      cause: error,
    });
  }
  const { family: f, table: t } = info;
  const done = notice(`Every row of ${f}.${t} was deleted in the system of record.`, "info");
  return page(ctx, {
    title: `Cleared ${f}.${t}`,
    section: "families",
    crumbs: tableCrumbs(info, "Cleared"),
    body: markup`${done}
<p class="actions">
<a class="button" href="${tableUrl(f, t, "history")}">See it in the history</a>
<a class="button" href="${tableUrl(f, t)}">Browse rows</a>
</p>`,
  });
}
