/**
 * Which files an sdist carries, and where. The sdist root is the smallest
 * folder holding what cargo needs (the project, the crate, its path
 * dependencies and their workspaces), so every relative path
 * (`path = "../core"`, `readme = "../README.md"`) resolves unchanged. Readme,
 * license, Python and included files must lie inside it, and every file must
 * resolve inside it through symlinks (nothing from outside the project is
 * packed). When that root is above the project folder, the top of the sdist
 * gets a stub pyproject.toml pointing at the project (see sdist-layout.ts and
 * docs/sdist.md).
 */
import { existsSync, readdirSync, readFileSync, realpathSync } from "node:fs";
import { dirname, isAbsolute, join, resolve, sep } from "node:path";
import { relativePosix } from "../../host.js";
import { ConfigError } from "../../errors.js";
import type { ProjectConfig } from "../project/config.js";
import { type CrateSet, packageFiles } from "../cargo/cargo-files.js";
import { cargoFileAnswers } from "../cargo/cargo-files-cache.js";
import { withIncludes } from "../cargo/cargo-config.js";
import { isFile } from "../../fs-util.js";
import { IgnoreTree } from "./gitignore.js";
import { expandGlob, matchesGlob } from "../project/glob.js";
import { Exclusions, isNativeModule } from "./sdist-exclusions.js";
import { defaultPyprojectText, stubPyprojectText } from "../project/sdist-layout.js";
import { addOutsideCopies, namedFileRefs, planOutsideCopies } from "./sdist-outside.js";
import { pruneWorkspaceManifest } from "../project/workspace-manifest.js";
import { isInside } from "../../paths.js";

export interface SdistFile {
  /** Path below the sdist's top folder, '/'-separated. */
  path: string;
  /** Source on disk, or the bytes to write (rewritten or generated files). */
  source: { file: string } | { bytes: Uint8Array };
}

export interface SdistSelection {
  /** The folder the sdist's top folder stands for. */
  root: string;
  /** The project folder (pyproject.toml's) relative to root, "" when they are the same. */
  projectRel: string;
  /** Sorted by path. */
  files: SdistFile[];
  warnings: string[];
  /** Cargo's target folder of the crate's workspace (the default output goes below it). */
  targetDirectory: string;
}

export interface SelectOptions {
  /** Where the sdist is written: never part of it. */
  outDir?: string;
  /** The sdist's distribution name (`word_count`): earlier sdists of it are never included. */
  distName: string;
  env?: NodeJS.ProcessEnv;
  /** The command's working folder (part of the key of cargo's remembered answers). */
  cwd?: string;
}

/** The deepest folder that holds all of `paths` (absolute). */
export function commonAncestor(paths: string[]): string {
  const split = paths.map((p) => resolve(p).split(sep));
  const first = split[0];
  if (!first) throw new Error("internal: commonAncestor of nothing");
  let n = first.length;
  for (const s of split) {
    let i = 0;
    while (i < n && i < s.length && s[i] === first[i]) i++;
    n = i;
  }
  return first.slice(0, n).join(sep) || sep;
}

/** Files below `dir` (absolute), skipping hidden, ignored and excluded folders as it goes. */
function walk(dir: string, skipDir: (abs: string) => boolean, out: string[] = []): string[] {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return out;
  }
  for (const e of entries) {
    const abs = join(dir, e.name);
    if (e.isDirectory()) {
      if (!e.name.startsWith(".") && !skipDir(abs)) walk(abs, skipDir, out);
    } else if (e.isFile() || (e.isSymbolicLink() && isFile(abs))) {
      // symlinked folders are not followed (no loops); symlinked files are stored as their content
      out.push(abs);
    }
  }
  return out;
}

/**
 * A file is stored as the content it resolves to, so a symlink must resolve
 * inside the sdist's root: `src/x.rs -> /etc/passwd` would otherwise ship
 * that file. A symlink that resolves nowhere is an error too.
 */
