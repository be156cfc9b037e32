/**
 * Command-line flags with Go syntax, `CTLSTORE_*` environment variables and Go durations.
 *
 * @module
 */
export * from "./parse.ts";
export * from "./duration.ts";
export * from "./prefix.ts";
