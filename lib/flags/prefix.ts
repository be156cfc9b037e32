/**
 * Nesting one command's flags under a dotted prefix, as the original's nested config structs
 * do (`-reflector.ldb-path` for the supervisor's embedded reflector), without copying the specs.
 *
 * @module
 */
import type { FlagSpec, FlagSpecs, FlagValues } from "./parse.ts";

/** `specs` with every name prefixed by `<P>.`. */
export type PrefixedFlagSpecs<P extends string, S extends FlagSpecs> = {
  [K in keyof S & string as `${P}.${K}`]: S[K];
};

/** What may be changed on a flag when it is nested. */
export type FlagOverride = Partial<Pick<FlagSpec, "help" | "default" | "required">>;

/**
 * Copies `specs` under `<prefix>.<name>`, with optional per-flag overrides. The environment
 * variable follows the new name (a custom `env` of the original flag is dropped).
 *
 * @example
 * ```ts
 * const specs = { "ldb-path": { type: "string", help: "LDB file", required: true } } as const;
 * const nested = prefixFlags("reflector", specs);
 * Object.keys(nested); // ["reflector.ldb-path"], env CTLSTORE_REFLECTOR_LDB_PATH
 * ```
 */
export function prefixFlags<P extends string, S extends FlagSpecs>(
  prefix: P,
  specs: S,
  overrides: { [K in keyof S]?: FlagOverride } = {},
): PrefixedFlagSpecs<P, S> {
  const nested: Record<string, FlagSpec> = {};
  for (const [name, spec] of Object.entries(specs)) {
    const { env: _env, ...rest } = spec;
    nested[`${prefix}.${name}`] = { ...rest, ...overrides[name as keyof S] };
  }
  return nested as PrefixedFlagSpecs<P, S>;
}

/**
 * Takes the values of flags nested by {@linkcode prefixFlags} back out under their own names.
 *
 * @example
 * ```ts
 * const specs = { "ldb-path": { type: "string", help: "LDB file" } } as const;
 * const values = unprefixFlagValues("reflector", specs, { "reflector.ldb-path": "/tmp/ldb.db" });
 * values["ldb-path"]; // "/tmp/ldb.db"
 * ```
 */
export function unprefixFlagValues<P extends string, S extends FlagSpecs>(
  prefix: P,
  specs: S,
  values: FlagValues<PrefixedFlagSpecs<P, S>>,
): FlagValues<S> {
  const all = values as Record<string, unknown>;
  return Object.fromEntries(
    Object.keys(specs).map((name) => [name, all[`${prefix}.${name}`]]),
  ) as FlagValues<S>;
}
