import assert from "node:assert/strict";
import { parse } from "yaml";
import { COMMANDS } from "../../commands/mod.ts";
import { parseFlags } from "../../lib/flags/mod.ts";
import { REPO_ROOT } from "../_helpers/process.ts";

/** The services of the compose example, as far as these tests read them. */
interface Service {
  image: string;
  command?: string[];
  environment?: Record<string, string>;
  volumes?: string[];
}

async function dockerfile(): Promise<string> {
  return await Deno.readTextFile(`${REPO_ROOT}Dockerfile`);
}

async function composeServices(): Promise<Record<string, Service>> {
  const text = await Deno.readTextFile(`${REPO_ROOT}docker-compose-example.yml`);
  return (parse(text) as { services: Record<string, Service> }).services;
}

/** The image's default health check URL (its `ENV CTLSTORE_HEALTHCHECK_URL`). */
async function defaultHealthUrl(): Promise<string> {
  const match = /^ENV CTLSTORE_HEALTHCHECK_URL=(\S+)$/m.exec(await dockerfile());
  assert.ok(match, "ENV CTLSTORE_HEALTHCHECK_URL");
  return match[1]!;
}

/** A command line's flag values, parsed by the command's own flags. */
function flagsOf(args: string[], env: Record<string, string> = {}): Record<string, unknown> {
  const [name, ...rest] = args;
  const command = COMMANDS.find((c) => c.name === name);
  assert.ok(command, `no command ${name}`);
  const { values, positionals } = parseFlags(command.flags, rest, env);
  assert.deepEqual(positionals, [], args.join(" "));
  return values as Record<string, unknown>;
}

Deno.test("the image's HEALTHCHECK runs ctlstore healthcheck in exec form on the executive's /healthz", async () => {
  const text = await dockerfile();
  const match = /^HEALTHCHECK (?:--\S+ )*\\?\n?\s*CMD (\[.*\])$/m.exec(text);
  assert.ok(match, "HEALTHCHECK … CMD [...]");
  const [binary, ...args] = JSON.parse(match[1]!) as string[];
  assert.equal(binary, "/usr/local/bin/ctlstore");
  const url = await defaultHealthUrl();
  const values = flagsOf(args, { CTLSTORE_HEALTHCHECK_URL: url });
  assert.equal(values.url, "http://127.0.0.1:3000/healthz");
  assert.match(text, /^EXPOSE .*\b3000\b/m);
});

/** The address a service serves its /healthz on, from its own flags. */
function healthAddress(values: Record<string, unknown>, command: string): string {
  const flag = { executive: "bind", sidecar: "bind-addr" }[command] ?? "metrics-bind";
  return String(values[flag]);
}

Deno.test("every ctlstore service of the compose example checks its own /healthz", async () => {
  const fallback = await defaultHealthUrl();
  const services = Object.entries(await composeServices())
    .filter(([, service]) => service.image === "ctlstore");
  assert.equal(services.length, 5);
  for (const [name, service] of services) {
    const env = service.environment ?? {};
    const values = flagsOf(service.command!, env);
    const url = new URL(env.CTLSTORE_HEALTHCHECK_URL ?? fallback);
    assert.equal(url.pathname, "/healthz", name);
    const bound = healthAddress(values, service.command![0]!);
    assert.ok(bound.endsWith(`:${url.port}`), `${name}: ${url} vs ${bound}`);
    assert.match(bound, /^(0\.0\.0\.0|127\.0\.0\.1):/, `${name} answers on the loopback`);
  }
});

Deno.test("the compose reflector bootstraps from the snapshot the supervisor publishes, on a shared volume", async () => {
  const services = await composeServices();
  const reflector = flagsOf(services.reflector!.command!);
  const supervisor = flagsOf(services.supervisor!.command!);
  const snapshot = "file:///var/spool/ctlstore/snapshots/snapshot.db";
  assert.equal(reflector["bootstrap-url"], snapshot);
  assert.equal(supervisor["snapshot-url"], snapshot);
  const mount = (service: Service) =>
    service.volumes?.find((volume) => volume.startsWith("snapshots:"))?.split(":")[1];
  assert.equal(mount(services.reflector!), "/var/spool/ctlstore/snapshots");
  assert.equal(mount(services.supervisor!), "/var/spool/ctlstore/snapshots");
});
