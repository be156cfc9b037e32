/**
 * Starting an HTTP server from a Go-style listen address with an idle timeout and a connection
 * cap, and stopping it gracefully. Every ctlstore HTTP server starts here.
 *
 * @module
 */
import { ConnectionServer, connectionServing, type ConnectionStats } from "./_connection_server.ts";

export type { ConnectionStats } from "./_connection_server.ts";

/** A listen address split into host and port. */
export interface ListenAddress {
  hostname: string;
  port: number;
}

/**
 * Parses a Go listen address: `host:port`, `:port` (all interfaces) or `[v6]:port`.
 *
 * @throws {TypeError} When the address has no valid port.
 * @example
 * ```ts
 * parseListenAddress(":3000"); // { hostname: "0.0.0.0", port: 3000 }
 * ```
 */
export function parseListenAddress(address: string): ListenAddress {
  const match = /^(?:\[([^\]]+)\]|([^:]*)):(\d{1,5})$/.exec(address.trim());
  const port = match ? Number(match[3]) : NaN;
  if (!match || port > 65535) {
    throw new TypeError(`invalid listen address '${address}': expected host:port`);
  }
  return { hostname: match[1] ?? (match[2] || "0.0.0.0"), port };
}

/**
 * Formats an address back into Go's `host:port` form, bracketing IPv6 hosts.
 *
 * @example
 * ```ts
 * formatListenAddress({ hostname: "::1", port: 1331 }); // "[::1]:1331"
 * ```
 */
export function formatListenAddress(address: ListenAddress): string {
  const { hostname, port } = address;
  return `${hostname.includes(":") ? `[${hostname}]` : hostname}:${port}`;
}

/** Limits of {@linkcode startServer} on the connections it keeps. */
export interface ServerOptions {
  /**
   * Close a connection that has had no request in flight for this many milliseconds (default
   * 60 000; 0 = never). A request counts from its arrival until its response is sent in full,
   * so a streamed response or a held long-poll is never cut by it.
   */
  idleTimeoutMs?: number;
  /**
   * Most connections open at once (default 1024; 0 = no cap). A connection past the cap gets
   * `503 Too many connections` and is closed.
   */
  maxConnections?: number;
}

/**
 * The defaults of {@linkcode ServerOptions}.
 *
 * @example
 * ```ts
 * SERVER_DEFAULTS.idleTimeoutMs; // 60000
 * ```
 */
export const SERVER_DEFAULTS: Readonly<Required<ServerOptions>> = Object.freeze({
  idleTimeoutMs: 60_000,
  maxConnections: 1024,
});

/**
 * Fills in the defaults of {@linkcode ServerOptions} and checks them.
 *
 * @throws {RangeError} When a limit is negative or not a whole number.
 * @example
 * ```ts
 * resolveServerOptions({ idleTimeoutMs: 500 }); // { idleTimeoutMs: 500, maxConnections: 1024 }
 * ```
 */
export function resolveServerOptions(options: ServerOptions = {}): Required<ServerOptions> {
  const resolved = {
    idleTimeoutMs: options.idleTimeoutMs ?? SERVER_DEFAULTS.idleTimeoutMs,
    maxConnections: options.maxConnections ?? SERVER_DEFAULTS.maxConnections,
  };
  if (!(resolved.idleTimeoutMs >= 0)) {
    throw new RangeError(`the idle timeout must not be negative, got ${resolved.idleTimeoutMs}`);
  }
  if (!Number.isSafeInteger(resolved.maxConnections) || resolved.maxConnections < 0) {
    throw new RangeError(
      `the connection cap must be a non-negative integer, got ${resolved.maxConnections}`,
    );
  }
  return resolved;
}

/** A running server. */
export interface RunningServer {
  /** The bound address (the real port when `:0` was asked for). */
  readonly address: ListenAddress;
  /** Stops accepting connections and waits for in-flight requests to finish. */
  shutdown(): Promise<void>;
  /** Resolves when the server has stopped. */
  readonly finished: Promise<void>;
  /**
   * Open connections now, and those refused past the cap or closed idle since the start (all 0
   * when both limits are 0: plain `Deno.serve` does not report its connections).
   */
  readonly connections: ConnectionStats;
}

function serverError(error: unknown): Response {
  return new Response(error instanceof Error ? error.message : String(error), { status: 500 });
}

/**
 * Starts an HTTP server on a Go-style address, closing idle connections and capping how many
 * are open (see {@linkcode ServerOptions}; `_connection_server.ts` says how). Rejects (rather
 * than hanging, as the original executive did) when the address cannot be bound.
 *
 * With both limits 0 it is plain `Deno.serve`. A Deno without per-connection serving cannot
 * enforce the limits: the start then fails with a message saying to set both to 0.
 *
 * @example
 * ```ts
 * const server = await startServer("127.0.0.1:0", () => new Response("ok"), { idleTimeoutMs: 30_000 });
 * await server.shutdown();
 * ```
 */
export function startServer(
  address: string,
  handler: (request: Request, info: Deno.ServeHandlerInfo) => Response | Promise<Response>,
  options: ServerOptions = {},
): Promise<RunningServer> {
  let listen: ListenAddress;
  let limits: Required<ServerOptions>;
  try {
    listen = parseListenAddress(address);
    limits = resolveServerOptions(options);
  } catch (error) {
    return Promise.reject(error);
  }
  const { hostname, port } = listen;
  try {
    if (limits.idleTimeoutMs === 0 && limits.maxConnections === 0) {
      return Promise.resolve(unlimited(hostname, port, handler));
    }
    const serve = connectionServing();
    if (!serve) {
      throw new Error(
        `this Deno (${Deno.version.deno}) cannot serve HTTP per connection, so it cannot ` +
          "enforce an idle timeout or a connection cap; set both to 0",
      );
    }
    const listener = Deno.listen({ hostname, port });
    const server = new ConnectionServer(listener, serve, handler, {
      ...limits,
      onError: serverError,
    });
    return Promise.resolve({
      address: { hostname: listener.addr.hostname, port: listener.addr.port },
      shutdown: () => server.shutdown(),
      finished: server.finished,
      get connections() {
        return server.stats;
      },
    });
  } catch (error) {
    return Promise.reject(
      new Error(`listen on ${address}: ${(error as Error).message}`, { cause: error }),
    );
  }
}

/** `Deno.serve` as it is: no idle timeout, no cap. */
function unlimited(
  hostname: string,
  port: number,
  handler: (request: Request, info: Deno.ServeHandlerInfo) => Response | Promise<Response>,
): RunningServer {
  const server = Deno.serve({ hostname, port, onListen: () => {}, onError: serverError }, handler);
  return {
    address: { hostname: server.addr.hostname, port: server.addr.port },
    shutdown: () => server.shutdown(),
    finished: server.finished,
    connections: { open: 0, refused: 0, idleClosed: 0 },
  };
}
