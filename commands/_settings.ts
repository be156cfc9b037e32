/**
 * Flags to settings and back. A service command lists, once, which flag sets which setting of
 * the service's configuration; {@linkcode settingsFromFlags} builds the settings from it, and
 * {@linkcode flagError} turns the service's {@linkcode SettingError} (thrown by its
 * `resolve*Config`, the one place its checks live) into the flag's one-line error:
 * `invalid value passed to -<flag>: '<value as typed>' (<reason>)`.
 *
 * @module
 */
import { type FlagSpecs, type FlagValues, formatGoDuration } from "../lib/flags/mod.ts";
import { SettingError } from "../lib/setting_error.ts";
import { FlagError } from "./_command.ts";

/** Which flag sets which setting, e.g. `{ pollTimeoutMs: "poll-timeout" }`. */
export type SettingFlags<S extends FlagSpecs> = Readonly<Record<string, keyof S & string>>;

/** The settings the flags of {@linkcode SettingFlags} give, typed by each flag's kind. */
export type SettingValues<S extends FlagSpecs, M extends SettingFlags<S>> = {
  -readonly [K in keyof M]: FlagValues<S>[M[K]];
};

/**
 * The settings the flags give: each setting of `settings` gets its flag's value.
 *
 * @example
 * ```ts
 * const settings = settingsFromFlags(values, { intervalMs: "heartbeat-interval" } as const);
 * settings.intervalMs; // 15000
 * ```
 */
export function settingsFromFlags<S extends FlagSpecs, const M extends SettingFlags<S>>(
  values: FlagValues<S>,
  settings: M,
): SettingValues<S, M> {
  return Object.fromEntries(
    Object.entries(settings).map(([setting, flag]) => [setting, values[flag]]),
  ) as SettingValues<S, M>;
}

/** A value as it would be typed for a flag of this kind (`-1s`, `-3`, `a,b`). */
function typed(specs: FlagSpecs, flag: string, value: unknown): string {
  if (specs[flag]?.type === "duration" && typeof value === "number") {
    return formatGoDuration(value);
  }
  return Array.isArray(value) ? value.join(",") : String(value);
}

/** One command's flags and which of them set which setting. */
export interface FlagNames {
  /** The flags, for the kind of each (a duration is shown as typed: `-1s`). */
  flags: FlagSpecs;
  /** Which flag sets which setting. */
  settings: Readonly<Record<string, string>>;
  /**
   * Put before the flag names (`reflector.` for the supervisor's embedded reflector), and
   * expected before the settings (`reflector.pollTimeoutMs`, see `SettingError.within`).
   */
  prefix?: string;
}

/**
 * A {@linkcode SettingError} of a setting a flag sets as the flag's one-line
 * {@linkcode FlagError}; any other error unchanged.
 *
 * @example
 * ```ts
 * try {
 *   resolveReflectorConfig(config);
 * } catch (error) {
 *   throw flagError(error, { flags: REFLECTOR_FLAGS, settings: REFLECTOR_SETTINGS });
 * }
 * ```
 */
export function flagError(error: unknown, ...names: FlagNames[]): unknown {
  if (!(error instanceof SettingError)) return error;
  for (const { flags, settings, prefix = "" } of names) {
    if (!error.setting.startsWith(prefix)) continue;
    const flag = settings[error.setting.slice(prefix.length)];
    if (flag === undefined) continue;
    return new FlagError(
      `invalid value passed to -${prefix}${flag}: '${typed(flags, flag, error.value)}' ` +
        `(${error.reason})`,
    );
  }
  return error;
}

/**
 * Awaits a service's start, naming the flag in a {@linkcode SettingError} it fails with.
 *
 * @example
 * ```ts
 * await runUntilShutdown((signal) =>
 *   namingFlags(startHeartbeat({ ...config, signal }), { flags, settings: HEARTBEAT_SETTINGS })
 * );
 * ```
 */
export async function namingFlags<T>(start: Promise<T>, ...names: FlagNames[]): Promise<T> {
  try {
    return await start;
  } catch (error) {
    throw flagError(error, ...names);
  }
}
