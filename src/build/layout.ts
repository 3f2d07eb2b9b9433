/**
 * Which file goes where in the wheel. Given the project, the built artifact
 * and the target interpreter, list the wheel's files (the writer adds
 * .dist-info). Reads folder listings, never writes.
 *
 * - pure Rust, plain module name, no stub: `foo<EXT_SUFFIX>` at the root
 * - pure Rust with a package name (`pkg._native`) or a `foo.pyi` stub: a package
 *   whose `__init__.py` re-exports the extension (stub + `py.typed` beside it)
 * - mixed (python-source): the Python package as it is, the extension inside it
 */
import { existsSync } from "node:fs";
import { join, relative, sep } from "node:path";
import { ConfigError } from "../errors.js";
import { moduleFileFromArtifact } from "../wheel/module-name.js";
import { platformTag, pythonAbiTag, supportsAbi3, noAbiTag, type WheelTag } from "../wheel/tags.js";
import { DATA_CATEGORIES, dataDirName, type WheelFile } from "../wheel/wheel.js";
import type { ProjectConfig } from "./config.js";
import { isDir } from "./fs-util.js";
import { expandGlob, listFiles, matchesGlob } from "./glob.js";
import type { InterpreterInfo } from "./interpreter-info.js";
import type { Bindings } from "./tool-config.js";

export interface LayoutInput {
  config: ProjectConfig;
  interpreter: InterpreterInfo;
  /** The cdylib to ship as the extension module (bindings = "pyo3"). */
  artifact?: string;
  /** Executables to ship as scripts (bindings = "bin"). */
  binaries?: Array<{ name: string; path: string }>;
  /** Stable-ABI build (pyo3's abi3 feature); ignored where abi3 does not apply (PyPy). */
  abi3?: boolean;
}

const toPosix = (p: string) => p.split(sep).join("/");

/** Build litter that must not travel in a wheel. */
function isLitter(rel: string): boolean {
  return rel.split("/").includes("__pycache__") || /\.py[co]$/.test(rel);
}

/** The `__init__.py` that makes a package out of a lone extension module. */
export function reexportInit(leaf: string): string {
  return (
    `from .${leaf} import *\n\n` +
    `__doc__ = ${leaf}.__doc__\n` +
    `if hasattr(${leaf}, "__all__"):\n` +
    `    __all__ = ${leaf}.__all__\n`
  );
}

/** The wheel tags for a build: version-specific, abi3, or (binaries) `py3-none`. */
export function wheelTags(interp: InterpreterInfo, opts: { abi3Minor?: number; bindings?: Bindings } = {}): WheelTag[] {
  const pa = opts.bindings === "bin" ? noAbiTag(interp.major) : pythonAbiTag(interp, opts.abi3Minor);
  return [{ ...pa, platform: platformTag(interp) }];
}

class Files {
  readonly list: WheelFile[] = [];
  private readonly seen = new Set<string>();
  add(f: WheelFile): void {
    if (this.seen.has(f.path)) return;
    this.seen.add(f.path);
    this.list.push(f);
  }
  has(path: string): boolean {
    return this.seen.has(path);
  }
}

export function layoutWheel(input: LayoutInput): WheelFile[] {
  const { config: c, interpreter: interp } = input;
  const files = new Files();
  const wheelExcludes = c.tool.exclude.filter((r) => r.formats.includes("wheel")).map((r) => r.path);
  const excluded = (projectRel: string, wheelPath: string) => wheelExcludes.some((g) => matchesGlob(projectRel, g) || matchesGlob(wheelPath, g));
  const addFromDisk = (wheelPath: string, file: string, executable?: boolean) => {
    const projectRel = toPosix(relative(c.projectDir, file));
    if (excluded(projectRel, wheelPath)) return;
    files.add(executable === undefined ? { path: wheelPath, source: { file } } : { path: wheelPath, source: { file }, executable });
  };

  if (c.tool.bindings === "bin") {
    for (const b of input.binaries ?? []) {
      files.add({ path: `${dataDirName(c.metadata.name, c.metadata.version)}/scripts/${b.name}`, source: { file: b.path }, executable: true });
    }
  } else {
    if (!input.artifact) throw new Error("layoutWheel: an extension build needs the artifact");
    layoutExtension(c, interp, input.artifact, input.abi3 === true, files, addFromDisk);
  }

  // include globs (wheel format): placed relative to python-source when inside it, else to the project
  for (const rule of c.tool.include) {
    if (!rule.formats.includes("wheel")) continue;
    for (const rel of expandGlob(c.projectDir, rule.path)) {
      const abs = join(c.projectDir, rel);
      const inPs = c.pythonSource ? toPosix(relative(c.pythonSource, abs)) : undefined;
      const wheelPath = inPs !== undefined && !inPs.startsWith("..") ? inPs : rel;
      if (!files.has(wheelPath) && !isLitter(wheelPath)) addFromDisk(wheelPath, abs);
    }
  }

  if (c.dataDir) layoutData(c, addFromDisk);
  return files.list;
}

