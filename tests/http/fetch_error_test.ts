import assert from "node:assert/strict";
import { describeFetchError } from "../../lib/http/mod.ts";

/** A fetch failure as Deno reports it: `fetch failed`, the reason in the cause's text. */
function denoFetchError(cause: string): TypeError {
  return new TypeError("fetch failed", {
    cause: new Error(`error sending request for url (http://h:1/): ${cause}`),
  });
}

Deno.test("fetch failures are worded by their cause", () => {
  const cases: [string, unknown, string][] = [
    [
      "refused",
      denoFetchError(
        "client error (Connect): tcp connect error: Connection refused (os error 111)",
      ),
      "connection refused",
    ],
    [
      "DNS",
      denoFetchError(
        "client error (Connect): dns error: failed to lookup address information: " +
          "Name or service not known",
      ),
      "host not found (DNS lookup failed)",
    ],
    [
      "untrusted certificate",
      denoFetchError("client error (Connect): invalid peer certificate: UnknownIssuer"),
      "TLS handshake failed: invalid peer certificate: UnknownIssuer",
    ],
    [
      "plain HTTP server",
      denoFetchError(
        "client error (Connect): received corrupt message of type InvalidContentType",
      ),
      "TLS handshake failed: received corrupt message of type InvalidContentType",
    ],
    [
      "reset",
      denoFetchError("client error (SendRequest): connection reset by peer (os error 104)"),
      "connection reset by the server",
    ],
    [
      "closed",
      denoFetchError("client error (SendRequest): connection closed before message completed"),
      "connection closed before an answer",
    ],
    [
      "unreachable network",
      denoFetchError("client error (Connect): tcp connect error: Network is unreachable"),
      "network unreachable",
    ],
    [
      "blocked port",
      new TypeError("Fetch failed: Requests to port 1 are blocked"),
      "Requests to port 1 are blocked",
    ],
    ["other", denoFetchError("client error (Connect): something new"), "something new"],
    ["timeout", new DOMException("The operation timed out", "TimeoutError"), "timed out"],
    ["aborted", new DOMException("aborted", "AbortError"), "aborted"],
    ["not an error", "boom", "boom"],
  ];
  for (const [name, error, expected] of cases) {
    assert.equal(describeFetchError(error), expected, name);
  }
});

Deno.test("a timeout of the request's own timer names its length", () => {
  const timeout = new DOMException("The operation timed out", "TimeoutError");
  assert.equal(describeFetchError(timeout, 5000), "timed out after 5s");
  assert.equal(describeFetchError(timeout, 250), "timed out after 250ms");
});

Deno.test("a real refused connection and an unresolvable host are worded", async () => {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr as Deno.NetAddr;
  listener.close();
  const refused = await fetch(`http://127.0.0.1:${port}/`).catch((error) => error);
  assert.equal(describeFetchError(refused), "connection refused");
  const dns = await fetch("http://ctlstore-test.invalid/").catch((error) => error);
  assert.equal(describeFetchError(dns), "host not found (DNS lookup failed)");
});
