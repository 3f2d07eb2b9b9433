/**
 * The pyproject.toml at the top of an sdist whose project folder is not its
 * root (the crate has path dependencies or a workspace above the project).
 * Build frontends only look at the top folder, so a stub stands there: the
 * project's `[build-system]` plus `[tool.pyts-build] project-dir`, naming the
 * folder that holds the project's own, unchanged pyproject.toml. The config
 * loader follows that pointer, so every relative path in the project's files
 * keeps its meaning. See docs/sdist.md.
 */
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { stringify } from "smol-toml";
import { ConfigError } from "../../errors.js";
import type { TomlTable } from "./toml.js";

export const PROJECT_DIR_KEY = "project-dir";

const DEFAULT_BUILD_SYSTEM = { requires: ["pyts-build"], "build-backend": "pyts_build" };

/**
 * The stub's `[build-system]`: the project's own when it names pyts-build's
 * backend; otherwise pyts-build's, because only pyts-build reads `project-dir`
 * (a maturin project's `build-backend = "maturin"` would not find the project).
 */
function buildSystemOf(own: Record<string, unknown> | undefined): Record<string, unknown> {
  if (own === undefined) return DEFAULT_BUILD_SYSTEM;
  if (own["build-backend"] === DEFAULT_BUILD_SYSTEM["build-backend"]) return own;
  // keep the other build requirements (cffi...), drop the backend pyts-build replaces
  const others = (Array.isArray(own.requires) ? own.requires : []).filter((r): r is string => typeof r === "string" && !/^\s*maturin\b/i.test(r));
  return { requires: [...DEFAULT_BUILD_SYSTEM.requires, ...others], "build-backend": DEFAULT_BUILD_SYSTEM["build-backend"] };
}

/** The stub for the sdist's top folder, pointing at `projectRel` ('/'-separated); `buildSystem` is the project's `[build-system]` as read. */
export function stubPyprojectText(projectRel: string, buildSystem: Record<string, unknown> | undefined): string {
  return (
    `# Written by pyts-build sdist. The project lives in "${projectRel}/" (its own pyproject.toml is there);\n` +
    "# this file only tells build frontends which backend to use and where the project is.\n" +
    stringify({ "build-system": buildSystemOf(buildSystem), tool: { "pyts-build": { [PROJECT_DIR_KEY]: projectRel } } }) +
    "\n"
  );
}

/** pyproject.toml for a project that has none (metadata then comes from Cargo.toml). */
export function defaultPyprojectText(): string {
  return "# Written by pyts-build sdist: the project had no pyproject.toml.\n" + stringify({ "build-system": DEFAULT_BUILD_SYSTEM }) + "\n";
}

/**
 * When `raw` (the parsed pyproject.toml at `pyprojectPath`) is such a stub,
 * the absolute project folder it points at; otherwise undefined.
 */
export function stubTarget(pyprojectPath: string, raw: TomlTable): string | undefined {
  const tool = raw.tool as Record<string, unknown> | undefined;
  const value = (tool?.["pyts-build"] as Record<string, unknown> | undefined)?.[PROJECT_DIR_KEY];
  if (value === undefined) return undefined;
  const key = `tool.pyts-build.${PROJECT_DIR_KEY}`;
  if (typeof value !== "string" || value === "" || value.startsWith("/") || value.split(/[\\/]/).includes("..")) {
    throw new ConfigError(`${pyprojectPath}: ${key} must be a relative path below this folder`, "this key is written by pyts-build sdist; remove it from a hand-written pyproject.toml");
  }
  const dir = resolve(pyprojectPath, "..", value);
  if (!existsSync(join(dir, "pyproject.toml")) && !existsSync(join(dir, "Cargo.toml"))) {
    throw new ConfigError(`${pyprojectPath}: ${key} "${value}" holds neither pyproject.toml nor Cargo.toml`, "the sdist is incomplete; rebuild it with pyts-build sdist");
  }
  return dir;
}

/** Build requirements pyts-build's backend replaces (a setuptools-rust build's own tools). */
const REPLACED_REQUIREMENTS = /^\s*(setuptools|setuptools[-_.]rust|setuptools[-_.]scm|wheel|maturin)\b/i;

/**
 * `text` (a pyproject.toml, or undefined for none) with its `[build-system]`
 * table replaced by one naming pyts-build's backend (`sdist --backend
 * pyts-build`); the rest of the file is kept as written. `requires` keeps the
 * project's other build requirements.
 */
export function withPytsBuildBackend(text: string | undefined, raw: TomlTable | undefined, where: string): string {
  const own = raw?.["build-system"] as Record<string, unknown> | undefined;
  const others = (Array.isArray(own?.requires) ? own.requires : []).filter((r): r is string => typeof r === "string" && !REPLACED_REQUIREMENTS.test(r));
  const table = stringify({ "build-system": { ...DEFAULT_BUILD_SYSTEM, requires: [...DEFAULT_BUILD_SYSTEM.requires, ...others] } }) + "\n";
  if (text === undefined) return "# Written by pyts-build sdist --backend pyts-build: the project had no pyproject.toml.\n" + table;
  const lines = text.split("\n");
  const start = lines.findIndex((l) => /^\s*\[\s*build-system\s*\]\s*(#.*)?$/.test(l));
  if (start < 0) {
    if (own !== undefined) throw new ConfigError(`${where}: [build-system] is written with dotted keys, which sdist --backend pyts-build cannot replace`, "write it as a [build-system] table");
    return table.trimEnd() + "\n\n" + text;
  }
  let end = start + 1;
  while (end < lines.length && !/^\s*\[/.test(lines[end] as string)) end++;
  // the blank lines before the next table stay with it
  while (end > start + 1 && (lines[end - 1] as string).trim() === "") end--;
  return [...lines.slice(0, start), table.trimEnd(), ...lines.slice(end)].join("\n");
}
