/**
 * HTML escaping for every page of the console: the one place text from data (family, table and
 * field names, values, writer names, error messages, target URLs) becomes HTML. Pages are built
 * with the {@linkcode markup} tagged template, which escapes every interpolated value unless it is
 * already {@linkcode SafeHtml} (the result of another `markup` template), so nothing reaches a page
 * unescaped by forgetting to escape it. (The tag is not named `html` because `deno fmt` reformats
 * the contents of templates with that tag as HTML documents.)
 *
 * @module
 */

const ESCAPES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};

/**
 * Escapes text for HTML element content and quoted attribute values.
 *
 * @example
 * ```ts
 * escapeHtml(`<script>alert("x")</script>`); // "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;"
 * ```
 */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c]!);
}

/** Module-private: only {@linkcode markup} can make {@linkcode SafeHtml}. */
const MAKE = Symbol("SafeHtml");

/**
 * HTML that is already escaped: made only by {@linkcode markup}, so a string can never pass as it.
 *
 * @example
 * ```ts
 * const cell: SafeHtml = markup`<td>${"<b>"}</td>`;
 * cell.toString(); // "<td>&lt;b&gt;</td>"
 * ```
 */
export class SafeHtml {
  readonly #text: string;

  /**
   * @param make The module's private token: a `SafeHtml` cannot be made outside this module.
   * @param text Escaped HTML.
   * @throws {TypeError} When called without the token.
   */
  constructor(make: symbol, text: string) {
    if (make !== MAKE) throw new TypeError("SafeHtml is made by the html template only");
    this.#text = text;
  }

  /** The HTML text. */
  toString(): string {
    return this.#text;
  }
}

/** A value a template may interpolate: nested templates and lists of them are kept as HTML. */
export type HtmlValue =
  | SafeHtml
  | string
  | number
  | bigint
  | boolean
  | null
  | undefined
  | readonly HtmlValue[];

function render(value: HtmlValue): string {
  if (value instanceof SafeHtml) return value.toString();
  if (Array.isArray(value)) return value.map(render).join("");
  if (value === null || value === undefined || value === false) return "";
  return escapeHtml(String(value));
}

/**
 * Builds HTML: the template's literal parts are kept, every interpolated value is escaped
 * (`null`, `undefined` and `false` render as nothing; arrays render each item; nested `markup`
 * templates are kept).
 *
 * @example
 * ```ts
 * const rows = ["a<b", "c"].map((name) => markup`<li>${name}</li>`);
 * markup`<ul class="${"x\"y"}">${rows}</ul>`.toString();
 * // <ul class="x&quot;y"><li>a&lt;b</li><li>c</li></ul>
 * ```
 */
export function markup(strings: TemplateStringsArray, ...values: HtmlValue[]): SafeHtml {
  let text = strings[0]!;
  for (let i = 0; i < values.length; i++) text += render(values[i]!) + strings[i + 1]!;
  return new SafeHtml(MAKE, text);
}