function layoutExtension(
  c: ProjectConfig,
  interp: InterpreterInfo,
  artifact: string,
  abi3: boolean,
  files: Files,
  addFromDisk: (wheelPath: string, file: string, executable?: boolean) => void,
): void {
  const parts = c.moduleName.split(".");
  const leaf = parts[parts.length - 1] as string;
  const moduleFile = moduleFileFromArtifact(artifact, { module: leaf, system: interp.system, extSuffix: interp.extSuffix, abi3: abi3 && supportsAbi3(interp) });
  const stub = [c.pythonSource, c.projectDir, c.cargo.dir]
    .filter((d): d is string => d !== undefined)
    .map((d) => join(d, `${leaf}.pyi`))
    .find((p) => existsSync(p));

  if (c.pythonSource) {
    const ps = c.pythonSource;
    const top = parts[0] as string;
    // `foo` with a python/foo/ package puts the extension inside it as foo/foo.so
    const extDir = parts.length > 1 ? parts.slice(0, -1).join("/") : top;
    if (!isDir(join(ps, top)) || !isDir(join(ps, extDir))) {
      throw new ConfigError(
        `python-source ${ps} has no package folder "${extDir}" for the module ${c.moduleName}`,
        `create ${join(ps, extDir, "__init__.py")}, or fix tool.pyts-build.module-name / python-source`,
      );
    }
    const stale = new RegExp(`^${leaf}(\\..*)?\\.(so|pyd|dylib)$`); // a copy left by a develop build
    for (const pkg of [top, ...c.tool.pythonPackages]) {
      const dir = join(ps, pkg.replace(/\./g, "/"));
      if (isDir(dir)) {
        for (const rel of listFiles(dir)) {
          const wheelPath = `${pkg.replace(/\./g, "/")}/${rel}`;
          if (isLitter(wheelPath)) continue;
          if (wheelPath.startsWith(extDir + "/") && !wheelPath.slice(extDir.length + 1).includes("/") && stale.test(rel.split("/").pop() as string)) continue;
          addFromDisk(wheelPath, join(dir, rel));
        }
      } else if (existsSync(dir + ".py")) addFromDisk(`${pkg.replace(/\./g, "/")}.py`, dir + ".py");
      else throw new ConfigError(`tool.pyts-build.python-packages: "${pkg}" is neither a package nor a module in ${ps}`, "fix the name or remove it");
    }
    files.add({ path: `${extDir}/${moduleFile}`, source: { file: artifact }, executable: true });
    if (stub && !files.has(`${extDir}/${leaf}.pyi`) && !stub.startsWith(join(ps, extDir))) {
      files.add({ path: `${extDir}/${leaf}.pyi`, source: { file: stub } });
      if (!files.has(`${top}/py.typed`)) files.add({ path: `${top}/py.typed`, source: { bytes: "" } });
    }
    return;
  }

  if (parts.length === 1 && !stub) {
    files.add({ path: moduleFile, source: { file: artifact }, executable: true });
    return;
  }
  // A package around the extension: for a dotted name, or to give a stub its place.
  const pkgDir = parts.length > 1 ? parts.slice(0, -1).join("/") : leaf;
  for (let i = 1; i < pkgDir.split("/").length; i++) {
    files.add({ path: `${pkgDir.split("/").slice(0, i).join("/")}/__init__.py`, source: { bytes: "" } });
  }
  files.add({ path: `${pkgDir}/__init__.py`, source: { bytes: reexportInit(leaf) } });
  files.add({ path: `${pkgDir}/${moduleFile}`, source: { file: artifact }, executable: true });
  if (stub) {
    files.add({ path: parts.length > 1 ? `${pkgDir}/${leaf}.pyi` : `${pkgDir}/__init__.pyi`, source: { file: stub } });
    files.add({ path: `${pkgDir.split("/")[0]}/py.typed`, source: { bytes: "" } });
  }
}

function layoutData(c: ProjectConfig, addFromDisk: (wheelPath: string, file: string, executable?: boolean) => void): void {
  const dataDir = c.dataDir as string;
  const target = dataDirName(c.metadata.name, c.metadata.version);
  for (const rel of listFiles(dataDir)) {
    const [category, ...rest] = rel.split("/");
    if (rest.length === 0 || !(DATA_CATEGORIES as readonly string[]).includes(category as string)) {
      throw new ConfigError(
        `${join(dataDir, rel)} is not inside one of ${DATA_CATEGORIES.join(", ")}`,
        `move it to ${join(dataDir, "data", rel)} (installed under the environment's prefix) or another of those folders`,
      );
    }
    if (isLitter(rel)) continue;
    addFromDisk(`${target}/${rel}`, join(dataDir, rel), category === "scripts" ? true : undefined);
  }
}
