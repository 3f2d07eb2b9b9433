/** The library API: the same typed functions the CLI calls. */
export * from "./errors.js";
export * from "./log.js";
export { VERSION } from "./version.js";
