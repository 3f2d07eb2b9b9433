/**
 * One validated ProjectConfig from pyproject.toml + Cargo.toml: everything
 * later steps need, checked once so they can trust it.
 */
import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { ConfigError } from "../../errors.js";
import type { EntryPointGroups } from "../../wheel/entry-points.js";
import { renderEntryPoints } from "../../wheel/entry-points.js";
import type { CoreMetadata } from "../../wheel/metadata.js";
import { validateModuleName } from "../../wheel/names.js";
import { type CargoManifest, readCargoManifest } from "./cargo-manifest.js";
import { Fields } from "./fields.js";
import { isDir } from "../../fs-util.js";
import { buildMetadata, type LicenseFile } from "./project-metadata.js";
import { type ProjectTable, readProjectTable } from "./pyproject.js";
import { readToml } from "./toml.js";
import { detectBindings, configuredManifestPath, hasOwnTable, selectToolConfig } from "./maturin-config.js";
import type { ToolConfig } from "./tool-config.js";
import { stubTarget } from "./sdist-layout.js";
import type { SetuptoolsProject } from "./setuptools/model.js";
import { loadSetuptoolsConfig } from "./setuptools/project-config.js";
import { buildRoute } from "./setuptools/route.js";

export interface ProjectConfig {
  /** The folder of pyproject.toml (else of Cargo.toml): paths in the config are relative to it. */
  projectDir: string;
  pyprojectPath?: string;
  /** The `[project]` table as read (undefined: metadata is all from Cargo.toml). */
  project?: ProjectTable;
  /** pyproject.toml's `[build-system]` as read, when it is a table (the sdist checks and copies it). */
  buildSystem?: Record<string, unknown>;
  tool: ToolConfig;
  cargo: CargoManifest;
  metadata: CoreMetadata;
  licenseFiles: LicenseFile[];
  readmeFile?: string;
  /** Dotted module name of the extension (`pkg._native`); default the lib name. */
  moduleName: string;
  /** Absolute python-source folder, when the project ships Python code. */
  pythonSource?: string;
  /** Absolute `<name>.data` folder, when present. */
  dataDir?: string;
  entryPoints: EntryPointGroups;
  /** Notes for the user (ignored keys, maturin's implicit rules applied): the caller logs them. */
  warnings: string[];
  /** A setuptools + setuptools-rust project: its Python packages and Rust targets (src/build/project/setuptools). */
  setuptools?: SetuptoolsProject;
}

export interface LoadConfigOptions {
  /** -m/--manifest-path: a Cargo.toml (or a folder holding one). */
  manifestPath?: string;
  cwd?: string;
  /** The build interpreter: runs a setuptools project's setup.py (default python3, python on Windows). */
  python?: string;
  env?: NodeJS.ProcessEnv;
}

type Located = { pyproject?: string; cargoToml: string; raw?: Record<string, unknown>; warnings: string[] } | { setuptoolsDir: string; pyproject?: string; raw?: Record<string, unknown>; warnings: string[] };

/** A setuptools-rust project in `dir` (else undefined: pyts-build's own rules); other builds pyts-build does not read are refused by buildRoute. */
function routed(dir: string, pyproject: string | undefined, raw: Record<string, unknown> | undefined, warnings: string[]): Located | undefined {
  const r = buildRoute(dir, raw, pyproject ?? join(dir, "setup.py"), raw !== undefined && hasOwnTable(raw));
  warnings.push(...r.warnings);
  if (r.route !== "setuptools-rust") return undefined;
  return { setuptoolsDir: dir, warnings, ...(pyproject !== undefined ? { pyproject } : {}), ...(raw !== undefined ? { raw } : {}) };
}

