/**
 * The error every `resolve*Config` throws for a setting it cannot take. It names the setting
 * (its key in the configuration object) beside the value and the reason, so that the command
 * line can name the flag that set it (`invalid value passed to poll-timeout: '-1s' (must not be
 * negative)`, `commands/_settings.ts`) while library users read the setting's own words
 * (`the poll timeout must not be negative, got -1000`). The checks themselves stay in each
 * service's config module; the small helpers here only keep their wording alike. Shared
 * infrastructure: imports nothing of ours.
 *
 * @module
 */

/** What a {@linkcode SettingError} says. */
export interface SettingProblem {
  /** The setting's key in its configuration object, e.g. `pollTimeoutMs`. */
  setting: string;
  /** The value it was given. */
  value: unknown;
  /** Why the value cannot be taken, e.g. `must not be negative`. */
  reason: string;
  /** The setting in words, for the message (default: the key), e.g. `poll timeout`. */
  description?: string;
  /** The whole message, where it must keep an established wording. */
  message?: string;
}

function shown(value: unknown): string {
  return typeof value === "string" ? `'${value}'` : String(value);
}

/**
 * A configuration setting with a value its service cannot take.
 *
 * @example
 * ```ts
 * import { SettingError } from "./setting_error.ts";
 *
 * const error = new SettingError({
 *   setting: "pollTimeoutMs",
 *   value: -1000,
 *   reason: "must not be negative",
 *   description: "poll timeout",
 * });
 * console.log(error.message); // the poll timeout must not be negative, got -1000
 * ```
 */
export class SettingError extends RangeError {
  /** The setting's key in its configuration object. */
  readonly setting: string;
  /** The value it was given. */
  readonly value: unknown;
  /** Why the value cannot be taken. */
  readonly reason: string;

  /** @param problem The setting, its value and the reason. */
  constructor(problem: SettingProblem) {
    super(
      problem.message ??
        `the ${problem.description ?? problem.setting} ${problem.reason}, got ${
          shown(problem.value)
        }`,
    );
    this.name = "SettingError";
    this.setting = problem.setting;
    this.value = problem.value;
    this.reason = problem.reason;
  }

  /**
   * The same error for a setting nested under `parent` (`reflector.pollTimeoutMs`), as a
   * service reports a bad setting of a service it embeds.
   *
   * @example
   * ```ts
   * import { SettingError } from "./setting_error.ts";
   *
   * const inner = new SettingError({ setting: "pollTimeoutMs", value: -1, reason: "must not be negative" });
   * inner.within("reflector").setting; // "reflector.pollTimeoutMs"
   * ```
   */
  within(parent: string): SettingError {
    return new SettingError({
      setting: `${parent}.${this.setting}`,
      value: this.value,
      reason: this.reason,
      message: this.message,
    });
  }
}

/**
 * Returns `value` when it is a number of at least 0 (a whole one when `integer`), else throws.
 *
 * @param setting The setting's key.
 * @param description The setting in words.
 * @throws {SettingError} `must not be negative`, `must be a whole number` or `must be a number`.
 * @example
 * ```ts
 * import { nonNegative } from "./setting_error.ts";
 *
 * nonNegative("pollTimeoutMs", "poll timeout", 5000); // 5000
 * ```
 */
export function nonNegative(
  setting: string,
  description: string,
  value: number,
  integer = false,
): number {
  let reason: string | undefined;
  if (!Number.isFinite(value)) reason = "must be a number";
  else if (value < 0) reason = "must not be negative";
  else if (integer && !Number.isSafeInteger(value)) reason = "must be a whole number";
  if (reason === undefined) return value;
  throw new SettingError({ setting, value, reason, description });
}

/**
 * Returns `value` when it is a number above 0, else throws.
 *
 * @param setting The setting's key.
 * @param description The setting in words.
 * @throws {SettingError} `must be positive`.
 * @example
 * ```ts
 * import { positive } from "./setting_error.ts";
 *
 * positive("intervalMs", "heartbeat interval", 15_000); // 15000
 * ```
 */
export function positive(setting: string, description: string, value: number): number {
  if (Number.isFinite(value) && value > 0) return value;
  throw new SettingError({ setting, value, reason: "must be positive", description });
}
