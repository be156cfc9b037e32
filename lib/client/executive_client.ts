/**
 * A typed HTTP client of the executive's routes (spec §7.2): families, tables, fields, writers,
 * mutations, cookies, schemas and limits. It owns request building and error mapping only; it
 * does not retry (callers decide) and does not validate names (the executive does).
 *
 * @module
 */
import { describeFetchError } from "../http/mod.ts";
import { parseJsonExact, stringifyGoJson } from "../schema/mod.ts";
import { ExecutiveError, ExecutiveUnreachableError } from "./executive_error.ts";
import { normalizeExecutiveUrl } from "./url.ts";
import type {
  ExecutiveClientOptions,
  FamilyTables,
  FieldTuple,
  MutationRequest,
  RateLimit,
  SizeLimits,
  TableLimits,
  TableSchema,
  WriterCredentials,
  WriterLimits,
} from "./types.ts";

const NANOS_PER_MINUTE = 60_000_000_000;

function segment(name: string): string {
  return encodeURIComponent(name);
}

function record(value: unknown, what: string): Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new TypeError(`${what}: could not decode response: expected a JSON object`);
  }
  return value as Record<string, unknown>;
}

function num(value: unknown): number {
  return typeof value === "bigint" ? Number(value) : typeof value === "number" ? value : 0;
}

function familyTables(value: unknown, what: string): FamilyTables {
  const family = record(value, what);
  const tables = Array.isArray(family.tables) ? family.tables : [];
  return { name: String(family.name), tables: tables.map(String) };
}

function rateLimit(value: unknown): RateLimit {
  const obj = typeof value === "object" && value !== null ? value as Record<string, unknown> : {};
  return { amount: num(obj.amount), periodNs: num(obj.period) };
}

/**
 * Talks to one executive.
 *
 * @example Create a family and a table, then write a row
 * ```ts
 * const client = new ExecutiveClient("localhost:3000");
 * await client.createFamily("accounts");
 * await client.createTable("accounts", "users", {
 *   fields: [["id", "integer"], ["name", "string"]],
 *   keyFields: ["id"],
 * });
 * await client.registerWriter({ writer: "app", secret: "s3cret" });
 * await client.mutate("accounts", { writer: "app", secret: "s3cret" }, {
 *   mutations: [{ table: "users", values: { id: 1, name: "Ada" } }],
 * });
 * ```
 */
export class ExecutiveClient {
  /** The normalized base URL, without a trailing slash. */
  readonly baseUrl: string;
  #options: ExecutiveClientOptions;

  /**
   * Creates a client for one executive.
   *
   * @param executive The executive address (`host:port` or a URL); see
   *   {@linkcode normalizeExecutiveUrl}.
   * @param options Admin token, timeout, abort signal.
   */
  constructor(executive: string, options: ExecutiveClientOptions = {}) {
    this.baseUrl = normalizeExecutiveUrl(executive);
    this.#options = options;
  }