/** Which pyproject.toml and Cargo.toml to read. */
function locate(o: LoadConfigOptions): Located {
  const warnings: string[] = [];
  const cwd = resolve(o.cwd ?? process.cwd());
  if (o.manifestPath !== undefined) {
    let cargoToml = resolve(cwd, o.manifestPath);
    if (isDir(cargoToml)) cargoToml = join(cargoToml, "Cargo.toml");
    if (!existsSync(cargoToml)) {
      throw new ConfigError(`manifest ${cargoToml} does not exist`, "pass -m/--manifest-path the path of the crate's Cargo.toml");
    }
    // pyproject.toml next to Cargo.toml; else, like maturin, the one folder above
    // (`-m rust/Cargo.toml`), or the one in cwd, when its manifest-path (if any) points here
    const beside = join(dirname(cargoToml), "pyproject.toml");
    if (existsSync(beside)) {
      const raw = readToml(beside);
      return routed(dirname(beside), beside, raw, warnings) ?? { pyproject: beside, cargoToml, raw, warnings };
    }
    for (const [candidate, needsPointer] of [[join(dirname(cargoToml), "..", "pyproject.toml"), false], [join(cwd, "pyproject.toml"), true]] as const) {
      if (!existsSync(candidate)) continue;
      const raw = readToml(candidate);
      const mp = configuredManifestPath(raw);
      if (mp === undefined ? !needsPointer : resolve(dirname(candidate), mp) === cargoToml) return routed(dirname(resolve(candidate)), resolve(candidate), raw, warnings) ?? { pyproject: resolve(candidate), cargoToml, raw, warnings };
    }
    return { cargoToml, warnings };
  }
  const pyproject = join(cwd, "pyproject.toml");
  const cargoHere = join(cwd, "Cargo.toml");
  if (existsSync(pyproject)) {
    const raw = readToml(pyproject);
    // The top pyproject.toml of an sdist may be a stub naming the project's folder (sdist-layout.ts).
    const inner = stubTarget(pyproject, raw);
    if (inner !== undefined) return locate({ ...o, cwd: inner });
    const st = routed(cwd, pyproject, raw, warnings);
    if (st) return st;
    const mp = configuredManifestPath(raw);
    const cargoToml = typeof mp === "string" ? resolve(cwd, mp) : cargoHere;
    if (!existsSync(cargoToml)) {
      throw new ConfigError(
        typeof mp === "string" ? `${pyproject}: manifest-path "${mp}" does not exist` : `no Cargo.toml in ${cwd} (next to pyproject.toml)`,
        'put the crate next to pyproject.toml, or set [tool.pyts-build] manifest-path = "path/to/Cargo.toml"',
      );
    }
    return { pyproject, cargoToml, raw, warnings };
  }
  if (existsSync(join(cwd, "setup.py")) || existsSync(join(cwd, "setup.cfg"))) {
    const st = routed(cwd, undefined, undefined, warnings);
    if (st) return st;
  }
  if (!existsSync(cargoHere)) {
    throw new ConfigError(`no Cargo.toml or pyproject.toml in ${cwd}`, "run pyts-build in the crate's folder, or pass -m/--manifest-path path/to/Cargo.toml");
  }
  return { cargoToml: cargoHere, warnings };
}

/** The top-level table `key` of a TOML document as Fields (or undefined). */
function topTable(file: string, raw: Record<string, unknown>, key: string): Fields | undefined {
  return new Fields(file, "", raw).table(key);
}

function entryPointsOf(p: ProjectTable | undefined, file: string): EntryPointGroups {
  const groups: EntryPointGroups = {};
  if (p?.scripts) groups.console_scripts = p.scripts;
  if (p?.guiScripts) groups.gui_scripts = p.guiScripts;
  Object.assign(groups, p?.entryPoints ?? {});
  try {
    renderEntryPoints(groups); // validates names and object references once, here
  } catch (e) {
    throw new ConfigError(`${file}: ${(e as Error).message}`, (e as ConfigError).hint, { cause: e });
  }
  return groups;
}

/**
 * The Python package of a mixed project when python-source is not set: like
 * maturin, `src/<import name>/` (src layout) or `<module>/` next to
 * pyproject.toml; also `python/<module>/` (maturin's own template folder,
 * which maturin needs python-source for: without it maturin drops the package).
 */
function detectPythonSource(projectDir: string, moduleName: string, projectName: string): string | undefined {
  const top = moduleName.split(".")[0] as string;
  const isPackage = (dir: string, name: string) => existsSync(join(dir, name, "__init__.py"));
  const src = join(projectDir, "src");
  if (isPackage(src, projectName.replace(/[-.]/g, "_")) || isPackage(src, top)) return src;
  if (isPackage(projectDir, top)) return projectDir;
  const python = join(projectDir, "python");
  if (isPackage(python, top)) return python;
  return undefined;
}

