/**
 * Shared HTTP infrastructure: the error type and its mapping, body limits, routing, serving.
 *
 * @module
 */
export * from "./http_error.ts";
export * from "./body.ts";
export * from "./router.ts";
export * from "./server.ts";
