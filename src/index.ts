/** The library API: the same typed functions the CLI calls. */
export * from "./errors.js";
export * from "./log.js";
export { VERSION } from "./version.js";
// src/wheel: packaging formats
export * from "./wheel/pep440.js";
export * from "./wheel/names.js";
export * from "./wheel/requirement.js";
export * from "./wheel/metadata.js";
export * from "./wheel/tags.js";
export * from "./wheel/module-name.js";
export * from "./wheel/record.js";
export * from "./wheel/entry-points.js";
export * from "./wheel/archive-path.js";
export * from "./wheel/zip.js";
export * from "./wheel/writer.js";
export * from "./wheel/wheel.js";
export * from "./wheel/reader.js";
// src/build: project configuration, interpreters, cargo, wheel builds
export { buildWheels, type BuildWheelsOptions, type BuiltWheel, type AfterWriteContext } from "./build/build-wheel.js";
export { loadProjectConfig, type ProjectConfig, type LoadConfigOptions } from "./build/project/config.js";
export { findInterpreters, discoverInterpreters, type FindInterpretersOptions } from "./build/python/interpreter.js";
export { queryInterpreter } from "./build/python/interpreter-query.js";
export type { InterpreterInfo } from "./build/python/interpreter-info.js";
export { layoutWheel, wheelTags, type LayoutInput } from "./build/layout.js";