export function checkResolvesInside(abs: string, root: string, realRoot: string): void {
  let real: string;
  try {
    real = realpathSync(abs);
  } catch {
    throw new ConfigError(`${abs} is a broken symlink (it points at nothing), so the sdist cannot carry it`, "remove the link or point it at a file inside the project");
  }
  if (!isInside(realRoot, real)) {
    throw new ConfigError(`${abs} is a symlink to ${real}, outside the folder the sdist stands for (${root})`, "replace the link (or the linked folder above it) by a copy, or remove it");
  }
}

/** Folders whose whole (non-ignored) content is the project's Python code. */
function pythonTrees(cfg: ProjectConfig): string[] {
  const ps = cfg.pythonSource === undefined ? undefined : resolve(cfg.pythonSource);
  if (ps === undefined) return [];
  const project = resolve(cfg.projectDir);
  if (ps !== project && isInside(project, ps)) return [ps];
  // python-source is the project folder itself, or outside it (`../python`): only the package
  // folders (maturin's choice), not the tests, docs or other projects around them.
  const top = cfg.moduleName.split(".")[0] as string;
  return [top, ...cfg.tool.pythonPackages].map((p) => join(ps, p)).filter((p) => existsSync(p));
}

/** Cargo config and toolchain files that change how the crate builds. */
const BUILD_CONFIG_FILES = [".cargo/config.toml", ".cargo/config", "rust-toolchain.toml", "rust-toolchain"];

/** Folders with a cargo `target/` child even without a CACHEDIR.TAG: the project, the crates, the workspaces. */
function crateDirsOf(cfg: ProjectConfig, set: CrateSet): string[] {
  return [cfg.projectDir, ...set.crates.map((c) => c.dir), ...set.workspaces.map((w) => w.root)];
}

/**
 * The folder the sdist stands for: the smallest holding the project, its crates and their workspaces,
 * and the Python packages (a python-source outside the project widens it, as in maturin 1.14+; the
 * project's pyproject.toml keeps its place below, so `python-source = "../python"` still resolves).
 */
function sdistRoot(cfg: ProjectConfig, set: CrateSet): string {
  return commonAncestor([...crateDirsOf(cfg, set), ...pythonTrees(cfg)]);
}

