/**
 * Go `flag`-syntax parsing with `CTLSTORE_*` environment variables (spec §2.1).
 *
 * Accepted forms: `-name value`, `-name=value`, `--name value`, `--name=value`, bare booleans
 * (`-debug`, `-debug=false`), short aliases (`-e`). Precedence: flag > environment > default;
 * an empty environment variable (`CTLSTORE_X=` in an env file) counts as unset. Positional
 * arguments may stand between flags; `--` ends flag parsing.
 *
 * @module
 */
import { formatGoDuration, parseGoDuration } from "./duration.ts";

/** The kinds of flag value. Durations are milliseconds; lists accumulate repeated flags. */
export type FlagType = "string" | "bool" | "int" | "float" | "duration" | "list";

/** The description of one flag. */
export interface FlagSpec {
  type: FlagType;
  /** One-line help text. */
  help: string;
  /**
   * Default as it would be typed on the command line (`"30s"`, `"100"`); without one, the
   * type's zero value (`""`, `false`, `0`, `[]`).
   */
  default?: string;
  /**
   * Fails with `missing required flag -<name>` when neither the flag nor its environment
   * variable is given, and with `-<name> must not be empty` (`… be 0`) when either gives the
   * type's zero value. A required flag has no default.
   */
  required?: boolean;
  /** One-letter alias, e.g. `e` for `-e`. */
  short?: string;
  /** Override of the environment variable name (default `CTLSTORE_<NAME>`). */
  env?: string;
}

/** A command's flags by name (dotted names allowed, e.g. `ledger-latency.disable`). */
export type FlagSpecs = Record<string, FlagSpec>;

type ValueOf<T extends FlagType> = T extends "string" ? string
  : T extends "bool" ? boolean
  : T extends "list" ? string[]
  : number;

/** The parsed values of a set of flags, typed by each flag's kind. */
export type FlagValues<S extends FlagSpecs> = { [K in keyof S]: ValueOf<S[K]["type"]> };

/**
 * A command-line mistake. `main.ts` prints it as one line naming the command and pointing to
 * its `--help`; the usage is printed only on `--help`.
 */
export class FlagError extends Error {
  /** @param message What was wrong, naming the flag. */
  constructor(message: string) {
    super(message);
    this.name = "FlagError";
  }
}

/** The result of {@linkcode parseFlags}. */
export interface ParsedFlags<S extends FlagSpecs> {
  values: FlagValues<S>;
  positionals: string[];
  /** `-h`, `-help` or `--help` was given. */
  help: boolean;
}

/**
 * The environment variable that can supply a flag: `CTLSTORE_` + the name upper-cased with `.`
 * and `-` turned into `_`.
 *
 * @example
 * ```ts
 * envName("ledger-latency.max-healty-latency"); // "CTLSTORE_LEDGER_LATENCY_MAX_HEALTY_LATENCY"
 * ```
 */
export function envName(flag: string): string {
  return "CTLSTORE_" + flag.replace(/[.-]/g, "_").toUpperCase();
}

const INTEGER = /^[+-]?\d+$/;
const DECIMAL = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;
const ZERO: { [T in FlagType]: ValueOf<T> } = {
  string: "",
  bool: false,
  int: 0,
  float: 0,
  duration: 0,
  list: [],
};

function convert(name: string, spec: FlagSpec, raw: string): string | number | boolean | string[] {
  const text = raw.trim();
  switch (spec.type) {
    case "string":
      return raw;
    case "bool": {
      const lower = text.toLowerCase();
      if (["true", "1", "t", "yes", "y", "on"].includes(lower)) return true;
      if (["false", "0", "f", "no", "n", "off", ""].includes(lower)) return false;
      throw new FlagError(`invalid boolean value "${raw}" for flag -${name}`);
    }
    case "int": {
      const value = Number(text);
      if (!INTEGER.test(text) || !Number.isSafeInteger(value)) {
        throw new FlagError(`invalid integer value "${raw}" for flag -${name}`);
      }
      return value;
    }
    case "float": {
      const value = Number(text);
      if (!DECIMAL.test(text) || !Number.isFinite(value)) {
        throw new FlagError(`invalid number value "${raw}" for flag -${name}`);
      }
      return value;
    }
    case "duration":
      try {
        return parseGoDuration(text);
      } catch {
        throw new FlagError(`invalid duration value "${raw}" for flag -${name}`);
      }
    case "list":
      return parseList(text);
  }
}

