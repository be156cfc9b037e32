/**
 * Starting an HTTP server from a Go-style listen address, and stopping it gracefully.
 *
 * @module
 */

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

/** A running server. */
export interface RunningServer {
  /** The bound address (the real port when `:0` was asked for). */
  readonly address: ListenAddress;
  /** Stops accepting connections and waits for in-flight requests to finish. */
  shutdown(): Promise<void>;
  /** Resolves when the server has stopped. */
  readonly finished: Promise<void>;
}

/**
 * Starts `Deno.serve` on a Go-style address. Rejects (rather than hanging, as the original
 * executive did) when the address cannot be bound.
 *
 * @example
 * ```ts
 * const server = await startServer("127.0.0.1:0", () => new Response("ok"));
 * await server.shutdown();
 * ```
 */
export function startServer(
  address: string,
  handler: (request: Request, info: Deno.ServeHandlerInfo) => Response | Promise<Response>,
): Promise<RunningServer> {
  const { hostname, port } = parseListenAddress(address);
  let server: Deno.HttpServer<Deno.NetAddr>;
  try {
    server = Deno.serve({
      hostname,
      port,
      onListen: () => {},
      onError: (error) =>
        new Response(error instanceof Error ? error.message : String(error), { status: 500 }),
    }, handler);
  } catch (error) {
    return Promise.reject(
      new Error(`listen on ${address}: ${(error as Error).message}`, { cause: error }),
    );
  }
  return Promise.resolve({
    address: { hostname: server.addr.hostname, port: server.addr.port },
    shutdown: () => server.shutdown(),
    finished: server.finished,
  });
}
