/**
 * The families pages: the overview (every family and table of the LDB with key, row count and
 * size, plus where the LDB, the executive and the fleet stand) and one family (each table's
 * schema: fields, types, key; rows, size, size limits).
 *
 * @module
 */
import type { TableLimits } from "../../client/mod.ts";
import { HttpError } from "../../http/mod.ts";
import { describeFamilies } from "../../ldb/mod.ts";
import type { TableInfo } from "../../reader/mod.ts";
import { NameError, normalizeFamilyName } from "../../schema/mod.ts";
import { type ConsoleContext, page } from "../context.ts";
import { toConsoleError } from "../errors.ts";
import { markup, type SafeHtml } from "../html.ts";
import { notice } from "../layout.ts";
import type { TableRef } from "../ldb_source.ts";
import type { TableStat } from "../table_stats.ts";
import { familyUrl, tableUrl } from "../urls.ts";
import { formatBytes, formatDuration } from "../values.ts";

/** How long a page waits for table counts not known yet, in milliseconds. */
const COUNT_BUDGET_MS = 100;

/**
 * The row count of a table as HTML ("counting…" until known).
 *
 * @example
 * ```ts
 * rowsCell(stats.get("demo___users"));
 * ```
 */
export function rowsCell(stat: TableStat | undefined): SafeHtml {
  if (!stat) return markup`<span class="muted">counting…</span>`;
  const age = formatDuration(Date.now() - stat.at);
  return markup`<span class="num" title="${`counted at seq ${stat.seq}, ${age} ago`}">${
    stat.rows.toLocaleString("en-US")
  }</span>`;
}

/**
 * The size of a table as HTML.
 *
 * @example
 * ```ts
 * sizeCell(stats.get("demo___users"));
 * ```
 */
export function sizeCell(stat: TableStat | undefined): SafeHtml {
  if (!stat) return markup`<span class="muted">…</span>`;
  if (stat.bytes === undefined) return markup`<span class="muted">unknown</span>`;
  return markup`<span class="num">${formatBytes(stat.bytes)}</span>`;
}

function groupByFamily(tables: readonly TableRef[]): Map<string, TableRef[]> {
  const families = new Map<string, TableRef[]>();
  for (const table of tables) {
    const list = families.get(table.family) ?? [];
    list.push(table);
    families.set(table.family, list);
  }
  return families;
}

function describeTable(ctx: ConsoleContext, ref: TableRef): TableInfo | string {
  try {
    return ctx.ldb.reader().tableInfo(ref.family, ref.table);
  } catch (error) {
    return toConsoleError(error, ref).message;
  }
}

function fleetSummary(ctx: ConsoleContext): SafeHtml {
  const view = ctx.fleet.view();
  if (view.targets.length === 0) return markup`<span class="muted">no targets</span>`;
  const count = (status: string) => view.targets.filter((t) => t.status === status).length;
  const bad = count("unreachable") + count("unhealthy");
  const lagging = count("lagging")
    ? markup`, <span class="badge lagging">${count("lagging")} lagging</span>`
    : "";
  const down = bad ? markup`, <span class="badge unreachable">${bad} down</span>` : "";
  return markup`<a href="/fleet">${view.targets.length} targets</a>: ${
    count("ok")
  } ok${lagging}${down}`;
}

function overviewFacts(ctx: ConsoleContext): SafeHtml {
  const reader = ctx.ldb.reader();
  const families = reader.getFamilies();
  return markup`
    <dl class="facts">
      <div>
        <dt>LDB</dt>
        <dd><code>${ctx.ldb.path}</code></dd>
      </div>
      <div>
        <dt>Families carried</dt>
        <dd>${describeFamilies(families)}</dd>
      </div>
      <div>
        <dt>Executive</dt>
        <dd>${
    ctx.executive
      ? markup`<code>${ctx.executive.url}</code>`
      : markup`<span class="muted">none</span>`
  }</dd>
      </div>
      <div>
        <dt>Fleet</dt>
        <dd>${fleetSummary(ctx)}</dd>
      </div>
    </dl>
  `;
}

/**
 * `GET /`: every family and table.
 *
 * @example
 * ```ts
 * router.add("GET", "/", () => overviewPage(ctx));
 * ```
 */
