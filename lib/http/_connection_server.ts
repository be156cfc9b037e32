/**
 * An HTTP server that sees its connections, so it can close idle ones and cap how many are
 * open — which `Deno.serve` (Deno 2.9) cannot: it has no idle or keep-alive timeout and no
 * per-connection handle, so 400 idle connections stay open for good.
 *
 * Connections are accepted here (`Deno.listen`) and each is served by Deno's own HTTP engine
 * through `serveHttpOnConnection`, the function `Deno.serve` itself is built on. It is not part
 * of the typed `Deno` namespace, so {@linkcode connectionServing} looks it up and reports its
 * absence (the caller turns that into a clear start-up error). The alternatives measured before
 * this choice — `node:http`, or a TCP front piping to `Deno.serve` — cost 2–4× the CPU per
 * request and took the sidecar well below its throughput target; this path costs about the same
 * as `Deno.serve`.
 *
 * "Idle" means no request in flight: a request counts from its arrival until its response has
 * been sent in full (a `/watch` stream or a held long-poll is in flight for as long as it
 * lasts), so the idle timeout closes only connections that wait between requests, never sent
 * one, or stalled inside a request head. A slow request body is the route's concern (its read
 * timeout answers 408). Closing is graceful: a request that races in as the timeout fires is
 * still answered before the connection closes. Past the connection cap a new connection is
 * answered `503` and closed; one that sends nothing is closed after a short grace.
 *
 * @module
 */
import { sleep } from "../backoff.ts";

/** What serving one connection returns (the shape `Deno.serve` returns for a listener). */
interface ServedConnection {
  readonly finished: Promise<void>;
  shutdown(): Promise<void>;
}

/** Deno's per-connection HTTP serving: `(conn, signal, handler, onError, onListen)`. */
type ServeConnection = (
  conn: Deno.Conn,
  signal: AbortSignal | undefined,
  handler: Deno.ServeHandler<Deno.NetAddr>,
  onError: (error: unknown) => Response | Promise<Response>,
  onListen: () => void,
) => ServedConnection;

/**
 * Deno's per-connection HTTP serving, or `undefined` when this Deno does not have it.
 *
 * @example
 * ```ts
 * if (connectionServing() === undefined) console.error("no idle timeout on this Deno");
 * ```
 */
export function connectionServing(): ServeConnection | undefined {
  const key = (Deno as unknown as { internal?: symbol }).internal;
  if (typeof key !== "symbol") return undefined;
  const internal = (Deno as unknown as Record<symbol, Record<string, unknown> | undefined>)[key];
  const serve = internal?.["serveHttpOnConnection"];
  return typeof serve === "function" ? serve as ServeConnection : undefined;
}

/** Settings of a {@linkcode ConnectionServer}, resolved. */
export interface ConnectionServerSettings {
  /** Close connections with no request in flight for this long; 0 never does. */
  idleTimeoutMs: number;
  /** Most open connections; 0 means no cap. */
  maxConnections: number;
  /** Turns a handler failure into the answer. */
  onError: (error: unknown) => Response;
}

/** How long a connection refused past the cap may take to send its request. */
const REFUSED_GRACE_MS = 5000;

interface Connection {
  /** Set as soon as serving starts (right after the record is made). */
  served?: ServedConnection;
  /** Settles once the connection is closed and forgotten. */
  gone?: Promise<void>;
  inFlight: number;
  /** `performance.now()` when the last request ended (or the connection opened). */
  idleSince: number;
  /** Its idle limit: the server's, or the short grace of a refused connection. */
  idleLimitMs: number;
  closing: boolean;
}

/** Counts of a {@linkcode ConnectionServer}'s connections. */
export interface ConnectionStats {
  /** Connections open now (refused ones included until they close). */
  open: number;
  /** Connections answered 503 because the cap was reached, since the start. */
  refused: number;
  /** Connections closed by the idle timeout, since the start. */
  idleClosed: number;
}

function isClosedListener(error: unknown): boolean {
  return error instanceof Deno.errors.BadResource || error instanceof Deno.errors.Interrupted;
}

/**
 * Accepts connections on a listener and serves each, closing idle ones and refusing those past
 * the cap. `shutdown()` stops accepting, lets requests in flight finish and closes the rest.
 */
export class ConnectionServer {
  readonly #listener: Deno.Listener<Deno.TcpConn, Deno.NetAddr>;
  readonly #serve: ServeConnection;
  readonly #handler: Deno.ServeHandler<Deno.NetAddr>;
  readonly #settings: ConnectionServerSettings;
  readonly #connections = new Set<Connection>();
  readonly #accepting: Promise<void>;
  readonly #sweeper: ReturnType<typeof setInterval>;
  #stopping = false;
  #refused = 0;
  #idleClosed = 0;
  /** Settles when accepting has ended and every connection has closed. */
  readonly finished: Promise<void>;

