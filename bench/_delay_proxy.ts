/**
 * A TCP proxy that delays every chunk by a fixed time in each direction, in order: a database
 * "across the network" for benchmarks on one machine (the ctldb of a fleet is rarely on the
 * executive's host).
 *
 * @module
 */

/** A running proxy. */
export interface DelayProxy {
  /** The port it listens on (127.0.0.1). */
  port: number;
  /** Stops listening and closes every connection. */
  close(): Promise<void>;
}

async function pump(
  from: Deno.TcpConn,
  to: Deno.TcpConn,
  delayMs: number,
  closing: AbortSignal,
): Promise<void> {
  // Each chunk leaves delayMs after it arrived; writes stay in arrival order.
  let last = Promise.resolve();
  try {
    for await (const chunk of from.readable) {
      if (closing.aborted) break;
      const due = performance.now() + delayMs;
      last = last.then(async () => {
        const wait = due - performance.now();
        if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
        const writer = to.writable.getWriter();
        try {
          await writer.write(chunk);
        } finally {
          writer.releaseLock();
        }
      });
    }
    await last;
  } catch {
    // Either side went away.
  }
  await to.closeWrite().catch(() => {});
}

/**
 * Starts a proxy to `target` adding `delayMs` each way.
 *
 * @example
 * ```ts ignore
 * const proxy = startDelayProxy({ hostname: "127.0.0.1", port: 3306 }, 1);
 * // connect to 127.0.0.1:${proxy.port}
 * await proxy.close();
 * ```
 */
export function startDelayProxy(
  target: { hostname: string; port: number },
  delayMs: number,
): DelayProxy {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const closing = new AbortController();
  const connections = new Set<Deno.TcpConn>();
  const serving = (async () => {
    for await (const client of listener) {
      const upstream = await Deno.connect(target).catch(() => undefined);
      if (upstream === undefined) {
        client.close();
        continue;
      }
      client.setNoDelay(true);
      upstream.setNoDelay(true);
      connections.add(client).add(upstream);
      void Promise.all([
        pump(client, upstream, delayMs, closing.signal),
        pump(upstream, client, delayMs, closing.signal),
      ]).finally(() => {
        for (const conn of [client, upstream]) {
          connections.delete(conn);
          try {
            conn.close();
          } catch {
            // Already closed.
          }
        }
      });
    }
  })().catch(() => {});
  return {
    port: (listener.addr as Deno.NetAddr).port,
    async close() {
      closing.abort();
      listener.close();
      for (const conn of connections) {
        try {
          conn.close();
        } catch {
          // Already closed.
        }
      }
      await serving;
    },
  };
}
