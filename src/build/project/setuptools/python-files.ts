/**
 * The Python side of a setuptools project's wheel, as setuptools' build_py and
 * install_data would put it there: each package's `*.py` modules, its
 * package data (package_data globs, the implicit `*.pyi` and `py.typed`,
 * with include_package_data the sdist manifest's files inside the package,
 * minus exclude_package_data), py_modules, and data_files under `.data/data/`.
 */
import { readdirSync, statSync } from "node:fs";
import { basename, join, posix } from "node:path";
import { ConfigError } from "../../../errors.js";
import { fnmatch } from "./discovery.js";
import { joinRel, packageFolder, type SetuptoolsProject } from "./model.js";

/** A file for the wheel: `path` inside it ('/'-separated), `file` on disk. */
export interface PlacedFile {
  path: string;
  file: string;
}

/** build_py's implicit package data (setuptools >= 69). */
const IMPLICIT_DATA = ["*.pyi", "py.typed"];

function kind(p: string): "file" | "dir" | undefined {
  try {
    const st = statSync(p);
    return st.isFile() ? "file" : st.isDirectory() ? "dir" : undefined;
  } catch {
    return undefined;
  }
}

function entries(dir: string): string[] {
  try {
    return readdirSync(dir).sort();
  } catch {
    return [];
  }
}

/**
 * Python's `glob(pattern, recursive=True)` relative to `root`, files only:
 * wildcards stay within one part, a `**` part is any number of folders, and
 * names starting with '.' match only a part that starts with '.'.
 */
export function pyGlob(root: string, pattern: string): string[] {
  const parts = pattern.split("/").filter((p) => p !== "" && p !== ".");
  const out = new Set<string>();
  const wild = (p: string) => /[*?[]/.test(p);
  const step = (rel: string, i: number) => {
    const abs = join(root, rel);
    if (i === parts.length) {
      if (kind(abs) === "file") out.add(rel);
      return;
    }
    const part = parts[i] as string;
    if (part === "**") {
      step(rel, i + 1); // zero folders
      for (const name of entries(abs)) {
        if (name.startsWith(".")) continue;
        const sub = rel ? `${rel}/${name}` : name;
        if (kind(join(abs, name)) === "dir") step(sub, i);
        else if (i + 1 === parts.length) out.add(sub); // "**" last: the files too
      }
      return;
    }
    if (!wild(part)) {
      if (part === "..") throw new ConfigError(`package data glob "${pattern}" leaves the package folder`, "name files inside the package");
      step(rel ? `${rel}/${part}` : part, i + 1);
      return;
    }
    for (const name of entries(abs)) {
      if (name.startsWith(".") && !part.startsWith(".")) continue;
      if (fnmatch(name, part)) step(rel ? `${rel}/${name}` : name, i + 1);
    }
  };
  step("", 0);
  return [...out].sort();
}

export interface PythonFilesOptions {
  /** Project-relative files of the sdist's manifest (MANIFEST.in applied), for include_package_data. */
  manifestFiles?: string[];
  /** setup.py itself is never a module of the root package (distutils' build_py skips it). */
  setupScript?: string;
  warn?: (message: string) => void;
}

/** The Python files setuptools would put in the wheel, in a stable order. */
export function setuptoolsPythonFiles(projectDir: string, project: SetuptoolsProject, o: PythonFilesOptions = {}): PlacedFile[] {
  const out = new Map<string, string>();
  const add = (path: string, file: string) => {
    if (!out.has(path)) out.set(path, file);
  };
  const setupScript = o.setupScript ?? "setup.py";

  for (const pkg of project.packages) {
    const dirRel = packageFolder(project, pkg);
    const dir = join(projectDir, dirRel);
    const wheelDir = pkg.replace(/\./g, "/");
    if (kind(dir) !== "dir") {
      throw new ConfigError(`package directory '${dirRel || "."}' of package ${pkg} does not exist`, "fix packages / package-dir (or the packages.find where), or create the folder");
    }
    for (const name of entries(dir)) {
      if (!name.endsWith(".py") || kind(join(dir, name)) !== "file") continue;
      if (dirRel === "" && name === setupScript) continue;
      add(`${wheelDir}/${name}`, join(dir, name));
    }
    for (const rel of packageData(projectDir, dirRel, pkg, project, o.manifestFiles)) add(`${wheelDir}/${rel}`, join(dir, rel));
  }

  for (const mod of project.pyModules) {
    const parts = mod.split(".");
    const dirRel = packageFolder(project, parts.slice(0, -1).join("."));
    const file = join(projectDir, dirRel, `${parts[parts.length - 1]}.py`);
    if (kind(file) !== "file") {
      o.warn?.(`py_modules: ${joinRel(dirRel, `${parts[parts.length - 1]}.py`)} (for module ${mod}) not found: left out, as setuptools does`);
      continue;
    }
    add(`${parts.join("/")}.py`, file);
  }
  return [...out].map(([path, file]) => ({ path, file }));
}

/** One package's data files, relative to its folder (setuptools' find_data_files + exclude_data_files). */
function packageData(projectDir: string, dirRel: string, pkg: string, project: SetuptoolsProject, manifestFiles: string[] | undefined): string[] {
  const dir = join(projectDir, dirRel);
  const patterns = [...IMPLICIT_DATA, ...(project.packageData[""] ?? []), ...(project.packageData[pkg] ?? [])];
  const files: string[] = [];
  if (project.includePackageData && manifestFiles) {
    // each manifest file belongs to the package of its nearest folder that is one (build_py's analyze_manifest)
    const byDir = new Map(project.packages.map((p) => [packageFolder(project, p), p]));
    for (const f of manifestFiles) {
      let d = posix.dirname(f) === "." ? "" : posix.dirname(f);
      let rel = posix.basename(f);
      while (d !== "" && !byDir.has(d)) {
        rel = `${posix.basename(d)}/${rel}`;
        d = posix.dirname(d) === "." ? "" : posix.dirname(d);
      }
      if (byDir.get(d) !== pkg) continue;
      if (!rel.includes("/") && rel.endsWith(".py")) continue; // a module, not data
      files.push(rel);
    }
  }
  for (const p of patterns) files.push(...pyGlob(dir, p));
  const excludes = [...(project.excludePackageData[""] ?? []), ...(project.excludePackageData[pkg] ?? [])];
  // exclude patterns are fnmatch'ed against the whole path, so '*' crosses folders
  const kept = files.filter((f) => !excludes.some((x) => fnmatch(posix.join(dirRel || ".", f), posix.join(dirRel || ".", x))));
  return [...new Set(kept)];
}

/** data_files: each file at `<dist>.data/data/<dir>/<its name>` (install_data's rule). */
export function setuptoolsDataFiles(projectDir: string, project: SetuptoolsProject, dataDir: string): PlacedFile[] {
  const out: PlacedFile[] = [];
  for (const { dir, files } of project.dataFiles) {
    if (dir.startsWith("/") || /^[A-Za-z]:/.test(dir)) throw new ConfigError(`data-files: "${dir}" is an absolute folder; a wheel can only install below the environment's prefix`, "use a relative folder such as share/my-project");
    for (const f of files) {
      const abs = join(projectDir, f);
      if (kind(abs) !== "file") throw new ConfigError(`data-files: ${f} (for ${dir || "."}) is not a file`, "list files, not folders, relative to the project folder");
      out.push({ path: joinRel(dataDir, "data", dir, basename(f)), file: abs });
    }
  }
  return out;
}