/** Select the sdist's files for a loaded project. */
export async function selectSdistFiles(cfg: ProjectConfig, o: SelectOptions): Promise<SdistSelection> {
  const warnings: string[] = [];
  const outDirs = (set: CrateSet) => [...(o.outDir !== undefined ? [resolve(o.outDir)] : []), ...set.workspaces.map((w) => w.targetDirectory)];
  // The crates and their cargo file lists, remembered while nothing they come from changed (cargo-files-cache.ts):
  // what the sdist drops whole (exclusions) need not be stamped.
  const { set, lists } = await cargoFileAnswers(cfg.cargo.path, {
    ...(o.env ? { env: o.env } : {}),
    ...(o.cwd !== undefined ? { cwd: o.cwd } : {}),
    key: [resolve(cfg.projectDir), o.outDir !== undefined ? resolve(o.outDir) : null, cfg.pythonSource ?? null], // python-source can widen the root
    dropped: (s) => {
      const r = sdistRoot(cfg, s);
      if (dirname(r) === r) return () => undefined;
      const ex = new Exclusions({ root: r, outputDirs: outDirs(s), crateDirs: crateDirsOf(cfg, s), sdistPrefix: o.distName });
      return (dir) => ex.ownReason(dir);
    },
  });
  const mainWs = set.crates.find((c) => c.manifestPath === resolve(cfg.cargo.path))?.workspaceRoot ?? cfg.cargo.dir;
  const targetDirectory = set.workspaces.find((w) => w.root === mainWs)?.targetDirectory ?? join(mainWs, "target");

  // Explicit includes are resolved first: they can widen the root.
  const includes = cfg.tool.include
    .filter((r) => r.formats.includes("sdist"))
    .flatMap((r) => {
      const hits = expandGlob(cfg.projectDir, r.path);
      if (hits.length === 0) warnings.push(`${cfg.toolTable}.include "${r.path}" matches no file`);
      return hits.map((h) => resolve(cfg.projectDir, h));
    });
  const refs = namedFileRefs(cfg);
  // `[sbom] include` files inside the project: a wheel built from the sdist ships them too
  const sbomFiles = cfg.tool.sbom.include.filter((p) => !isAbsolute(p)).map((p) => resolve(cfg.projectDir, p)).filter((f) => isFile(f));
  const named = [cfg.readmeFile, ...cfg.licenseFiles.map((l) => l.file), ...refs.map((r) => r.file), ...sbomFiles].filter((f): f is string => f !== undefined);
  const pyTrees = pythonTrees(cfg);
  // The root is what cargo needs (project, crates, workspaces) and the Python packages; the rest must fit inside it,
  // but a readme or license file a manifest names outside is copied in beside that manifest (sdist-outside.ts).
  const root = sdistRoot(cfg, set);
  const copies = planOutsideCopies(refs, root, { pyproject: cfg.projectDir, cargo: cfg.cargo.dir });
  const copied = new Set(copies.map((c) => resolve(c.file)));
  if (dirname(root) === root) {
    throw new ConfigError(
      `the files of ${cfg.cargo.path} share no folder but the file-system root (a path dependency far outside the project?)`,
      "keep path dependencies and workspaces inside one project folder",
    );
  }
  const where = cfg.pyprojectPath ?? cfg.cargo.path;
  const mustBeInside = (abs: string, what: string) => {
    if (!isInside(root, resolve(abs))) {
      throw new ConfigError(`${where}: ${what} ${abs} is outside the folder the sdist stands for (${root})`, `move it into ${root}, or drop it from the configuration`);
    }
  };
  if (cfg.readmeFile && !copied.has(resolve(cfg.readmeFile))) mustBeInside(cfg.readmeFile, "readme");
  for (const l of cfg.licenseFiles) if (!copied.has(resolve(l.file))) mustBeInside(l.file, "license file");
  for (const t of pyTrees) mustBeInside(t, `${cfg.toolTable}.python-source`);
  for (const f of includes) mustBeInside(f, `${cfg.toolTable}.include file`);
  if (cfg.dataDir) mustBeInside(cfg.dataDir, `${cfg.toolTable}.data`);
  const rel = (abs: string) => relativePosix(root, abs);
  const ignore = new IgnoreTree(root);
  const exclusions = new Exclusions({
    root,
    outputDirs: outDirs(set),
    crateDirs: crateDirsOf(cfg, set),
    sdistPrefix: o.distName,
  });

  const files = new Map<string, SdistFile>(); // by archive path
  const addFile = (abs: string) => {
    const p = rel(abs);
    if (!files.has(p)) files.set(p, { path: p, source: { file: abs } });
  };
  const pyRoots = pyTrees.map((t) => resolve(t));
  const inPythonTree = (abs: string) => pyRoots.some((t) => isInside(t, abs));
  /** Found by a listing or a walk: subject to exclusions, .gitignore (unless git already applied it) and, in Python trees, no native modules. */
  const consider = (abs: string, gitApplied: boolean) => {
    if (exclusions.fileReason(abs) !== undefined) return;
    if (!gitApplied && ignore.ignored(rel(abs), false)) return;
    if (inPythonTree(abs) && isNativeModule(abs)) return;
    addFile(abs);
  };

  // Every crate's list (path dependencies), considered in the crates' order.
  set.crates.forEach((c, i) => {
    const { files: listed, vcs } = packageFiles(c.dir, lists[i] ?? []);
    for (const f of listed) consider(f, vcs);
  });

  // Workspace root manifests, narrowed to the members carried; the lock file of the crate's own workspace.
  const crateDirsByWs = new Map<string, string[]>();
  for (const c of set.crates) crateDirsByWs.set(c.workspaceRoot, [...(crateDirsByWs.get(c.workspaceRoot) ?? []), c.dir]);
  for (const ws of set.workspaces) {
    const keep = (crateDirsByWs.get(ws.root) ?? []).map((d) => relativePosix(ws.root, d));
    const all = ws.memberDirs.map((d) => relativePosix(ws.root, d));
    const text = readFileSync(ws.manifestPath, "utf8");
    const pruned = pruneWorkspaceManifest(text, ws.manifestPath, keep, all);
    const p = rel(ws.manifestPath);
    files.set(p, { path: p, source: pruned === undefined ? { file: ws.manifestPath } : { bytes: Buffer.from(pruned) } });
  }
  const lock = join(mainWs, "Cargo.lock");
  if (existsSync(lock)) addFile(lock);
  else {
    warnings.push(
      `no Cargo.lock in ${mainWs}: building this sdist will pick dependency versions anew (run \`cargo generate-lockfile\` to pin them)`,
    );
  }

  const buildConfigs: string[] = [];
  for (const dir of new Set([...set.workspaces.map((w) => w.root), ...set.crates.map((c) => c.dir), cfg.projectDir])) {
    for (const name of BUILD_CONFIG_FILES) {
      const abs = join(dir, name);
      if (existsSync(abs)) buildConfigs.push(abs);
    }
  }
  // and the files a cargo configuration pulls in with `include`: they change the build as much
  for (const abs of withIncludes(buildConfigs)) {
    if (!isFile(abs)) continue; // an optional include that is absent
    if (isInside(root, abs)) consider(abs, false);
    else warnings.push(`${abs} is included by a cargo configuration file but lies outside the sdist's folder ${root}: a build from the sdist will not see it`);
  }

  const skipDir = (abs: string) => exclusions.dirExcluded(abs) || ignore.ignored(rel(abs), true);
  for (const tree of pyTrees) for (const f of walk(tree, skipDir)) consider(f, false);
  if (cfg.dataDir) for (const f of walk(cfg.dataDir, skipDir)) consider(f, false);

  // Named and explicitly included files are wanted even when .gitignore'd; build output never is.
  for (const f of named) if (!copied.has(resolve(f))) addFile(f);
  for (const f of includes) if (exclusions.fileReason(f) === undefined) addFile(f);

  // [tool.pyts-build] exclude (sdist), relative to the project folder; the manifests and the lock stay.
  const required = new Set([...set.crates.map((c) => rel(c.manifestPath)), ...set.workspaces.map((w) => rel(w.manifestPath)), rel(lock)]);
  for (const r of cfg.tool.exclude.filter((x) => x.formats.includes("sdist"))) {
    for (const p of [...files.keys()]) {
      const fromProject = relativePosix(cfg.projectDir, join(root, p));
      if (!required.has(p) && matchesGlob(fromProject, r.path)) files.delete(p);
    }
  }

  // pyproject.toml: the project's own, plus a stub at the top when the project is below the root.
  const projectRel = rel(cfg.projectDir);
  const pyprojectAt = projectRel === "" ? "pyproject.toml" : `${projectRel}/pyproject.toml`;
  if (cfg.pyprojectPath !== undefined) files.set(pyprojectAt, { path: pyprojectAt, source: { file: cfg.pyprojectPath } });
  else warnings.push("no pyproject.toml: the sdist gets one naming pyts-build as its build backend");
  if (projectRel !== "") {
    files.set("pyproject.toml", { path: "pyproject.toml", source: { bytes: Buffer.from(stubPyprojectText(projectRel, cfg.buildSystem)) } });
  } else if (cfg.pyprojectPath === undefined) {
    files.set("pyproject.toml", { path: "pyproject.toml", source: { bytes: Buffer.from(defaultPyprojectText()) } });
  }
  files.delete("PKG-INFO"); // always generated (an unpacked sdist has an old one)
  addOutsideCopies(files, copies, { ...(cfg.pyprojectPath !== undefined ? { pyproject: pyprojectAt } : {}), cargo: rel(cfg.cargo.path) }, where);

  const realRoot = realpathSync(root);
  const copyPaths = new Set(copies.map((c) => c.path)); // named by the project: they may come from outside
  for (const f of files.values()) if ("file" in f.source && !copyPaths.has(f.path)) checkResolvesInside(f.source.file, root, realRoot);

  const sorted = [...files.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return { root, projectRel, files: sorted, warnings, targetDirectory };
}
