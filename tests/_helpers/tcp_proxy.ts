/**
 * A TCP proxy for outage tests: forwards a local port to a target, and can be stopped
 * (listener closed, every connection cut) and restarted on the same port.
 *
 * @module
 */

/** A stoppable TCP forwarder; `await using` stops it for good. */
export class TcpProxy implements AsyncDisposable {
  readonly port: number;
  readonly #target: Deno.ConnectOptions;
  #listener: Deno.Listener | undefined;
  #accepting: Promise<void> | undefined;
  #connections = new Set<Deno.Conn>();
  #pipes = new Set<Promise<unknown>>();

  private constructor(port: number, target: Deno.ConnectOptions) {
    this.port = port;
    this.#target = target;
  }

  /**
   * Starts a proxy on a free local port.
   *
   * @example
   * ```ts
   * await using proxy = TcpProxy.start({ hostname: "127.0.0.1", port: 3306 });
   * ```
   */
  static start(target: Deno.ConnectOptions): TcpProxy {
    const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
    const proxy = new TcpProxy((listener.addr as Deno.NetAddr).port, target);
    proxy.#serve(listener);
    return proxy;
  }

  #serve(listener: Deno.Listener): void {
    this.#listener = listener;
    this.#accepting = (async () => {
      try {
        for await (const client of listener) this.#forward(client);
      } catch {
        // Listener closed.
      }
    })();
  }

  #forward(client: Deno.Conn): void {
    this.#connections.add(client);
    const pipe = (async () => {
      let upstream: Deno.Conn | undefined;
      try {
        upstream = await Deno.connect(this.#target);
        this.#connections.add(upstream);
        await Promise.race([
          client.readable.pipeTo(upstream.writable),
          upstream.readable.pipeTo(client.writable),
        ]);
      } catch {
        // A side closed or was cut.
      } finally {
        for (const conn of [client, upstream]) {
          if (!conn) continue;
          this.#connections.delete(conn);
          try {
            conn.close();
          } catch {
            // Already closed.
          }
        }
      }
    })();
    this.#pipes.add(pipe);
    pipe.finally(() => this.#pipes.delete(pipe));
  }

  /** Stops listening and cuts every open connection. */
  async stop(): Promise<void> {
    this.#listener?.close();
    this.#listener = undefined;
    await this.#accepting;
    for (const conn of [...this.#connections]) {
      try {
        conn.close();
      } catch {
        // Already closed.
      }
    }
    this.#connections.clear();
    await Promise.allSettled([...this.#pipes]);
  }

  /** Listens again on the same port. */
  resume(): void {
    if (this.#listener) return;
    this.#serve(Deno.listen({ hostname: "127.0.0.1", port: this.port }));
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.stop();
  }
}
