/**
 * A typed HTTP client of the executive's routes (spec §7.2): families, tables, fields, writers,
 * mutations, cookies, schemas and limits. It owns request building and error mapping only; it
 * does not retry (callers decide) and does not validate names (the executive does).
 *
 * @module
 */
import { errorMessage } from "../log/mod.ts";
import { parseJsonExact, stringifyGoJson } from "../schema/mod.ts";
import { ExecutiveError, ExecutiveUnreachableError } from "./executive_error.ts";
import { normalizeExecutiveUrl } from "./url.ts";

/** A field as sent to the executive: `[name, type]`. */
export type FieldTuple = [name: string, type: string];

/** A table's schema as the executive reports it. */
export interface TableSchema {
  /** Family name. */
  family: string;
  /** Table name. */
  name: string;
  /** Fields in table column order. */
  fields: FieldTuple[];
  /** Primary-key field names, in column order (as the executive reports them). */
  keyFields: string[];
}

/** A writer's name and secret, sent as the `ctlstore-writer`/`ctlstore-secret` headers. */
export interface WriterCredentials {
  /** Writer name. */
  writer: string;
  /** Writer secret. */
  secret: string;
}

/** One row change of a mutation request. */
export interface Mutation {
  /** Table name within the family. */
  table: string;
  /** Delete the row with these key values instead of upserting it. */
  delete?: boolean;
  /** Column values; bigints keep exact digits, Uint8Arrays are sent as base64. */
  values: Record<string, unknown>;
}

/** The body of `POST /families/<family>/mutations`. */
export interface MutationRequest {
  /** The writer's new checkpoint; omitted when undefined. */
  cookie?: Uint8Array;
  /** Apply only when the stored cookie equals this (compare-and-swap). */
  checkCookie?: Uint8Array;
  /** The row changes, applied in one transaction. */
  mutations: Mutation[];
}

/** A table size limit in bytes. */
export interface SizeLimits {
  /** Mutations of a table larger than this are refused (507). */
  maxSize: number;
  /** Tables larger than this are reported in metrics. */
  warnSize: number;
}

/** The answer of `GET /limits/tables`. */
export interface TableLimits {
  /** The executive's defaults. */
  global: SizeLimits;
  /** Per-table overrides, ordered by family and table. */
  tables: Array<SizeLimits & { family: string; table: string }>;
}

/** A rate: `amount` mutations per `periodNs` nanoseconds. */
export interface RateLimit {
  /** Mutations allowed per period. */
  amount: number;
  /** The period in nanoseconds. */
  periodNs: number;
}

/** The answer of `GET /limits/writers`. */
export interface WriterLimits {
  /** The executive's default limit. */
  global: RateLimit;
  /** Per-writer overrides (always per minute), ordered by writer. */
  writers: Array<{ writer: string; rateLimit: RateLimit }>;
}

/** Options of {@linkcode ExecutiveClient}. */
export interface ExecutiveClientOptions {
  /** Sent as `Authorization: Bearer <token>` on every request when set. */
  adminToken?: string;
  /** Per-request timeout in milliseconds (default 30 000). */
  timeoutMs?: number;
  /** Aborts every request of this client. */
  signal?: AbortSignal;
}

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
    const signals = [AbortSignal.timeout(this.#options.timeoutMs ?? 30_000)];
    if (this.#options.signal) signals.push(this.#options.signal);
    try {
      return await fetch(this.baseUrl + path, {
        method,
        headers,
        body,
        signal: AbortSignal.any(signals),
      });
    } catch (error) {
      throw new ExecutiveUnreachableError(errorMessage(error), { cause: error });
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