  /**
   * Starts accepting.
   *
   * @param listener A bound TCP listener; it is closed by {@linkcode ConnectionServer.shutdown}.
   * @param serve Deno's per-connection serving ({@linkcode connectionServing}).
   * @param handler The request handler.
   * @param settings Idle timeout, connection cap and error answer.
   * @example
   * ```ts
   * const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
   * const server = new ConnectionServer(listener, connectionServing()!, () => new Response("ok"), {
   *   idleTimeoutMs: 60_000,
   *   maxConnections: 1024,
   *   onError: () => new Response("error", { status: 500 }),
   * });
   * await server.shutdown();
   * ```
   */
  constructor(
    listener: Deno.Listener<Deno.TcpConn, Deno.NetAddr>,
    serve: ServeConnection,
    handler: Deno.ServeHandler<Deno.NetAddr>,
    settings: ConnectionServerSettings,
  ) {
    this.#listener = listener;
    this.#serve = serve;
    this.#handler = handler;
    this.#settings = settings;
    const tickMs = Math.min(1000, Math.max(25, (settings.idleTimeoutMs || REFUSED_GRACE_MS) / 4));
    this.#sweeper = setInterval(() => this.#closeIdle(), tickMs);
    this.#accepting = this.#accept();
    this.finished = this.#accepting.then(() => this.#drained());
  }

  /** Open, refused and idle-closed connection counts. */
  get stats(): ConnectionStats {
    return { open: this.#connections.size, refused: this.#refused, idleClosed: this.#idleClosed };
  }

  /** Stops accepting, waits for requests in flight, closes every connection. */
  async shutdown(): Promise<void> {
    if (!this.#stopping) {
      this.#stopping = true;
      this.#listener.close();
    }
    await this.#accepting;
    for (const connection of this.#connections) this.#close(connection);
    await this.finished;
  }

  async #accept(): Promise<void> {
    while (!this.#stopping) {
      let conn: Deno.TcpConn;
      try {
        conn = await this.#listener.accept();
      } catch (error) {
        if (this.#stopping || isClosedListener(error)) break;
        // Out of file descriptors and the like: the connection is lost, the server is not.
        await sleep(100);
        continue;
      }
      this.#open(conn);
    }
    clearInterval(this.#sweeper);
  }

  #open(conn: Deno.TcpConn): void {
    const cap = this.#settings.maxConnections;
    const refused = cap > 0 && this.#connections.size >= cap;
    const connection: Connection = {
      inFlight: 0,
      idleSince: performance.now(),
      idleLimitMs: refused
        ? Math.min(this.#settings.idleTimeoutMs || REFUSED_GRACE_MS, REFUSED_GRACE_MS)
        : this.#settings.idleTimeoutMs,
      closing: false,
    };
    const ended = () => {
      connection.inFlight--;
      connection.idleSince = performance.now();
    };
    const handler: Deno.ServeHandler<Deno.NetAddr> = refused
      ? (_request, info) => {
        info.completed.finally(() => this.#close(connection)).catch(() => {});
        return tooManyConnections(cap);
      }
      : (request, info) => {
        connection.inFlight++;
        info.completed.then(ended, ended);
        return this.#handler(request, info);
      };
    if (refused) this.#refused++;
    try {
      conn.setNoDelay(true);
    } catch {
      // The peer is already gone; serving finds out and ends at once.
    }
    const served = this.#serve(
      conn,
      undefined,
      handler,
      this.#settings.onError,
      () => {},
    );
    connection.served = served;
    this.#connections.add(connection);
    // A connection ends by closing or failing (a malformed request, a reset); either way it
    // is only forgotten, so one bad client never takes the server down.
    connection.gone = served.finished.catch(() => {}).finally(() => {
      this.#connections.delete(connection);
    });
  }

  #closeIdle(): void {
    const now = performance.now();
    for (const connection of this.#connections) {
      if (connection.inFlight > 0 || connection.closing || connection.idleLimitMs <= 0) continue;
      if (now - connection.idleSince < connection.idleLimitMs) continue;
      this.#idleClosed++;
      this.#close(connection);
    }
  }

  /** Graceful: a request that is in flight (or races in) is answered before the close. */
  #close(connection: Connection): void {
    if (connection.closing) return;
    connection.closing = true;
    connection.served?.shutdown().catch(() => {});
  }

  async #drained(): Promise<void> {
    while (this.#connections.size > 0) {
      await Promise.all([...this.#connections].map((c) => c.gone));
    }
  }
}

function tooManyConnections(cap: number): Response {
  return new Response(`Too many connections (limit ${cap}); try again later\n`, {
    status: 503,
    headers: {
      "content-type": "text/plain; charset=utf-8",
      "connection": "close",
      "retry-after": "1",
    },
  });
}