  /** `POST /families/<family>`. A 409 (`Family already exists`) throws an ExecutiveError. */
  async createFamily(family: string): Promise<void> {
    await this.#send("POST", `/families/${segment(family)}`, {
      what: `could not create family '${family}'`,
    });
  }

  /** `POST /families/<family>/tables/<table>`. A 409 means the table already exists. */
  async createTable(
    family: string,
    table: string,
    schema: { fields: FieldTuple[]; keyFields: string[] },
  ): Promise<void> {
    await this.#send("POST", `/families/${segment(family)}/tables/${segment(table)}`, {
      what: `could not create table '${table}'`,
      json: { fields: schema.fields, keyFields: schema.keyFields },
    });
  }

  /** `PUT /families/<family>/tables/<table>`. A 409 means a column already exists. */
  async addFields(family: string, table: string, fields: FieldTuple[]): Promise<void> {
    await this.#send("PUT", `/families/${segment(family)}/tables/${segment(table)}`, {
      what: "could not add fields",
      json: { fields },
    });
  }

  /** `POST /writers/<writer>` with the raw secret as the body. */
  async registerWriter(credentials: WriterCredentials): Promise<void> {
    await this.#send("POST", `/writers/${segment(credentials.writer)}`, {
      what: `could not register writer '${credentials.writer}'`,
      body: credentials.secret,
      contentType: "text/plain",
    });
  }

  /**
   * `PUT /writers/<writer>` with the new secret as the body: changes an existing writer's secret
   * (its cookie and rate limit stay). The executive accepts the admin token when it has one,
   * otherwise the writer's current secret.
   *
   * @param writer The writer.
   * @param secret The new secret.
   * @param currentSecret The writer's current secret, sent as `ctlstore-secret` when given.
   */
  async rotateWriterSecret(writer: string, secret: string, currentSecret?: string): Promise<void> {
    await this.#send("PUT", `/writers/${segment(writer)}`, {
      what: `could not change the secret of writer '${writer}'`,
      body: secret,
      contentType: "text/plain",
      ...(currentSecret === undefined ? {} : { credentials: { writer, secret: currentSecret } }),
    });
  }

  /**
   * `DELETE /writers/<writer>`: removes a writer with its cookie, rate limit and usage.
   * Authorized as {@linkcode ExecutiveClient.rotateWriterSecret}.
   *
   * @param writer The writer.
   * @param currentSecret The writer's current secret, sent as `ctlstore-secret` when given.
   */
  async deleteWriter(writer: string, currentSecret?: string): Promise<void> {
    await this.#send("DELETE", `/writers/${segment(writer)}`, {
      what: `could not delete writer '${writer}'`,
      ...(currentSecret === undefined ? {} : { credentials: { writer, secret: currentSecret } }),
    });
  }

  /**
   * `POST /families/<family>/mutations`. Returns the ledger sequence of the write when the
   * executive reports one (`{"seq":N}`); the original answers with an empty body.
   */
  async mutate(
    family: string,
    credentials: WriterCredentials,
    request: MutationRequest,
  ): Promise<{ seq?: number }> {
    const json: Record<string, unknown> = {};
    if (request.cookie !== undefined) json.cookie = request.cookie;
    if (request.checkCookie !== undefined) json.check_cookie = request.checkCookie;
    json.mutations = request.mutations.map((m) => ({
      table: m.table,
      delete: m.delete ?? false,
      values: m.values,
    }));
    const text = await this.#send("POST", `/families/${segment(family)}/mutations`, {
      what: "could not apply mutations",
      json,
      credentials,
    });
    if (text.trim() === "") return {};
    try {
      const seq = (JSON.parse(text) as { seq?: unknown }).seq;
      return typeof seq === "number" ? { seq } : {};
    } catch {
      return {};
    }
  }

  /** `GET /cookie`: the writer's stored cookie bytes. */
  async getCookie(credentials: WriterCredentials): Promise<Uint8Array> {
    const response = await this.#fetch("GET", "/cookie", { credentials });
    const bytes = new Uint8Array(await response.arrayBuffer());
    if (response.status !== 200) {
      throw new ExecutiveError("could not read cookie", response.status, decode(bytes));
    }
    return bytes;
  }

  /** `POST /cookie`: overwrites the writer's cookie. */
  async setCookie(credentials: WriterCredentials, cookie: Uint8Array): Promise<void> {
    await this.#send("POST", "/cookie", {
      what: "could not set cookie",
      body: cookie,
      credentials,
    });
  }

  /** `GET /schema/table/<family>/<table>`. */
  async tableSchema(family: string, table: string): Promise<TableSchema> {
    const text = await this.#send("GET", `/schema/table/${segment(family)}/${segment(table)}`, {
      what: "could not read table schema",
    });
    return JSON.parse(text) as TableSchema;
  }

  /** `GET /schema/family/<family>`: every table of the family (`[]` when none). */
  async familySchema(family: string): Promise<TableSchema[]> {
    const text = await this.#send("GET", `/schema/family/${segment(family)}`, {
      what: "could not read family schema",
    });
    return (JSON.parse(text) as TableSchema[] | null) ?? [];
  }

  /** `GET /families`: every family with its tables, sorted by name. */
  async listFamilies(): Promise<FamilyTables[]> {
    const what = "could not list families";
    const body = record(JSON.parse(await this.#send("GET", "/families", { what })), what);
    return Array.isArray(body.families) ? body.families.map((f) => familyTables(f, what)) : [];
  }

  /** `GET /families/<family>/tables`: the family's tables, sorted (404 for an unknown family). */
  async listTables(family: string): Promise<FamilyTables> {
    const what = `could not list the tables of family '${family}'`;
    const text = await this.#send("GET", `/families/${segment(family)}/tables`, { what });
    return familyTables(JSON.parse(text), what);
  }

  /** `GET /limits/tables`. */
  async readTableLimits(): Promise<TableLimits> {
    const what = "could not read limits";
    const body = record(parseJsonExact(await this.#send("GET", "/limits/tables", { what })), what);
    const global = record(body.global ?? {}, what);
    const tables = Array.isArray(body.tables) ? body.tables as Record<string, unknown>[] : [];
    return {
      global: { maxSize: num(global["max-size"]), warnSize: num(global["warn-size"]) },
      tables: tables.map((t) => ({
        family: String(t.family),
        table: String(t.table),
        maxSize: num(t["max-size"]),
        warnSize: num(t["warn-size"]),
      })),
    };
  }

  /** `POST /limits/tables/<family>/<table>` with `{"max-size":M,"warn-size":W}`. */
  async updateTableLimit(family: string, table: string, limits: SizeLimits): Promise<void> {
    await this.#send("POST", `/limits/tables/${segment(family)}/${segment(table)}`, {
      what: "could not update table limit",
      json: { "max-size": limits.maxSize, "warn-size": limits.warnSize },
    });
  }

  /** `DELETE /limits/tables/<family>/<table>`. */
  async deleteTableLimit(family: string, table: string): Promise<void> {
    await this.#send("DELETE", `/limits/tables/${segment(family)}/${segment(table)}`, {
      what: "could not delete table limit",
    });
  }

  /** `GET /limits/writers`. */
  async readWriterLimits(): Promise<WriterLimits> {
    const what = "could not read limits";
    const body = record(parseJsonExact(await this.#send("GET", "/limits/writers", { what })), what);
    const writers = Array.isArray(body.writers) ? body.writers as Record<string, unknown>[] : [];
    return {
      global: rateLimit(body.global),
      writers: writers.map((w) => ({
        writer: String(w.writer),
        rateLimit: rateLimit(w["rate-limit"]),
      })),
    };
  }

  /** `POST /limits/writers/<writer>` with `{"amount":N,"period":60000000000}` (rows per minute). */
  async updateWriterLimit(writer: string, rowsPerMinute: number): Promise<void> {
    await this.#send("POST", `/limits/writers/${segment(writer)}`, {
      what: "could not update writer limit",
      json: { amount: rowsPerMinute, period: NANOS_PER_MINUTE },
    });
  }

  /** `DELETE /limits/writers/<writer>`. */
  async deleteWriterLimit(writer: string): Promise<void> {
    await this.#send("DELETE", `/limits/writers/${segment(writer)}`, {
      what: "could not delete writer limit",
    });
  }

  /**
   * `DELETE /clear-rows/families/<family>/tables/<table>`: deletes every row of the table (the
   * executive must run with `-enable-destructive-schema-changes`).
   */
  async clearTableRows(family: string, table: string): Promise<void> {
    await this.#send("DELETE", `/clear-rows/families/${segment(family)}/tables/${segment(table)}`, {
      what: `could not clear table '${family}.${table}'`,
    });
  }

  /** `GET /status`: resolves when the executive answers 200. */
  async status(): Promise<void> {
    await this.#send("GET", "/status", { what: "executive status" });
  }

  async #send(method: string, path: string, request: RequestParts & { what: string }) {
    const response = await this.#fetch(method, path, request);
    const text = await response.text();
    if (response.status !== 200) throw new ExecutiveError(request.what, response.status, text);
    return text;
  }

  async #fetch(method: string, path: string, request: RequestParts): Promise<Response> {
    const headers = new Headers();
    if (this.#options.adminToken) {
      headers.set("authorization", `Bearer ${this.#options.adminToken}`);
    }
    if (request.credentials) {
      headers.set("ctlstore-writer", request.credentials.writer);
      headers.set("ctlstore-secret", request.credentials.secret);
    }
    let body: string | Uint8Array<ArrayBuffer> | undefined;
    if (request.json !== undefined) {
      headers.set("content-type", "application/json");
      body = stringifyGoJson(request.json);
    } else if (request.body !== undefined) {
      if (request.contentType) headers.set("content-type", request.contentType);
      body = typeof request.body === "string" ? request.body : new Uint8Array(request.body);
    }
    const timeoutMs = this.#options.timeoutMs ?? 30_000;
    const timeout = AbortSignal.timeout(timeoutMs);
    const signals = [timeout];
    if (this.#options.signal) signals.push(this.#options.signal);
    try {
      return await fetch(this.baseUrl + path, {
        method,
        headers,
        body,
        signal: AbortSignal.any(signals),
      });
    } catch (error) {
      const reason = describeFetchError(error, timeout.aborted ? timeoutMs : undefined);
      throw new ExecutiveUnreachableError(reason, { cause: error, url: this.baseUrl });
    }
  }
}

interface RequestParts {
  json?: unknown;
  body?: string | Uint8Array;
  contentType?: string;
  credentials?: WriterCredentials;
}

function decode(bytes: Uint8Array): string {
  return new TextDecoder().decode(bytes);
}
