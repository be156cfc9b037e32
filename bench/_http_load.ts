/**
 * A small HTTP load generator, run as its own process by the sidecar benchmark so that load
 * generation does not share the server's event loop: `concurrency` workers each POST in a loop
 * over keep-alive connections for `durationMs`, then it prints
 * `{"requests":N,"errors":N,"seconds":S}` on stdout.
 *
 * Usage: `deno run -A bench/_http_load.ts <url> <concurrency> <durationMs> <keyCount>`; each
 * request's body is `{"Key":[{"Value":<i>}]}` with `i` cycling through `0..keyCount-1`.
 *
 * @module
 */

async function load(url: string, concurrency: number, durationMs: number, keys: number) {
  const client = Deno.createHttpClient({ poolMaxIdlePerHost: concurrency });
  const headers = { "content-type": "application/json" };
  let requests = 0;
  let errors = 0;
  let next = 0;
  const started = performance.now();
  const end = started + durationMs;
  const worker = async () => {
    while (performance.now() < end) {
      const body = `{"Key":[{"Value":${(next = (next + 7919) % keys)}}]}`;
      try {
        const response = await fetch(url, { method: "POST", body, headers, client });
        await response.arrayBuffer();
        if (response.status === 200) requests++;
        else errors++;
      } catch {
        errors++;
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const seconds = (performance.now() - started) / 1000;
  client.close();
  return { requests, errors, seconds };
}

if (import.meta.main) {
  const [url, concurrency, durationMs, keys] = Deno.args;
  const result = await load(url!, Number(concurrency), Number(durationMs), Number(keys));
  await Deno.stdout.write(new TextEncoder().encode(JSON.stringify(result) + "\n"));
}
