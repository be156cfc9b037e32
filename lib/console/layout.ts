/**
 * The frame of every console page (head, navigation, breadcrumbs, the LDB's position, footer),
 * the error page, and the headers every page is sent with. Pages are plain server-rendered HTML;
 * the one script (`/assets/console.js`) only adds live updates and charts, and a strict
 * Content-Security-Policy (no inline script or style) backs up the escaping.
 *
 * @module
 */
import { markup, type SafeHtml } from "./html.ts";

/** Which navigation entry a page belongs to. */
export type Section = "families" | "fleet" | "limits";

/** A breadcrumb: a label, with a link except for the current page. */
export interface Crumb {
  label: string;
  href?: string;
}

/** The parts of a page. */
export interface PageParts {
  /** The page title (also the `<h1>`). */
  title: string;
  section?: Section | undefined;
  crumbs?: Crumb[];
  /** The LDB's position for the header (see `status.ts`). */
  status: SafeHtml;
  /** Whether admin actions are enabled (shown in the footer). */
  admin: boolean;
  /** Add uPlot's script and style (the fleet page). */
  charts?: boolean;
  body: SafeHtml;
}

/** Headers of every HTML answer. */
export const PAGE_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  "content-type": "text/html; charset=utf-8",
  "cache-control": "no-store",
  "content-security-policy": "default-src 'self'; script-src 'self'; style-src 'self'; " +
    "img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; " +
    "form-action 'self'; frame-ancestors 'none'",
  "x-content-type-options": "nosniff",
  "referrer-policy": "same-origin",
});

const SECTIONS: [Section, string, string][] = [
  ["families", "/", "Families"],
  ["fleet", "/fleet", "Fleet"],
  ["limits", "/limits", "Limits & writers"],
];

/**
 * Renders a whole page.
 *
 * @example
 * ```ts
 * const text = renderPage({ title: "Fleet", section: "fleet", status: markup``, admin: false, body: markup`<p>…</p>` });
 * ```
 */
export function renderPage(parts: PageParts): string {
  const nav = SECTIONS.map(([section, href, label]) =>
    section === parts.section
      ? markup`<a href="${href}" class="active" aria-current="page">${label}</a>`
      : markup`<a href="${href}">${label}</a>`
  );
  const crumbs = parts.crumbs?.length
    ? markup`<nav class="crumbs" aria-label="Breadcrumb">${
      parts.crumbs.map((crumb, i) => {
        const sep = i > 0 ? markup`<span class="sep">›</span>` : "";
        return crumb.href
          ? markup`${sep}<a href="${crumb.href}">${crumb.label}</a>`
          : markup`${sep}<span>${crumb.label}</span>`;
      })
    }</nav>`
    : "";
  const charts = parts.charts
    ? markup`<link rel="stylesheet" href="/assets/uplot.css">
<script src="/assets/uplot.js" defer></script>
`
    : "";
  const footer = parts.admin
    ? "Admin actions enabled: each asks for the admin token and a confirmation."
    : "Read-only: start the console with -admin-token to enable admin actions.";
  return markup`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${parts.title} · ctlstore console</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/assets/console.css">
${charts}<script src="/assets/console.js" defer></script>
</head>
<body>
<header class="top">
<a class="brand" href="/">ctlstore <span>console</span></a>
<nav class="sections">${nav}</nav>
<div class="position">${parts.status}</div>
</header>
<main>
${crumbs}<h1>${parts.title}</h1>
${parts.body}
</main>
<footer>${footer}</footer>
</body>
</html>
`.toString();
}

/**
 * An HTML answer.
 *
 * @example
 * ```ts
 * return pageResponse(renderPage(parts));
 * ```
 */
export function pageResponse(text: string, status = 200): Response {
  return new Response(text, { status, headers: PAGE_HEADERS });
}

/**
 * The body of an error page: the message, in words, and where to go from here.
 *
 * @example
 * ```ts
 * errorBody(404, 'Family "nope" is not in the LDB');
 * ```
 */
export function errorBody(status: number, message: string): SafeHtml {
  return markup`
    <div class="notice error" role="alert">
      <p><strong>${status}</strong> ${message}</p>
    </div>
    <p><a href="/">Back to the families</a> · <a href="/fleet">Fleet</a></p>
  `;
}

/**
 * A notice inside a page (something that could not be read, while the rest could).
 *
 * @example
 * ```ts
 * notice("The executive at http://exec:3000 did not answer");
 * ```
 */
export function notice(message: string, kind: "warning" | "error" | "info" = "warning"): SafeHtml {
  return markup`
    <div class="notice ${kind}" role="status">
      <p>${message}</p>
    </div>
  `;
}
