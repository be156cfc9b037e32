/**
 * Shared HTTP infrastructure: the error type and its mapping, body limits, routing, serving,
 * the `/healthz` answer.
 *
 * @module
 */
export * from "./http_error.ts";
export * from "./body.ts";
export * from "./body_reader.ts";
export * from "./router.ts";
export * from "./server.ts";
export * from "./health.ts";
