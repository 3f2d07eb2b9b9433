/**
 * One validated ProjectConfig from pyproject.toml + Cargo.toml: everything
 * later steps need, checked once so they can trust it.
 */
import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { ConfigError } from "../errors.js";
import type { EntryPointGroups } from "../wheel/entry-points.js";
import { renderEntryPoints } from "../wheel/entry-points.js";
import type { CoreMetadata } from "../wheel/metadata.js";
import { validateModuleName } from "../wheel/names.js";
import { type CargoManifest, readCargoManifest } from "./cargo-manifest.js";
import { Fields } from "./fields.js";
import { isDir } from "./fs-util.js";
import { buildMetadata, type LicenseFile } from "./project-metadata.js";
import { type ProjectTable, readProjectTable } from "./pyproject.js";
import { readToml } from "./toml.js";
import { readToolConfig, type ToolConfig } from "./tool-config.js";
import { stubTarget } from "./sdist-layout.js";

export interface ProjectConfig {
  /** The folder of pyproject.toml (else of Cargo.toml): paths in the config are relative to it. */
  projectDir: string;
  pyprojectPath?: string;
  /** The `[project]` table as read (undefined: metadata is all from Cargo.toml). */
  project?: ProjectTable;
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
}

export interface LoadConfigOptions {
  /** -m/--manifest-path: a Cargo.toml (or a folder holding one). */
  manifestPath?: string;
  cwd?: string;
}

/** Which pyproject.toml and Cargo.toml to read. */
function locate(o: LoadConfigOptions): { pyproject?: string; cargoToml: string; raw?: Record<string, unknown> } {
  const cwd = resolve(o.cwd ?? process.cwd());
  if (o.manifestPath !== undefined) {
    let cargoToml = resolve(cwd, o.manifestPath);
    if (isDir(cargoToml)) cargoToml = join(cargoToml, "Cargo.toml");
    if (!existsSync(cargoToml)) {
      throw new ConfigError(`manifest ${cargoToml} does not exist`, "pass -m/--manifest-path the path of the crate's Cargo.toml");
    }
    // pyproject.toml next to Cargo.toml, or the one in cwd whose manifest-path points here
    const beside = join(dirname(cargoToml), "pyproject.toml");
    if (existsSync(beside)) return { pyproject: beside, cargoToml };
    const inCwd = join(cwd, "pyproject.toml");
    if (existsSync(inCwd)) {
      const raw = readToml(inCwd);
      const mp = ((raw.tool as Record<string, unknown> | undefined)?.["pyts-build"] as Record<string, unknown> | undefined)?.["manifest-path"];
      if (typeof mp === "string" && resolve(cwd, mp) === cargoToml) return { pyproject: inCwd, cargoToml, raw };
    }
    return { cargoToml };
  }
  const pyproject = join(cwd, "pyproject.toml");
  const cargoHere = join(cwd, "Cargo.toml");
  if (existsSync(pyproject)) {
    const raw = readToml(pyproject);
    // The top pyproject.toml of an sdist may be a stub naming the project's folder (sdist-layout.ts).
    const inner = stubTarget(pyproject, raw);
    if (inner !== undefined) return locate({ ...o, cwd: inner });
    const mp = ((raw.tool as Record<string, unknown> | undefined)?.["pyts-build"] as Record<string, unknown> | undefined)?.["manifest-path"];
    const cargoToml = typeof mp === "string" ? resolve(cwd, mp) : cargoHere;
    if (!existsSync(cargoToml)) {
      throw new ConfigError(
        typeof mp === "string" ? `${pyproject}: tool.pyts-build.manifest-path "${mp}" does not exist` : `no Cargo.toml in ${cwd} (next to pyproject.toml)`,
        'put the crate next to pyproject.toml, or set [tool.pyts-build] manifest-path = "path/to/Cargo.toml"',
      );
    }
    return { pyproject, cargoToml, raw };
  }
  if (!existsSync(cargoHere)) {
    throw new ConfigError(`no Cargo.toml or pyproject.toml in ${cwd}`, "run pyts-build in the crate's folder, or pass -m/--manifest-path path/to/Cargo.toml");
  }
  return { cargoToml: cargoHere };
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

/** Read, merge and validate the project's configuration. */
export function loadProjectConfig(o: LoadConfigOptions = {}): ProjectConfig {
  const where = locate(o);
  const cargo = readCargoManifest(where.cargoToml);
  const projectDir = where.pyproject ? dirname(where.pyproject) : cargo.dir;
  let project: ProjectTable | undefined;
  let tool = readToolConfig(undefined);
  if (where.pyproject) {
    const raw = where.raw ?? readToml(where.pyproject);
    const pt = topTable(where.pyproject, raw, "project");
    if (pt) project = readProjectTable(pt);
    tool = readToolConfig(topTable(where.pyproject, raw, "tool")?.table("pyts-build"));
  }
  const md = buildMetadata({ cargo, projectDir, ...(project ? { project } : {}), ...(where.pyproject ? { pyprojectPath: where.pyproject } : {}) });
  const file = where.pyproject ?? cargo.path;

  const moduleName = tool.moduleName ?? cargo.lib?.name ?? cargo.package.name.replace(/-/g, "_");
  validateModuleName(moduleName, `${file}: module name (tool.pyts-build.module-name or Cargo.toml [lib] name)`);

  const cfg: ProjectConfig = {
    projectDir,
    tool,
    cargo,
    metadata: md.metadata,
    licenseFiles: md.licenseFiles,
    moduleName,
    entryPoints: entryPointsOf(project, file),
  };
  if (where.pyproject) cfg.pyprojectPath = where.pyproject;
  if (project) cfg.project = project;
  if (md.readmeFile) cfg.readmeFile = md.readmeFile;

  if (tool.pythonSource !== undefined) {
    const ps = resolve(projectDir, tool.pythonSource);
    if (!isDir(ps)) throw new ConfigError(`${file}: tool.pyts-build.python-source "${tool.pythonSource}" is not a folder`, `create ${ps} or fix the path`);
    cfg.pythonSource = ps;
  } else if (existsSync(join(projectDir, moduleName.split(".")[0] as string, "__init__.py"))) {
    // Like maturin: a package folder named after the module next to pyproject.toml makes a mixed project.
    cfg.pythonSource = projectDir;
  }
  // Default: `<dist_name>.data`, else maturin's `<module-name>.data` (a bin's module name is the package name)
  const defaults = [`${cfg.metadata.name.replace(/-/g, "_")}.data`, `${moduleName}.data`, ...(tool.bindings === "bin" ? [`${cargo.package.name}.data`] : [])];
  const data = tool.data ?? defaults.find((d) => isDir(resolve(projectDir, d))) ?? (defaults[0] as string);
  const dataAbs = resolve(projectDir, data);
  if (isDir(dataAbs)) cfg.dataDir = dataAbs;
  else if (tool.data !== undefined) throw new ConfigError(`${file}: tool.pyts-build.data "${tool.data}" is not a folder`, `create ${dataAbs} or fix the path`);
  return cfg;
}
