/**
 * A minimal HTTP/1.1 client for load generation: one keep-alive connection, one request at a
 * time, requests written in one `write` and responses read by `content-length`. It costs the
 * load generator about a third of the CPU `fetch` does per request, as a dedicated load tool
 * (wrk, hey) would: on a small host that shares its cores between load, server and database,
 * the load generator's CPU is otherwise taken from what is measured.
 *
 * Only what the executive answers is understood: a status line, headers and a
 * `content-length` body (a chunked or length-less answer is an error).
 *
 * @module
 */

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const HEADER_END = "\r\n\r\n";

/** A response: its status and body text. */
export interface Http1Response {
  status: number;
  text: string;
}

/** The status and body of a complete response in `bytes`, `undefined` while it is partial. */
function parseResponse(bytes: Uint8Array): Http1Response | undefined {
  const head = decoder.decode(bytes.subarray(0, Math.min(bytes.length, 8192)));
  const end = head.indexOf(HEADER_END);
  if (end < 0) {
    if (bytes.length >= 8192) throw new Error("response headers longer than 8 KiB");
    return undefined;
  }
  const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1]);
  const length = /\r\ncontent-length: *(\d+)/i.exec(head.slice(0, end))?.[1];
  if (!Number.isInteger(status) || length === undefined) {
    throw new Error(`unsupported response: ${JSON.stringify(head.slice(0, end))}`);
  }
  const bodyStart = encoder.encode(head.slice(0, end + HEADER_END.length)).length;
  const bodyEnd = bodyStart + Number(length);
  if (bytes.length < bodyEnd) return undefined;
  return { status, text: decoder.decode(bytes.subarray(bodyStart, bodyEnd)) };
}

/**
 * One keep-alive HTTP/1.1 connection to a local server.
 *
 * @example
 * ```ts ignore
 * using client = await Http1Client.connect(8080);
 * const { status, text } = await client.post("/families/f/mutations", body, headers);
 * ```
 */
export class Http1Client implements Disposable {
  readonly #conn: Deno.TcpConn;
  #buffer = new Uint8Array(64 * 1024);

  private constructor(conn: Deno.TcpConn) {
    this.#conn = conn;
  }

  /** Connects to `127.0.0.1:port`. */
  static async connect(port: number): Promise<Http1Client> {
    const conn = await Deno.connect({ hostname: "127.0.0.1", port });
    conn.setNoDelay(true);
    return new Http1Client(conn);
  }

  /** Sends a POST and reads its whole response. */
  async post(path: string, body: string, headers: Record<string, string>): Promise<Http1Response> {
    const content = encoder.encode(body);
    let head = `POST ${path} HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-length: ${content.length}\r\n`;
    for (const [name, value] of Object.entries(headers)) head += `${name}: ${value}\r\n`;
    const start = encoder.encode(head + "\r\n");
    const request = new Uint8Array(start.length + content.length);
    request.set(start);
    request.set(content, start.length);
    for (let written = 0; written < request.length;) {
      written += await this.#conn.write(request.subarray(written));
    }
    let received = 0;
    for (;;) {
      if (received === this.#buffer.length) {
        const larger = new Uint8Array(this.#buffer.length * 2);
        larger.set(this.#buffer);
        this.#buffer = larger;
      }
      const read = await this.#conn.read(this.#buffer.subarray(received));
      if (read === null) throw new Error("the server closed the connection");
      received += read;
      const response = parseResponse(this.#buffer.subarray(0, received));
      if (response !== undefined) return response;
    }
  }

  /** Closes the connection. */
  [Symbol.dispose](): void {
    this.#conn.close();
  }
}
