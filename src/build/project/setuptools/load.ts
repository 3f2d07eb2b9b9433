/**
 * A setuptools + setuptools-rust project, read the way setuptools and
 * setuptools-rust would read it: setup.cfg, then setup.py's setup() call
 * (recorded, recorder.ts), then pyproject.toml's `[project]`,
 * `[tool.setuptools]` and `[tool.setuptools-rust]`.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { ConfigError } from "../../../errors.js";
import type { EntryPointGroups } from "../../../wheel/entry-points.js";
import type { CoreMetadata } from "../../../wheel/metadata.js";
import { validateModuleName } from "../../../wheel/names.js";
import { normalizeVersion } from "../../../wheel/pep440.js";
import { Fields, isTable } from "../fields.js";
import type { ProjectTable } from "../pyproject.js";
import { autoDiscover } from "./discovery.js";
import type { RustTargetSpec, SetuptoolsProject, SetuptoolsSource } from "./model.js";
import { recordSetup } from "./recorder.js";
import { readSetuptoolsRustTable } from "./rust-targets.js";
import { checkSetupKeys, type RecordedSetup, setupEntryPoints, setupMetadata, setupRustTargets } from "./setup-keywords.js";
import { checkPyLimitedApi, readAttr, readDynamicFile, readToolSetuptools, toolPyLimitedApi } from "./tool-setuptools.js";

export interface SetuptoolsLoadOptions {
  projectDir: string;
  pyprojectPath?: string;
  /** pyproject.toml as parsed. */
  raw?: Record<string, unknown>;
  /** `[project]` as read (pyproject.ts). */
  project?: ProjectTable;
  /** The interpreter that runs setup.py. */
  python: string;
  env?: NodeJS.ProcessEnv;
}

export interface SetuptoolsLoaded {
  model: SetuptoolsProject;
  /** `[project]` with its dynamic fields filled in from setup.py or [tool.setuptools.dynamic] (undefined: no [project]). */
  project?: ProjectTable;
  /** Metadata from setup.py / setup.cfg when there is no `[project]`. */
  setupMetadata?: CoreMetadata;
  licenseGlobs?: string[];
  entryPoints: EntryPointGroups;
  warnings: string[];
}

/** setup() keywords -> the `[project]` field that would have to be dynamic for them to count. */
const SETUP_TO_PROJECT: Record<string, string> = {
  long_description: "readme",
  install_requires: "dependencies",
  extras_require: "optional-dependencies",
  python_requires: "requires-python",
  author: "authors",
  url: "urls",
};

/** Whether the project has a setup.py or setup.cfg for the recorder to read. */
export function hasSetupFiles(projectDir: string): boolean {
  return existsSync(join(projectDir, "setup.py")) || existsSync(join(projectDir, "setup.cfg"));
}

function packageDirOf(v: unknown, file: string): Record<string, string> | undefined {
  if (v === undefined || v === null) return undefined;
  if (!isTable(v)) throw new ConfigError(`${file}: setup() package_dir must be a dict`);
  return Object.fromEntries(Object.entries(v).map(([k, d]) => [k, String(d).split(/[\\/]/).filter((p) => p !== "" && p !== ".").join("/")]));
}

function globsOf(v: unknown, file: string, key: string): Record<string, string[]> | undefined {
  if (v === undefined || v === null) return undefined;
  if (!isTable(v)) throw new ConfigError(`${file}: setup() ${key} must be a dict of package -> globs`);
  return Object.fromEntries(Object.entries(v).map(([k, g]) => [k === "*" ? "" : k, typeof g === "string" ? [g] : Array.isArray(g) ? g.map(String) : []]));
}