/** A YAML flow list (`[a, b]`) or a comma-separated list (`a,b`); empty text is no items. */
function parseList(text: string): string[] {
  const inner = text.startsWith("[") && text.endsWith("]") ? text.slice(1, -1) : text;
  return inner.split(",").map((item) => item.trim().replace(/^(['"])(.*)\1$/, "$2")).filter(
    (item) => item !== "",
  );
}

function isZero(value: unknown): boolean {
  return value === "" || value === 0 || value === false ||
    (Array.isArray(value) && value.length === 0);
}

/**
 * The message of required flags that were not given: `missing required flag -bind`, or
 * `missing required flags -bind, -ctldb` for several.
 *
 * @example
 * ```ts
 * missingFlagsMessage(["bind", "ctldb"]); // "missing required flags -bind, -ctldb"
 * ```
 */
export function missingFlagsMessage(names: readonly string[]): string {
  const flags = names.map((name) => `-${name}`).join(", ");
  return `missing required flag${names.length === 1 ? "" : "s"} ${flags}`;
}

/** The message of a required flag given its type's zero value (`-bind=`, `-seq 0`). */
function zeroValueMessage(name: string, spec: FlagSpec, fromEnv: string | undefined): string {
  const zero = spec.type === "string" || spec.type === "list" ? "be empty" : "be 0";
  return `-${name} must not ${zero}` + (fromEnv === undefined ? "" : ` (set by $${fromEnv})`);
}

/**
 * Parses command-line arguments against flag specs, filling gaps from the environment and
 * defaults.
 *
 * @throws {FlagError} On unknown flags, missing values, bad values and missing required flags.
 * @example
 * ```ts
 * const specs = { bind: { type: "string", help: "listen address", required: true } } as const;
 * const { values } = parseFlags(specs, ["-bind", ":3000"], {});
 * console.log(values.bind); // ":3000"
 * ```
 */
export function parseFlags<S extends FlagSpecs>(
  specs: S,
  args: readonly string[],
  env: Record<string, string | undefined> = Deno.env.toObject(),
): ParsedFlags<S> {
  const byName = new Map<string, [string, FlagSpec]>();
  for (const [name, spec] of Object.entries(specs)) {
    byName.set(name, [name, spec]);
    if (spec.short) byName.set(spec.short, [name, spec]);
  }
  const given = new Map<string, unknown>();
  const positionals: string[] = [];
  let help = false;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === "--") {
      positionals.push(...args.slice(i + 1));
      break;
    }
    if (!arg.startsWith("-") || arg === "-") {
      positionals.push(arg);
      continue;
    }
    const body = arg.replace(/^--?/, "");
    const eq = body.indexOf("=");
    const key = eq >= 0 ? body.slice(0, eq) : body;
    if (key === "h" || key === "help") {
      help = true;
      continue;
    }
    const found = byName.get(key);
    if (!found) throw new FlagError(`flag provided but not defined: -${key}`);
    const [name, spec] = found;
    let raw: string;
    if (eq >= 0) raw = body.slice(eq + 1);
    else if (spec.type === "bool") raw = "true";
    else if (i + 1 < args.length) raw = args[++i]!;
    else throw new FlagError(`flag needs an argument: -${key}`);
    const value = convert(name, spec, raw);
    if (spec.type === "list") {
      given.set(name, [...((given.get(name) as string[] | undefined) ?? []), ...value as string[]]);
    } else {
      given.set(name, value);
    }
  }
  const values: Record<string, unknown> = {};
  const missing: string[] = [];
  let zeroValue: string | undefined;
  for (const [name, spec] of Object.entries(specs)) {
    const variable = spec.env ?? envName(name);
    const envValue = env[variable];
    let value = given.get(name);
    const fromEnv = value === undefined && !!envValue;
    if (fromEnv) value = convert(name, spec, envValue!);
    if (spec.required && !help) {
      if (value === undefined) missing.push(name);
      else if (isZero(value)) {
        zeroValue ??= zeroValueMessage(name, spec, fromEnv ? variable : undefined);
      }
    }
    if (value === undefined) {
      value = spec.default === undefined
        ? structuredClone(ZERO[spec.type])
        : convert(name, spec, spec.default);
    }
    values[name] = value;
  }
  if (missing.length > 0) throw new FlagError(missingFlagsMessage(missing));
  if (zeroValue !== undefined) throw new FlagError(zeroValue);
  return { values: values as FlagValues<S>, positionals, help };
}

/**
 * Formats the flag list for `--help`: one flag per line with its type, help, and its default
 * or `(required)`.
 *
 * @example
 * ```ts
 * console.log(formatFlagHelp({ debug: { type: "bool", help: "debug logging" } }));
 * ```
 */
export function formatFlagHelp(specs: FlagSpecs): string {
  const lines: string[] = [];
  for (const [name, spec] of Object.entries(specs)) {
    const names = (spec.short ? `-${spec.short}, ` : "") + `-${name}`;
    const kind = spec.type === "bool" ? "" : ` ${spec.type}`;
    let line = `  ${names}${kind}\n      ${spec.help}`;
    if (spec.required) line += " (required)";
    else if (spec.default !== undefined && spec.default !== "") {
      const shown = spec.type === "duration"
        ? formatGoDuration(parseGoDuration(spec.default))
        : spec.default;
      line += ` (default ${shown})`;
    }
    line += ` [$${spec.env ?? envName(name)}]`;
    lines.push(line);
  }
  return lines.join("\n");
}
