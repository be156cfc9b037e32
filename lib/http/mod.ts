/**
 * Shared HTTP infrastructure: the error type and its mapping, body limits, routing, serving,
 * the `/healthz` answer and the probe of one, the wording of fetch failures.
 *
 * @module
 */
export * from "./http_error.ts";
export * from "./body.ts";
export * from "./body_reader.ts";
export * from "./router.ts";
export * from "./server.ts";
export * from "./health.ts";
export * from "./fetch_error.ts";
export * from "./health_probe.ts";
