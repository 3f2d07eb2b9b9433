/**
 * Which file goes where in the wheel. Given the project, the built artifact
 * and the target interpreter, list the wheel's files (the writer adds
 * .dist-info). Reads folder listings, never writes. The layouts are maturin
 * 1.x's for the same project, so a project switching tools gets the same wheel:
 *
 * - pure Rust: always a package named after the module's last part,
 *   `<leaf>/__init__.py` (re-export) + `<leaf>/<leaf><EXT_SUFFIX>`; a `<leaf>.pyi`
 *   stub becomes `<leaf>/__init__.pyi` + `<leaf>/py.typed`, or generated stubs
 *   take its place (src/build/stubs/stub-layout.ts)
 * - mixed (python-source): the Python package as it is, the extension inside it
 *   (generated stubs beside it)
 * - cffi: the library, `ffi.py` and a loader `__init__.py` in a package folder
 *   (`<leaf>/` when pure, `<parent>/<leaf>/` when mixed)
 * - bin: the programs in `.data/scripts`, plus the Python package if there is one
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { relativePosix } from "../host.js";
import { ConfigError } from "../errors.js";
import { cargoArtifactFileName, moduleFileFromArtifact } from "../wheel/module-name.js";
import { platformTag, pythonAbiTag, supportsAbi3, noAbiTag, type WheelTag } from "../wheel/tags.js";
import { DATA_CATEGORIES, dataDirName, type WheelFile } from "../wheel/wheel.js";
import type { ProjectConfig } from "./project/config.js";
import { isDir } from "../fs-util.js";
import type { Bindings } from "./project/tool-config.js";
import { expandGlob, listFiles, matchesGlob } from "./project/glob.js";
import type { InterpreterInfo } from "./python/interpreter-info.js";
import { type PlacedStub, stubsBesideModule, stubsInPackage } from "./stubs/stub-layout.js";

export interface LayoutInput {
  config: ProjectConfig;
  interpreter: InterpreterInfo;
  /** The cdylib to ship as the extension module (bindings = "pyo3"), or the library cffi loads (bindings = "cffi"). */
  artifact?: string;
  /** bindings = "cffi": the generated `ffi.py` (cffi.ts). */
  cffiModule?: string;
  /** Executables to ship as scripts (bindings = "bin"). */
  binaries?: Array<{ name: string; path: string }>;
  /** Stable-ABI build (pyo3's abi3 feature); ignored where abi3 does not apply (PyPy). */
  abi3?: boolean;
  /** --generate-stubs: the stub files read from the library (path relative to the module's folder -> text). */
  stubs?: Map<string, string>;
  /** Files from build scripts' OUT_DIR (`include = [{ from = "out-dir" }]`, out-dir-include.ts), at their wheel paths. */
  outDirFiles?: Array<{ path: string; file: string }>;
}


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
    `    __all__ = ${leaf}.__all__` // no final newline: byte for byte what maturin writes
  );
}

/** The `__init__.py` of a cffi package: load the library beside it through the generated `ffi`. */
export function cffiInit(libFile: string): string {
  return (
    `__all__ = ["lib", "ffi"]\n\n` +
    `import os\nfrom .ffi import ffi\n\n` +
    `lib = ffi.dlopen(os.path.join(os.path.dirname(__file__), '${libFile}'))\n` +
    `del os\n`
  );
}

/**
 * Bindings whose wheel does not depend on the Python version: one build, tagged `py3-none-<platform>`. A program
 * that uses pyo3 or pyo3-ffi (`embedsPython`: it embeds or links the interpreter it is built with) is not one:
 * as maturin does, it is built per interpreter and tagged for it (`cp311-cp311-<platform>`).
 */
export function isVersionIndependent(bindings: Bindings | undefined, embedsPython = false): boolean {
  return (bindings === "bin" && !embedsPython) || bindings === "cffi";
}

