import assert from "node:assert/strict";
import { HttpError } from "../../lib/http/mod.ts";
import { parseKeyRequest } from "../../lib/sidecar/mod.ts";

Deno.test("parseKeyRequest turns each key part into the value to look up", () => {
  const cases: [string, unknown[]][] = [
    ['{"Key":[{"Value":"a"},{"Value":2}]}', ["a", 2]],
    ['{"key":[{"value":true},{"value":false},{"value":null}]}', [1, 0, null]],
    ['{"Key":[{"Value":1.5},{"Value":12345678901234567890}]}', [1.5, 12345678901234567890n]],
    ['{"Key":[{"Binary":"3q0="}]}', [new Uint8Array([0xde, 0xad])]],
    ['{"Key":[{"Binary":""}]}', [new Uint8Array()]],
    ['{"Key":[{"Value":"v","Binary":null}]}', ["v"]],
    ['{"Key":[{"Value":1,"value":2}]}', [2]],
    ['{"Key":[{}, null]}', [null, null]],
    ['{"Key":null}', []],
    ['{"Other":1}', []],
    ["null", []],
  ];
  for (const [body, expected] of cases) assert.deepEqual(parseKeyRequest(body), expected, body);
});

Deno.test("parseKeyRequest rejects malformed bodies with 400 decode body errors", () => {
  const cases: [string, RegExp][] = [
    ["", /^decode body: EOF$/],
    ["{", /^decode body: /],
    ["1", /^decode body: expected a JSON object$/],
    ['{"Key":{}}', /^decode body: Key must be an array$/],
    ['{"Key":["a"]}', /^decode body: Key\[0\] must be an object with Value or Binary$/],
    ['{"Key":[{"Value":[1]}]}', /^decode body: Key\[0\]\.Value must be a string, number/],
    ['{"Key":[{"Binary":1}]}', /^decode body: Key\[0\]\.Binary must be a base64 string$/],
    ['{"Key":[{"Binary":"3q0"}]}', /^decode body: Key\[0\]\.Binary is not valid base64$/],
  ];
  for (const [body, message] of cases) {
    assert.throws(() => parseKeyRequest(body), (error: Error) => {
      assert.ok(error instanceof HttpError, body);
      assert.equal(error.status, 400, body);
      assert.match(error.message, message, body);
      return true;
    });
  }
});