export async function overviewPage(ctx: ConsoleContext): Promise<Response> {
  const tables = ctx.ldb.tables();
  await ctx.stats.settle(tables, COUNT_BUDGET_MS);
  const sections = [...groupByFamily(tables)].map(([family, refs]) => {
    const count = `${refs.length} table${refs.length === 1 ? "" : "s"}`;
    return markup`
      <section class="family">
        <h2><a href="${familyUrl(family)}">${family}</a> <span class="muted">${count}</span></h2>
        <div class="scroll">
          <table class="grid">
            <thead>
              <tr>
                <th>Table</th>
                <th>Key</th>
                <th class="n">Fields</th>
                <th class="n">Rows</th>
                <th class="n">Size</th>
                <th></th>
              </tr>
            </thead>
            <tbody>${
      refs.map((ref) => {
        const info = describeTable(ctx, ref);
        const stat = ctx.stats.get(ref.ldbTable);
        return markup`
                <tr>
                  <td><a href="${tableUrl(ref.family, ref.table)}">${ref.table}</a></td>
                  <td>${
          typeof info === "string" ? markup`<span class="bad">${info}</span>` : keyList(info)
        }</td>
                  <td class="n">${typeof info === "string" ? "" : info.columns.length}</td>
                  <td class="n">${rowsCell(stat)}</td>
                  <td class="n">${sizeCell(stat)}</td>
                  <td><a href="${tableUrl(ref.family, ref.table, "history")}">history</a></td>
                </tr>
              `;
      })
    }</tbody>
          </table>
        </div>
      </section>
    `;
  });
  const body = markup`${overviewFacts(ctx)}${
    sections.length ? sections : notice("The LDB has no family tables yet.", "info")
  }`;
  return page(ctx, { title: "Families", section: "families", body });
}

function keyList(info: TableInfo): SafeHtml {
  return markup`${info.keyColumns.map((c, i) => markup`${i ? ", " : ""}<code>${c.name}</code>`)}`;
}

function limitsOf(limits: TableLimits | undefined, ref: TableRef): SafeHtml {
  if (!limits) return markup`<span class="muted">unknown</span>`;
  const own = limits.tables.find((t) => t.family === ref.family && t.table === ref.table);
  const { maxSize, warnSize } = own ?? limits.global;
  const which = own ? "" : markup` <span class="muted">(default)</span>`;
  return markup`warn at ${formatBytes(warnSize)}, refuse writes at ${formatBytes(maxSize)}${which}`;
}

/**
 * A table's fields as HTML: name, field type, declared column type, key position.
 *
 * @example
 * ```ts
 * schemaTable(reader.tableInfo("demo", "users"));
 * ```
 */
export function schemaTable(info: TableInfo): SafeHtml {
  return markup`
    <div class="scroll">
      <table class="grid schema">
        <thead>
          <tr>
            <th>Field</th>
            <th>Type</th>
            <th>Declared</th>
            <th>Key</th>
          </tr>
        </thead>
        <tbody>${
    info.columns.map((column) => {
      const key = info.keyColumns.findIndex((k) => k.name === column.name);
      return markup`
            <tr>
              <td><code>${column.name}</code></td>
              <td>${column.fieldType ?? markup`<span class="muted">—</span>`}</td>
              <td><code class="muted">${column.declaredType}</code></td>
              <td>${key >= 0 ? markup`<span class="badge key">key ${key + 1}</span>` : ""}</td>
            </tr>
          `;
    })
  }</tbody>
      </table>
    </div>
  `;
}

/**
 * `GET /families/:family`: each table's schema, rows, size and limits.
 *
 * @throws {HttpError} 400 for an invalid family name, 404 for a family without tables.
 * @example
 * ```ts
 * router.add("GET", "/families/:family", (_r, p) => familyPage(ctx, p.family!));
 * ```
 */
export async function familyPage(ctx: ConsoleContext, name: string): Promise<Response> {
  let family: string;
  try {
    family = normalizeFamilyName(name);
  } catch (error) {
    if (!(error instanceof NameError)) throw error;
    throw new HttpError(400, `Invalid family name "${name}": ${error.message}`);
  }
  const all = ctx.ldb.tables();
  const refs = all.filter((t) => t.family === family);
  if (refs.length === 0) {
    const known = [...new Set(all.map((t) => t.family))].join(", ") || "none";
    throw new HttpError(404, `Family "${family}" has no tables in the LDB (families: ${known})`);
  }
  const [limits] = await Promise.all([
    ctx.executive?.tableLimits(),
    ctx.stats.settle(refs, COUNT_BUDGET_MS),
  ]);
  const problem = limits && "problem" in limits ? notice(limits.problem) : "";
  const tableLimits = limits && "value" in limits ? limits.value : undefined;
  const sections = refs.map((ref) => {
    const info = describeTable(ctx, ref);
    const stat = ctx.stats.get(ref.ldbTable);
    return markup`<section class="table-schema">
<h2><a href="${tableUrl(ref.family, ref.table)}">${ref.table}</a></h2>
<p class="actions"><a class="button" href="${tableUrl(ref.family, ref.table)}">Browse rows</a>
<a class="button" href="${tableUrl(ref.family, ref.table, "history")}">History</a></p>
<dl class="facts">
<div><dt>Rows</dt><dd>${rowsCell(stat)}</dd></div>
<div><dt>Size in the LDB</dt><dd>${sizeCell(stat)}</dd></div>
<div><dt>Size limits</dt><dd>${
      ctx.executive ? limitsOf(tableLimits, ref) : "no executive"
    }</dd></div>
</dl>
${typeof info === "string" ? notice(info, "error") : schemaTable(info)}
</section>`;
  });
  return page(ctx, {
    title: family,
    section: "families",
    crumbs: [{ label: "Families", href: "/" }, { label: family }],
    body: markup`${problem}${sections}`,
  });
}