/** A `bin` crate depending on pyo3 or pyo3-ffi: maturin's "pyo3 bin", built for and tagged with each interpreter. */
export function embedsPython(c: { tool: { bindings: Bindings }; cargo: { pyo3?: unknown; pyo3Ffi?: unknown } }): boolean {
  return c.tool.bindings === "bin" && (c.cargo.pyo3 !== undefined || c.cargo.pyo3Ffi !== undefined);
}

/** The wheel tags for a build: version-specific, abi3, or (binaries, cffi) `py3-none`. */
export function wheelTags(interp: InterpreterInfo, opts: { abi3Minor?: number; bindings?: Bindings; embedsPython?: boolean } = {}): WheelTag[] {
  const pa = isVersionIndependent(opts.bindings, opts.embedsPython) ? noAbiTag(interp.major) : pythonAbiTag(interp, opts.embedsPython ? undefined : opts.abi3Minor);
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
  const c = input.config;
  const files = new Files();
  const wheelExcludes = c.tool.exclude.filter((r) => r.formats.includes("wheel")).map((r) => r.path);
  const excluded = (projectRel: string, wheelPath: string) => wheelExcludes.some((g) => matchesGlob(projectRel, g) || matchesGlob(wheelPath, g));
  const addFromDisk = (wheelPath: string, file: string, executable?: boolean) => {
    const projectRel = relativePosix(c.projectDir, file);
    if (excluded(projectRel, wheelPath)) return;
    files.add(executable === undefined ? { path: wheelPath, source: { file } } : { path: wheelPath, source: { file }, executable });
  };

  if (c.tool.bindings === "bin") {
    for (const b of input.binaries ?? []) {
      files.add({ path: `${dataDirName(c.metadata.name, c.metadata.version)}/scripts/${b.name}`, source: { file: b.path }, executable: true });
    }
    if (c.pythonSource) layoutPythonPackages(c, c.pythonSource, false, addFromDisk);
  } else {
    if (!input.artifact) throw new Error("layoutWheel: an extension build needs the artifact");
    layoutExtension(c, input, input.artifact, files, addFromDisk);
  }

  for (const f of input.outDirFiles ?? []) if (!files.has(f.path)) addFromDisk(f.path, f.file);

  // include globs (wheel format): placed relative to python-source when inside it, else to the project
  for (const rule of c.tool.include) {
    if (!rule.formats.includes("wheel")) continue;
    for (const rel of expandGlob(c.projectDir, rule.path)) {
      const abs = join(c.projectDir, rel);
      const inPs = c.pythonSource ? relativePosix(c.pythonSource, abs) : undefined;
      const wheelPath = inPs !== undefined && !inPs.startsWith("..") ? inPs : rel;
      if (!files.has(wheelPath) && !isLitter(wheelPath)) addFromDisk(wheelPath, abs);
    }
  }

  if (c.dataDir) layoutData(c, addFromDisk);
  return files.list;
}

