/**
 * One-line structured logging to stderr, shared by every service.
 *
 * A line is `<ISO time> <level> <service>: <message> key=value ...`. Values that look like
 * secrets are never passed here: callers redact DSNs with {@linkcode redactDsn} first.
 *
 * @module
 */

/** Severity of a log line, lowest first. */
export type LogLevel = "debug" | "info" | "warn" | "error";

const LEVEL_ORDER: Record<LogLevel, number> = { debug: 0, info: 1, warn: 2, error: 3 };

/** Extra fields printed after the message as `key=value`. */
export type LogFields = Record<string, unknown>;

/** A logger bound to one service name. */
export interface Logger {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
  /** A logger for a sub-component, printed as `service/child`. */
  child(name: string): Logger;
}

/** Options of {@linkcode createLogger}. */
export interface LoggerOptions {
  /** Print debug lines too. */
  debug?: boolean;
  /** Where lines go; defaults to stderr. */
  write?: (line: string) => void;
}

const encoder = new TextEncoder();

function writeStderr(line: string): void {
  Deno.stderr.writeSync(encoder.encode(line + "\n"));
}

function formatValue(value: unknown): string {
  if (value instanceof Error) return JSON.stringify(value.message);
  if (typeof value === "string") return /^[\w.:/@+-]*$/.test(value) ? value : JSON.stringify(value);
  if (typeof value === "bigint") return value.toString();
  return JSON.stringify(value) ?? String(value);
}

/**
 * Creates a logger for one service.
 *
 * @example
 * ```ts
 * const log = createLogger("reflector", { debug: false });
 * log.info("applied statement", { seq: 42 });
 * ```
 */
export function createLogger(service: string, options: LoggerOptions = {}): Logger {
  const min = LEVEL_ORDER[options.debug ? "debug" : "info"];
  const write = options.write ?? writeStderr;
  const emit = (level: LogLevel, message: string, fields?: LogFields) => {
    if (LEVEL_ORDER[level] < min) return;
    let line = `${new Date().toISOString()} ${level.toUpperCase()} ${service}: ${message}`;
    for (const [key, value] of Object.entries(fields ?? {})) {
      if (value !== undefined) line += ` ${key}=${formatValue(value)}`;
    }
    write(line);
  };
  return {
    debug: (m, f) => emit("debug", m, f),
    info: (m, f) => emit("info", m, f),
    warn: (m, f) => emit("warn", m, f),
    error: (m, f) => emit("error", m, f),
    child: (name) => createLogger(`${service}/${name}`, options),
  };
}

/** A logger that drops everything; for tests and library defaults. */
export const silentLogger: Logger = createLogger("silent", { write: () => {} });

/** The message of any thrown value, for one-line error reports. */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Replaces the password of a DSN or URL with `<REDACTED>` so it can be logged.
 *
 * @example
 * ```ts
 * redactDsn("user:pw@tcp(db:3306)/ctldb"); // "user:<REDACTED>@tcp(db:3306)/ctldb"
 * ```
 */
export function redactDsn(dsn: string): string {
  return dsn
    .replace(/^(\w+:\/\/[^:/@]*:).*@(?=[^@]*$)/, "$1<REDACTED>@")
    .replace(/^([^:/@()]*:).*@(?=[a-z]*\()/, "$1<REDACTED>@");
}

export * from "./rate_limit.ts";
