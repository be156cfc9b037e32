/**
 * A small exact-match router: method + path pattern with `:name` segments matching `[^/]+`.
 * Unknown paths answer `404 page not found\n`, known paths with another method 405 with an
 * empty body, and paths with empty segments (`//`) a 301 to the cleaned path, as Go's
 * gorilla/mux does for the original (`.` and `..` segments are already resolved by URL parsing).
 *
 * @module
 */

/** A route handler; `params` holds the decoded path segments. */
export type Handler = (
  request: Request,
  params: Record<string, string>,
) => Response | Promise<Response>;

interface Route {
  method: string;
  segments: string[];
  handler: Handler;
  name: string;
}

/** The route a request matched, for metrics labels. */
export interface RouteMatch {
  handler: Handler;
  params: Record<string, string>;
  /** The route's pattern, e.g. `/families/:family`; a bounded label for metrics. */
  name: string;
}

/**
 * Routes requests by method and path.
 *
 * @example
 * ```ts
 * const router = new Router();
 * router.add("POST", "/families/:family", (_req, p) => new Response(p.family));
 * const match = router.match("POST", "/families/abc");
 * ```
 */
export class Router {
  #routes: Route[] = [];

  /** Registers a handler for `method` and a `/`-separated pattern with `:name` parameters. */
  add(method: string, pattern: string, handler: Handler): this {
    this.#routes.push({ method, segments: pattern.split("/").slice(1), handler, name: pattern });
    return this;
  }

  /**
   * Finds the route for a request. Returns `"not-found"` when no pattern matches the path and
   * `"method-not-allowed"` when one does but for other methods.
   */
  match(method: string, path: string): RouteMatch | "not-found" | "method-not-allowed" {
    const parts = path.split("/").slice(1);
    let pathMatched = false;
    for (const route of this.#routes) {
      const params = matchSegments(route.segments, parts);
      if (!params) continue;
      if (route.method !== method) {
        pathMatched = true;
        continue;
      }
      return { handler: route.handler, params, name: route.name };
    }
    return pathMatched ? "method-not-allowed" : "not-found";
  }

  /** Dispatches a request; returns the route name used and the response. */
  async handle(request: Request): Promise<{ route: string; response: Response }> {
    const url = new URL(request.url);
    const clean = cleanPath(url.pathname);
    if (clean !== url.pathname) {
      return {
        route: "unmatched",
        response: new Response(null, { status: 301, headers: { location: clean + url.search } }),
      };
    }
    const found = this.match(request.method, url.pathname);
    if (found === "not-found") {
      return {
        route: "unmatched",
        response: new Response("404 page not found\n", { status: 404 }),
      };
    }
    if (found === "method-not-allowed") {
      return { route: "unmatched", response: new Response(null, { status: 405 }) };
    }
    return { route: found.name, response: await found.handler(request, found.params) };
  }
}

function matchSegments(pattern: string[], parts: string[]): Record<string, string> | undefined {
  if (pattern.length !== parts.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < pattern.length; i++) {
    const want = pattern[i]!;
    const got = parts[i]!;
    if (want.startsWith(":")) {
      if (got === "") return undefined;
      try {
        params[want.slice(1)] = decodeURIComponent(got);
      } catch {
        return undefined;
      }
    } else if (want !== got) {
      return undefined;
    }
  }
  return params;
}

/**
 * Go's `path.Clean` as gorilla/mux applies it: collapse `//`, resolve `.` and `..`, keep a
 * trailing slash.
 *
 * @example
 * ```ts
 * cleanPath("//families/./a/../b/"); // "/families/b/"
 * ```
 */
export function cleanPath(path: string): string {
  const out: string[] = [];
  for (const segment of path.split("/")) {
    if (segment === "" || segment === ".") continue;
    if (segment === "..") out.pop();
    else out.push(segment);
  }
  const cleaned = "/" + out.join("/");
  return path.endsWith("/") && cleaned !== "/" ? cleaned + "/" : cleaned;
}