function layoutExtension(
  c: ProjectConfig,
  input: LayoutInput,
  artifact: string,
  files: Files,
  addFromDisk: (wheelPath: string, file: string, executable?: boolean) => void,
): void {
  const interp = input.interpreter;
  const parts = c.moduleName.split(".");
  const leaf = parts[parts.length - 1] as string;
  const cffi = c.tool.bindings === "cffi";
  // pyo3: the module file itself; cffi: a package folder holding the library and ffi.py
  const moduleFile = cffi ? leaf : moduleFileFromArtifact(artifact, { module: leaf, system: interp.system, extSuffix: interp.extSuffix, abi3: input.abi3 === true && supportsAbi3(interp) });
  const addStubs = (stubs: PlacedStub[]) => {
    for (const s of stubs) files.add({ path: s.path, source: { bytes: s.text } });
  };
  const addModule = (dir: string) => {
    if (!cffi) {
      files.add({ path: `${dir}/${moduleFile}`, source: { file: artifact }, executable: true });
      return;
    }
    if (input.cffiModule === undefined) throw new Error("layoutWheel: a cffi build needs the generated ffi.py");
    const lib = cargoArtifactFileName(leaf, interp.system);
    files.add({ path: `${dir}/__init__.py`, source: { bytes: cffiInit(lib) } });
    files.add({ path: `${dir}/ffi.py`, source: { bytes: input.cffiModule } });
    files.add({ path: `${dir}/${lib}`, source: { file: artifact }, executable: true });
  };

  if (c.pythonSource) {
    // The module first: a copy a develop build left at the same path in the sources is then not taken.
    const extDir = extensionDir(c, c.pythonSource);
    addModule(cffi ? `${extDir}/${leaf}` : extDir);
    if (input.stubs) addStubs(stubsBesideModule(input.stubs, leaf, extDir));
    layoutPythonPackages(c, c.pythonSource, true, addFromDisk);
    return;
  }

  // Pure Rust: like maturin, a package named after the last part wraps the module.
  const stub = [c.projectDir, c.cargo.dir].map((d) => join(d, `${leaf}.pyi`)).find((p) => existsSync(p));
  if (!cffi) files.add({ path: `${leaf}/__init__.py`, source: { bytes: reexportInit(leaf) } });
  addModule(leaf);
  if (input.stubs) addStubs(stubsInPackage(input.stubs, leaf));
  else if (stub) {
    files.add({ path: `${leaf}/__init__.pyi`, source: { file: stub } });
    files.add({ path: `${leaf}/py.typed`, source: { bytes: "" } });
  }
}

/** The package folder of a mixed project the extension goes into: `pkg` for `pkg._native`, `foo` for `foo` with python/foo/. */
function extensionDir(c: ProjectConfig, ps: string): string {
  const parts = c.moduleName.split(".");
  const top = parts[0] as string;
  const extDir = parts.length > 1 ? parts.slice(0, -1).join("/") : top;
  if (!isDir(join(ps, top)) || !isDir(join(ps, extDir))) {
    throw new ConfigError(
      `python-source ${ps} has no package folder "${extDir}" for the module ${c.moduleName}`,
      `create ${join(ps, extDir, "__init__.py")}, or fix ${c.toolTable}.module-name / python-source`,
    );
  }
  return extDir;
}

/** The Python packages of a mixed project (the module's top package, then python-packages), as they are on disk. */
function layoutPythonPackages(c: ProjectConfig, ps: string, withExtension: boolean, addFromDisk: (wheelPath: string, file: string, executable?: boolean) => void): void {
  const parts = c.moduleName.split(".");
  const leaf = parts[parts.length - 1] as string;
  const top = parts[0] as string;
  const extDir = withExtension ? extensionDir(c, ps) : undefined;
  const stale = new RegExp(`^${leaf}(\\..*)?\\.(so|pyd|dylib)$`); // a copy left by a develop build for another interpreter
  for (const pkg of [top, ...c.tool.pythonPackages]) {
    const dir = join(ps, pkg.replace(/\./g, "/"));
    if (isDir(dir)) {
      for (const rel of listFiles(dir)) {
        const wheelPath = `${pkg.replace(/\./g, "/")}/${rel}`;
        if (isLitter(wheelPath)) continue;
        if (extDir !== undefined && wheelPath.startsWith(extDir + "/") && !wheelPath.slice(extDir.length + 1).includes("/") && stale.test(rel.split("/").pop() as string)) continue;
        addFromDisk(wheelPath, join(dir, rel));
      }
    } else if (existsSync(dir + ".py")) addFromDisk(`${pkg.replace(/\./g, "/")}.py`, dir + ".py");
    else if (pkg === top && !withExtension) continue; // a bin project without a package of its own
    else throw new ConfigError(`${c.toolTable}.python-packages: "${pkg}" is neither a package nor a module in ${ps}`, "fix the name or remove it");
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
