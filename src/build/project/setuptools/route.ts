/**
 * Which configuration a project's build follows, so none is silently ignored:
 * pyts-build's own table, maturin's, or setuptools + setuptools-rust's
 * (pyproject.toml's `[tool.setuptools-rust]`, a setuptools backend with
 * setuptools-rust in `requires`, a setup.py that uses setuptools_rust).
 * A backend or tool pyts-build does not understand is an error (or, beside
 * a configuration it does understand, a warning): never a wheel built from
 * Cargo.toml alone.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { ConfigError } from "../../../errors.js";
import { normalizeProjectName } from "../../../wheel/names.js";
import { isTable } from "../fields.js";

export type BuildRoute = "pyts-build" | "setuptools-rust";

const SETUPTOOLS_BACKENDS = new Set(["setuptools.build_meta", "setuptools.build_meta:__legacy__"]);
/** Backends whose projects pyts-build reads with its own or maturin's rules. */
const OWN_BACKENDS = new Set(["pyts_build", "maturin"]);
/** `[tool.X]` tables that configure a build pyts-build reads, or tools that build nothing. */
const KNOWN_TOOLS = new Set(["pyts-build", "maturin", "setuptools", "setuptools-rust", "distutils", "cibuildwheel"]);

const requirementName = (r: string) => normalizeProjectName(r.split(/[\s<>=!~;[(@]/)[0] ?? "");

/** The normalized names in `[build-system] requires`. */
function requires(raw: Record<string, unknown>): string[] {
  const bs = raw["build-system"];
  const req = isTable(bs) ? bs.requires : undefined;
  return Array.isArray(req) ? req.filter((r): r is string => typeof r === "string").map(requirementName) : [];
}

function backendOf(raw: Record<string, unknown>): string | undefined {
  const bs = raw["build-system"];
  const b = isTable(bs) ? bs["build-backend"] : undefined;
  return typeof b === "string" ? b.trim() : undefined;
}

/** `[tool.X]` tables (and nested ones, two levels down) whose name says Rust: another tool's Rust build. */
export function foreignRustTables(raw: Record<string, unknown>): string[] {
  const tool = raw.tool;
  if (!isTable(tool)) return [];
  const out: string[] = [];
  const visit = (t: Record<string, unknown>, path: string, depth: number) => {
    for (const [k, v] of Object.entries(t)) {
      const p = `${path}.${k}`;
      if (/rust|cargo|pyo3/i.test(k)) out.push(p);
      else if (isTable(v) && depth < 3) visit(v, p, depth + 1);
    }
  };
  for (const [name, t] of Object.entries(tool)) {
    if (KNOWN_TOOLS.has(name)) continue;
    if (/rust|cargo|pyo3/i.test(name)) out.push(`tool.${name}`);
    else if (isTable(t)) visit(t, `tool.${name}`, 1);
  }
  return out;
}

function setupPyUsesSetuptoolsRust(dir: string): boolean {
  for (const f of ["setup.py", "setup.cfg"]) {
    try {
      if (/setuptools[_-]rust/.test(readFileSync(join(dir, f), "utf8"))) return true;
    } catch {
      // absent
    }
  }
  return false;
}

export interface RouteDecision {
  route: BuildRoute;
  warnings: string[];
}

/**
 * Decide the route for the project in `dir` (`raw`: its pyproject.toml, if any;
 * `ownTable`: it has a `[tool.pyts-build]` table of its own).
 */
export function buildRoute(dir: string, raw: Record<string, unknown> | undefined, file: string, ownTable: boolean): RouteDecision {
  const warnings: string[] = [];
  const r = raw ?? {};
  const backend = backendOf(r);
  const tool = isTable(r.tool) ? r.tool : {};
  const hasSetup = existsSync(join(dir, "setup.py")) || existsSync(join(dir, "setup.cfg"));
  const foreign = foreignRustTables(r);
  const setuptoolsRust = "setuptools-rust" in tool || (hasSetup && setupPyUsesSetuptoolsRust(dir)) || (backend !== undefined && SETUPTOOLS_BACKENDS.has(backend) && requires(r).includes("setuptools-rust"));

  if (ownTable) {
    if (setuptoolsRust) warnings.push(`${file}: [tool.pyts-build] is present, so the setuptools-rust configuration (setup.py, [tool.setuptools-rust]) is not read`);
    for (const t of foreign) warnings.push(`${file}: [${t}] is not read by pyts-build (it configures another tool's Rust build)`);
    return { route: "pyts-build", warnings };
  }
  if (setuptoolsRust && !("maturin" in tool)) {
    for (const t of foreign) warnings.push(`${file}: [${t}] is not read by pyts-build (it configures another tool's Rust build)`);
    return { route: "setuptools-rust", warnings };
  }
  const setuptoolsBackend = backend !== undefined ? SETUPTOOLS_BACKENDS.has(backend) : hasSetup && !("maturin" in tool);
  if (setuptoolsBackend) {
    throw new ConfigError(
      `${hasSetup && backend === undefined ? join(dir, existsSync(join(dir, "setup.py")) ? "setup.py" : "setup.cfg") : file}: a setuptools project without setuptools-rust: pyts-build would build only the crate of Cargo.toml, not this project`,
      'for a setuptools-rust project add "setuptools-rust" to [build-system] requires; to build the crate with pyts-build add a [tool.pyts-build] table',
    );
  }
  if (backend !== undefined && !OWN_BACKENDS.has(backend)) {
    throw new ConfigError(`${file}: build-backend "${backend}" is not understood by pyts-build, so its configuration would be ignored`, `build this project with ${backend}; to build the crate with pyts-build instead, add a [tool.pyts-build] table`);
  }
  if (foreign.length > 0 && ("maturin" in tool || backend !== undefined)) {
    for (const t of foreign) warnings.push(`${file}: [${t}] is not read by pyts-build (it configures another tool's Rust build)`);
  } else if (foreign.length > 0) {
    throw new ConfigError(`${file}: [${foreign[0]}] configures a Rust build pyts-build does not read`, "build the project with that tool, or move the configuration into [tool.pyts-build] (docs/configuration.md)");
  }
  return { route: "pyts-build", warnings };
}