function dataFilesOf(v: unknown, file: string): Array<{ dir: string; files: string[] }> | undefined {
  if (v === undefined || v === null) return undefined;
  if (!Array.isArray(v)) throw new ConfigError(`${file}: setup() data_files must be a list of (folder, [files])`);
  return v.map((item) => {
    if (typeof item === "string") return { dir: "", files: [item] };
    if (Array.isArray(item) && typeof item[0] === "string" && Array.isArray(item[1])) return { dir: item[0], files: (item[1] as unknown[]).map(String) };
    throw new ConfigError(`${file}: setup() data_files entries must be (folder, [files])`);
  });
}

function stringsOf(v: unknown, file: string, key: string): string[] | undefined {
  if (v === undefined || v === null) return undefined;
  if (Array.isArray(v)) return v.map(String);
  throw new ConfigError(`${file}: setup() ${key} must be a list`);
}

/** bdist_wheel's py_limited_api: pyproject's [tool.distutils], else setup.cfg's [bdist_wheel], else setup(options=...). */
function pyLimitedApi(o: SetuptoolsLoadOptions, rec: RecordedSetup | undefined): string | undefined {
  const file = o.pyprojectPath ?? "pyproject.toml";
  const fromPyproject = o.raw ? toolPyLimitedApi(o.raw, file) : undefined;
  if (fromPyproject !== undefined) return checkPyLimitedApi(fromPyproject, `${file}: tool.distutils.bdist_wheel`);
  const cfg = rec?.cfg.bdist_wheel?.py_limited_api ?? rec?.cfg.bdist_wheel?.["py-limited-api"];
  if (cfg !== undefined && cfg !== "" && cfg.toLowerCase() !== "false") return checkPyLimitedApi(cfg, join(o.projectDir, "setup.cfg"));
  const options = rec?.setup.options;
  const bw = isTable(options) && isTable(options.bdist_wheel) ? options.bdist_wheel.py_limited_api : undefined;
  if (typeof bw === "string" && bw !== "") return checkPyLimitedApi(bw, `${join(o.projectDir, "setup.py")}: setup(options={"bdist_wheel": ...})`);
  return undefined;
}

/** The dynamic `[project]` fields from setup.py's keywords or `[tool.setuptools.dynamic]`. */
function fillDynamic(p: ProjectTable, kw: Record<string, unknown>, dyn: Fields | undefined, o: SetuptoolsLoadOptions, packageDir: Record<string, string>): ProjectTable {
  const file = o.pyprojectPath ?? "pyproject.toml";
  const out: ProjectTable = { ...p, dynamic: [] };
  if (p.dynamic.length === 0) return out;
  const fromSetup = setupMetadata({ ...kw, name: p.name }, join(o.projectDir, "setup.py"));
  for (const field of p.dynamic) {
    const d = dyn?.table(field);
    const where = `${file}: tool.setuptools.dynamic.${field}`;
    switch (field) {
      case "version": {
        let v: string | undefined;
        if (d) {
          d.onlyKeys(["attr", "file"]);
          const attr = d.string("attr");
          v = attr !== undefined ? readAttr(o.projectDir, attr, packageDir, where) : readDynamicFile(o.projectDir, d, where).trim();
        } else if (kw.version !== undefined && kw.version !== null) v = String(kw.version);
        if (v === undefined) throw new ConfigError(`${file}: project.dynamic lists "version" but neither [tool.setuptools.dynamic] nor setup.py gives it`, '[tool.setuptools.dynamic] version = { attr = "my_package.__version__" }');
        out.version = normalizeVersion(v, where);
        break;
      }
      case "description":
        if (d) out.description = readDynamicFile(o.projectDir, d, where).trim();
        else if (fromSetup.metadata.summary !== undefined) out.description = fromSetup.metadata.summary;
        break;
      case "readme":
        if (d) {
          d.onlyKeys(["file", "content-type"]);
          out.readme = { text: readDynamicFile(o.projectDir, d, where), contentType: d.string("content-type") ?? "text/x-rst" };
        } else if (fromSetup.metadata.description) out.readme = { text: fromSetup.metadata.description.body, contentType: fromSetup.metadata.description.contentType };
        break;
      case "classifiers":
        out.classifiers = d ? readDynamicFile(o.projectDir, d, where).split("\n").map((s) => s.trim()).filter((s) => s && !s.startsWith("#")) : fromSetup.metadata.classifiers;
        break;
      case "dependencies":
        out.dependencies = d ? readDynamicFile(o.projectDir, d, where).split("\n").map((s) => s.trim()).filter((s) => s && !s.startsWith("#")) : fromSetup.metadata.requiresDist;
        break;
      case "optional-dependencies": {
        const lines = (text: string) => text.split("\n").map((x) => x.trim()).filter((x) => x && !x.startsWith("#"));
        const opt: Record<string, string[]> = {};
        if (d) for (const extra of d.keys()) opt[extra] = lines(readDynamicFile(o.projectDir, d.table(extra) as Fields, `${where}.${extra}`));
        else {
          const er = kw.extras_require;
          for (const [key, reqs] of Object.entries(isTable(er) ? er : {})) {
            const [extra, marker] = key.split(":", 2) as [string, string | undefined];
            const list = typeof reqs === "string" ? lines(reqs) : Array.isArray(reqs) ? reqs.map(String) : [];
            (opt[extra] ??= []).push(...list.map((r) => (marker ? `${r}; ${marker}` : r)));
          }
        }
        out.optionalDependencies = opt;
        break;
      }
      case "requires-python":
        if (fromSetup.metadata.requiresPython !== undefined) out.requiresPython = fromSetup.metadata.requiresPython;
        break;
      case "keywords":
        out.keywords = fromSetup.metadata.keywords;
        break;
      case "scripts":
      case "gui-scripts":
      case "entry-points":
        break; // from setup.py's entry_points (below)
      default:
        throw new ConfigError(`${file}: project.dynamic "${field}" is not supported by pyts-build for setuptools projects`, "give the value in [project]");
    }
  }
  return out;
}

