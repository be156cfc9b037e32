/**
 * What the executive client sends and receives: table schemas, writers, mutations, limits.
 *
 * @module
 */

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

/** A family and its tables, as `GET /families` lists it. */
export interface FamilyTables {
  /** Family name. */
  name: string;
  /** Its tables' names, sorted. */
  tables: string[];
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