/** Read, merge and validate the project's configuration. */
export function loadProjectConfig(o: LoadConfigOptions = {}): ProjectConfig {
  const where = locate(o);
  if ("setuptoolsDir" in where) {
    const python = o.python ?? (process.platform === "win32" ? "python" : "python3");
    return loadSetuptoolsConfig({ projectDir: where.setuptoolsDir, ...(where.pyproject ? { pyprojectPath: where.pyproject } : {}), ...(where.raw ? { raw: where.raw } : {}), python, ...(o.env ? { env: o.env } : {}), warnings: where.warnings });
  }
  const cargo = readCargoManifest(where.cargoToml);
  const projectDir = where.pyproject ? dirname(where.pyproject) : cargo.dir;
  const warnings: string[] = [...where.warnings];
  let project: ProjectTable | undefined;
  let raw: Record<string, unknown> | undefined;
  if (where.pyproject) {
    raw = where.raw ?? readToml(where.pyproject);
    const pt = topTable(where.pyproject, raw, "project");
    if (pt) project = readProjectTable(pt);
  }
  const sel = selectToolConfig(where.pyproject && raw ? { file: where.pyproject, raw } : undefined, cargo, warnings);
  const tool: ToolConfig = { ...sel.tool, bindings: sel.tool.bindings ?? detectBindings(cargo, sel.maturinStyle) };
  const md = buildMetadata({ cargo, projectDir, ...(project ? { project } : {}), ...(where.pyproject ? { pyprojectPath: where.pyproject } : {}) });
  const file = where.pyproject ?? cargo.path;
  if (project && project.version === undefined && !project.dynamic.includes("version")) {
    // maturin's rule (and warning): the version comes from Cargo.toml
    warnings.push(`${file}: project.version is required unless "version" is in project.dynamic; using ${md.metadata.version} from ${cargo.path}`);
  }

  const moduleName = tool.moduleName ?? cargo.lib?.name ?? cargo.package.name.replace(/-/g, "_");
  validateModuleName(moduleName, `${file}: module name (module-name or Cargo.toml [lib] name)`);

  const cfg: ProjectConfig = {
    projectDir,
    tool,
    cargo,
    metadata: md.metadata,
    licenseFiles: md.licenseFiles,
    moduleName,
    entryPoints: entryPointsOf(project, file),
    warnings,
  };
  if (where.pyproject) cfg.pyprojectPath = where.pyproject;
  if (project) cfg.project = project;
  const buildSystem = raw?.["build-system"];
  if (buildSystem !== null && typeof buildSystem === "object" && !Array.isArray(buildSystem)) cfg.buildSystem = buildSystem as Record<string, unknown>;
  if (md.readmeFile) cfg.readmeFile = md.readmeFile;

  if (tool.pythonSource !== undefined) {
    const ps = resolve(projectDir, tool.pythonSource);
    if (!isDir(ps)) throw new ConfigError(`${file}: ${sel.table}.python-source "${tool.pythonSource}" is not a folder`, `create ${ps} or fix the path`);
    cfg.pythonSource = ps;
  } else {
    const ps = detectPythonSource(projectDir, moduleName, cfg.metadata.name);
    if (ps !== undefined) cfg.pythonSource = ps;
  }
  // Default: `<dist_name>.data`, else maturin's `<module-name>.data` (a bin's module name is the package name)
  const defaults = [`${cfg.metadata.name.replace(/-/g, "_")}.data`, `${moduleName}.data`, ...(tool.bindings === "bin" ? [`${cargo.package.name}.data`] : [])];
  const data = tool.data ?? defaults.find((d) => isDir(resolve(projectDir, d))) ?? (defaults[0] as string);
  const dataAbs = resolve(projectDir, data);
  if (isDir(dataAbs)) cfg.dataDir = dataAbs;
  else if (tool.data !== undefined) throw new ConfigError(`${file}: ${sel.table}.data "${tool.data}" is not a folder`, `create ${dataAbs} or fix the path`);
  return cfg;
}