/** Read the project's setuptools configuration (see the file comment). */
export function loadSetuptools(o: SetuptoolsLoadOptions): SetuptoolsLoaded {
  const warnings: string[] = [];
  const warn = (m: string) => warnings.push(m);
  const setupPy = join(o.projectDir, "setup.py");
  const rec = hasSetupFiles(o.projectDir) ? recordSetup(o.projectDir, o.python, o.env) : undefined;
  const kw = rec?.setup ?? {};
  const sources: SetuptoolsSource[] = [];
  if (existsSync(join(o.projectDir, "setup.cfg"))) sources.push("setup.cfg");
  if (rec?.setupPy) sources.push("setup.py");
  if (o.pyprojectPath) sources.push("pyproject.toml");
  checkSetupKeys(kw, setupPy, warn);

  const file = o.pyprojectPath ?? join(o.projectDir, "pyproject.toml");
  const toolF = o.raw ? new Fields(file, "", o.raw).table("tool") : undefined;
  const ts = readToolSetuptools(toolF?.table("setuptools"), o.projectDir);

  // layout: [tool.setuptools] over setup.py over setup.cfg (the recorder merged those two)
  const packageDir = { ...(packageDirOf(kw.package_dir, setupPy) ?? {}), ...(ts.packageDir ?? {}) };
  let packages = ts.packages ?? stringsOf(kw.packages, setupPy, "packages");
  let pyModules = ts.pyModules ?? stringsOf(kw.py_modules, setupPy, "py_modules");
  if (packages === undefined && pyModules === undefined) {
    const found = autoDiscover(o.projectDir, packageDir, file);
    packages = found.packages;
    pyModules = found.pyModules;
    Object.assign(packageDir, found.packageDir);
  }
  for (const p of [...(packages ?? []), ...(pyModules ?? [])]) validateModuleName(p, `${file}: package or module name`);
  const hasPyprojectConfig = o.project !== undefined || toolF?.table("setuptools") !== undefined;
  const ipd = ts.includePackageData ?? (typeof kw.include_package_data === "boolean" ? kw.include_package_data : hasPyprojectConfig);

  // Rust: setuptools-rust's pyproject configuration replaces setup.py's rust_extensions
  const rustTable = toolF?.table("setuptools-rust");
  const fromSetup = setupRustTargets(kw, setupPy, o.projectDir);
  let rustTargets: RustTargetSpec[] = fromSetup;
  if (rustTable) {
    if (fromSetup.length > 0) warn(`${file}: [tool.setuptools-rust] replaces setup.py's rust_extensions, as setuptools-rust does`);
    rustTargets = readSetuptoolsRustTable(rustTable, o.projectDir);
  }
  if (rustTargets.length === 0) {
    throw new ConfigError(`${rustTable ? file : rec?.setupPy ? setupPy : file}: the project builds with setuptools-rust but names no Rust extension or binary`, "add [[tool.setuptools-rust.ext-modules]] (or RustExtension(...) in setup.py's rust_extensions)");
  }

  const model: SetuptoolsProject = {
    sources,
    packages: packages ?? [],
    packageDir,
    pyModules: pyModules ?? [],
    packageData: { ...(globsOf(kw.package_data, setupPy, "package_data") ?? {}), ...(ts.packageData ?? {}) },
    excludePackageData: { ...(globsOf(kw.exclude_package_data, setupPy, "exclude_package_data") ?? {}), ...(ts.excludePackageData ?? {}) },
    includePackageData: ipd,
    dataFiles: ts.dataFiles ?? dataFilesOf(kw.data_files, setupPy) ?? [],
    rustTargets,
  };
  const zipSafe = ts.zipSafe ?? (typeof kw.zip_safe === "boolean" ? kw.zip_safe : undefined);
  if (zipSafe !== undefined) model.zipSafe = zipSafe;
  const limited = pyLimitedApi(o, rec);
  if (limited !== undefined) model.pyLimitedApi = limited;

  const out: SetuptoolsLoaded = { model, entryPoints: setupEntryPoints(kw.entry_points, setupPy), warnings };
  if (o.project) {
    out.project = fillDynamic(o.project, kw, ts.dynamic, o, packageDir);
    if (out.project.version === undefined) {
      throw new ConfigError(`${file}: [project] has no version and does not list it in dynamic`, 'add version = "1.0" to [project], or dynamic = ["version"] with [tool.setuptools.dynamic] version');
    }
    // [project]'s entry points; setup.py's only where [project] lists them as dynamic (setuptools ignores the rest, with a warning)
    const p = out.project;
    const dyn = new Set(o.project.dynamic);
    const fromSetup = out.entryPoints;
    out.entryPoints = {};
    for (const [group, entries] of Object.entries(fromSetup)) {
      const field = group === "console_scripts" ? "scripts" : group === "gui_scripts" ? "gui-scripts" : "entry-points";
      if (dyn.has(field)) out.entryPoints[group] = entries;
      else warn(`${setupPy}: setup() entry_points [${group}] is ignored: [project] does not list "${field}" in dynamic (as setuptools ignores it)`);
    }
    if (p.scripts) out.entryPoints.console_scripts = p.scripts;
    if (p.guiScripts) out.entryPoints.gui_scripts = p.guiScripts;
    Object.assign(out.entryPoints, p.entryPoints ?? {});
    const ignored = ["version", "description", "long_description", "install_requires", "extras_require", "python_requires", "classifiers", "keywords", "author", "license", "url"].filter((k) => kw[k] !== undefined && kw[k] !== null && !dyn.has(SETUP_TO_PROJECT[k] ?? k));
    if (ignored.length > 0) warn(`${setupPy}: setup() ${ignored.join(", ")} ignored: [project] gives them (only fields listed in project.dynamic come from setup.py, as in setuptools)`);
  } else {
    const md = setupMetadata(kw, rec?.setupPy ? setupPy : join(o.projectDir, "setup.cfg"));
    out.setupMetadata = md.metadata;
    if (md.licenseGlobs) out.licenseGlobs = md.licenseGlobs;
  }
  return out;
}
