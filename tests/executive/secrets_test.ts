import assert from "node:assert/strict";
import { hashSecret, initialCookie } from "../../lib/executive/secrets.ts";

const decode = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

Deno.test("the initial cookie matches the original's test vectors", () => {
  const vectors: [string, string][] = [
    ["writer1", "d3JpdGVyMWvvyLhIjKvjOx0M5y3UgjITxDifKeSscYpRbLUKk7iS"],
    ["heartbeat", "aGVhcnRiZWF0a+/IuEiMq+M7HQznLdSCMhPEOJ8p5KxxilFstQqTuJI="],
  ];
  for (const [writer, cookie] of vectors) {
    assert.equal(decode(initialCookie(writer)), cookie, writer);
  }
});

Deno.test("secrets are stored as lowercase hex SHA-256", () => {
  const vectors: [string, string][] = [
    ["", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"],
    ["mysecret", "652c7dc687d98c9889304ed2e408c74b611e86a40caa51c4b43f1dd5913c5cd0"],
  ];
  for (const [secret, hash] of vectors) {
    assert.equal(hashSecret(secret), hash, secret);
    assert.equal(hashSecret(new TextEncoder().encode(secret)), hash, secret);
  }
});
