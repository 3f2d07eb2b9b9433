/**
 * The sdist of a setuptools-rust project (cfg.setuptools): the files
 * setuptools' sdist would carry (setuptools-files.ts over a listing of the
 * project folder), its egg-info and setup.cfg (egg-info.ts), and — where
 * MANIFEST.in leaves them out — the files the Rust build needs, from cargo's
 * own lists, each such addition warned about. The project's pyproject.toml
 * goes in unchanged, so the sdist stays a setuptools sdist, unless
 * `backend: "pyts-build"` asks for pyts-build's backend. See docs/sdist.md,
 * "setuptools projects".
 */
import { existsSync, readdirSync, readFileSync, realpathSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { relativePosix } from "../../host.js";
import { ConfigError } from "../../errors.js";
import { isFile } from "../../fs-util.js";
import { type CrateSet, packageFiles, type SdistCrate } from "../cargo/cargo-files.js";
import { cargoFileAnswers } from "../cargo/cargo-files-cache.js";
import type { ProjectConfig } from "../project/config.js";
import { withPytsBuildBackend } from "../project/sdist-layout.js";
import { packageFolder, type SetuptoolsProject } from "../project/setuptools/model.js";
import { setuptoolsPythonFiles } from "../project/setuptools/python-files.js";
import { readToml } from "../project/toml.js";
import { eggInfoDir, eggInfoMembers, eggInfoTagNote, sdistSetupCfg, sourcesTxt } from "./egg-info.js";
import { sortFileList } from "./manifest-in.js";
import { checkResolvesInside, type SdistFile, type SdistSelection, type SelectOptions } from "./sdist-files.js";
import { isInside } from "../../paths.js";
import { Exclusions, isNativeModule } from "./sdist-exclusions.js";
import { setuptoolsFileList } from "./setuptools-files.js";
import { gitScmFiles, requiresSetuptoolsScm } from "./scm-files.js";

export type SetuptoolsConfig = ProjectConfig & { setuptools: SetuptoolsProject };

/** The VCS folders setuptools prunes anyway: not walked. */
const VCS_DIRS = new Set([".git", ".hg", ".svn", ".bzr", "CVS", "RCS", "_darcs"]);

/**
 * Every file below `dir`, '/'-relative, hidden ones too (setuptools' findall
 * sees them); folders `skipDir` names are not entered, symlinked folders not
 * followed (no loops), symlinked files taken.
 */
export function listProject(dir: string, skipDir: (abs: string) => boolean): string[] {
  const out: string[] = [];
  const visit = (abs: string, rel: string) => {
    let entries;
    try {
      entries = readdirSync(abs, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      const a = join(abs, e.name);
      const r = rel === "" ? e.name : `${rel}/${e.name}`;
      if (e.isDirectory()) {
        if (!VCS_DIRS.has(e.name) && !skipDir(a)) visit(a, r);
      } else if (e.isFile() || (e.isSymbolicLink() && isFile(a))) out.push(r);
    }
  };
  visit(dir, "");
  return out;
}

export interface SetuptoolsManifest {
  /** setuptools' SOURCES.txt: its order, its spelling (`./x` where a `recursive-include .` put it). */
  files: string[];
  warnings: string[];
  /** The egg-info members (project-relative) -> content; SOURCES.txt's is filled by the caller. */
  eggInfo: Map<string, string>;
  exclusions: Exclusions;
}

export interface ManifestOptions {
  /** The sdist's dist name (earlier sdists of it are never listed). */
  distName: string;
  /** Cargo target folders and the output folder: never listed. */
  outputDirs?: string[];
  /** The PKG-INFO text the egg-info copies ("" when only the names matter). */
  pkgInfo?: string;
  /** For git (setuptools-scm's file finder). */
  env?: NodeJS.ProcessEnv;
}

/**
 * The files setuptools' sdist would list for this project, without asking
 * cargo: the wheel's include-package-data reads the same list (setuptools
 * takes package data from the sdist's manifest).
 */
export function setuptoolsManifest(cfg: SetuptoolsConfig, o: ManifestOptions): SetuptoolsManifest {
  const model = cfg.setuptools;
  const root = cfg.projectDir;
  const rel = (abs: string) => relativePosix(root, abs);
  const crateDirs = [root, ...model.rustTargets.map((t) => dirname(t.manifestPath))];
  const exclusions = new Exclusions({ root, outputDirs: o.outputDirs ?? [], crateDirs, sdistPrefix: o.distName });
  const eggInfo = eggInfoMembers({
    name: cfg.metadata.name,
    ...(model.packageDir[""] !== undefined ? { rootPackageDir: model.packageDir[""] } : {}),
    pkgInfo: o.pkgInfo ?? "",
    packages: model.packages,
    pyModules: model.pyModules,
    requiresDist: cfg.metadata.requiresDist,
    providesExtra: cfg.metadata.providesExtra,
    entryPoints: cfg.entryPoints,
    ...(model.zipSafe !== undefined ? { zipSafe: model.zipSafe } : {}),
  });
  // the egg-info folder on disk is an earlier setuptools run's: the generated one stands for it
  const staleEggInfo = join(root, eggInfoDir(cfg.metadata.name, model.packageDir[""]));
  const all = listProject(root, (abs) => abs === staleEggInfo || exclusions.dirExcluded(abs)).filter((f) => exclusions.fileReason(join(root, f)) === undefined);
  const warnings: string[] = [];
  const pythonFiles = setuptoolsPythonFiles(root, model, { warn: (m) => warnings.push(m) }).map((f) => rel(f.file));
  const referenced = [cfg.readmeFile, cfg.project?.license && "file" in cfg.project.license ? resolve(root, cfg.project.license.file) : undefined]
    .filter((f): f is string => f !== undefined)
    .map(rel);
  const manifestIn = join(root, "MANIFEST.in");
  const list = setuptoolsFileList({
    all,
    ...(existsSync(manifestIn) ? { manifestIn: readFileSync(manifestIn, "utf8") } : {}),
    pythonFiles,
    dataFiles: model.dataFiles.flatMap((d) => d.files),
    licenseFiles: cfg.licenseFiles.map((l) => rel(l.file)),
    referencedFiles: referenced,
    // setuptools-scm in the build requirements: its file finder adds what git has committed
    ...(requiresSetuptoolsScm(cfg.buildSystem?.requires) ? { revisionControlFiles: gitScmFiles(root, o.env) } : {}),
    eggInfo: [...eggInfo.keys()],
    fullname: `${o.distName}-${cfg.metadata.version}`,
  });
  return { files: list.files, warnings: [...warnings, ...list.warnings], eggInfo, exclusions };
}

/**
 * What the Rust build needs of one crate, from cargo's list: everything,
 * except for a crate whose folder holds the Python project too (Cargo.toml
 * beside pyproject.toml), where cargo lists the whole project: then its
 * manifest and the `.rs` files in the folders of the targets a build compiles
 * (`src/` for `src/lib.rs`; a build script at the top is itself). Other files
 * such a build reads (`include_str!`) are MANIFEST.in's to name.
 */
export function neededCrateFiles(crate: Pick<SdistCrate, "dir" | "manifestPath" | "targetSources">, listed: readonly string[], projectDir: string): string[] {
  if (!isInside(crate.dir, resolve(projectDir))) return [...listed];
  const inTargetFolder = (f: string) => crate.targetSources.some((src) => (dirname(src) === crate.dir ? f === src : f.endsWith(".rs") && isInside(dirname(src), f)));
  return listed.filter((f) => f === crate.manifestPath || inTargetFolder(f));
}

/** The files every Rust target's build needs (absolute), and the target folder of the first one's workspace. */
async function rustNeeds(cfg: SetuptoolsConfig, o: SelectOptions, exclusions: Exclusions): Promise<{ needed: string[]; targetDirectory: string }> {
  const needed = new Set<string>();
  let targetDirectory: string | undefined;
  const manifests = [...new Set(cfg.setuptools.rustTargets.map((t) => resolve(t.manifestPath)))];
  for (const manifest of manifests) {
    const { set, lists } = await cargoFileAnswers(manifest, {
      ...(o.env ? { env: o.env } : {}),
      ...(o.cwd !== undefined ? { cwd: o.cwd } : {}),
      key: [resolve(cfg.projectDir), o.outDir !== undefined ? resolve(o.outDir) : null, "setuptools"],
      dropped: () => (dir) => exclusions.ownReason(dir),
    });
    set.crates.forEach((c, i) => {
      for (const f of neededCrateFiles(c, packageFiles(c.dir, lists[i] ?? []).files, cfg.projectDir)) needed.add(f);
    });
    for (const ws of set.workspaces) needed.add(ws.manifestPath);
    const mainWs = mainWorkspace(set, manifest);
    const lock = join(mainWs, "Cargo.lock");
    if (existsSync(lock)) needed.add(lock);
    targetDirectory ??= set.workspaces.find((w) => w.root === mainWs)?.targetDirectory ?? join(mainWs, "target");
  }
  return { needed: [...needed].filter((f) => exclusions.fileReason(f) === undefined), targetDirectory: targetDirectory ?? join(cfg.projectDir, "target") };
}

function mainWorkspace(set: CrateSet, manifest: string): string {
  return set.crates.find((c) => c.manifestPath === manifest)?.workspaceRoot ?? dirname(manifest);
}

export interface SetuptoolsSelectOptions extends SelectOptions {
  /** The PKG-INFO at the sdist's top: the egg-info carries a copy. */
  pkgInfo: string;
  /** "pyts-build": the sdist's pyproject.toml names pyts-build's backend instead of the project's. */
  backend?: "pyts-build";
}

/** Select the sdist's files for a setuptools-rust project (its root is the project folder). */
export async function selectSetuptoolsSdistFiles(cfg: SetuptoolsConfig, o: SetuptoolsSelectOptions): Promise<SdistSelection> {
  const root = cfg.projectDir;
  const rel = (abs: string) => relativePosix(root, abs);
  const outDirs = o.outDir !== undefined ? [resolve(o.outDir)] : [];
  const m = setuptoolsManifest(cfg, { distName: o.distName, outputDirs: outDirs, pkgInfo: o.pkgInfo, ...(o.env ? { env: o.env } : {}) });
  const { needed, targetDirectory } = await rustNeeds(cfg, o, m.exclusions);
  // cargo's target folder may be anywhere (CARGO_TARGET_DIR): never in the sdist
  const exclusions = new Exclusions({ root, outputDirs: [...outDirs, targetDirectory], crateDirs: [root], sdistPrefix: o.distName });
  const warnings = [...m.warnings];

  const outside = needed.filter((f) => !isInside(resolve(root), f));
  if (outside.length > 0) {
    throw new ConfigError(
      `the Rust build of ${cfg.pyprojectPath ?? join(root, "setup.py")} needs ${outside[0]}${outside.length > 1 ? ` (and ${outside.length - 1} more)` : ""}, outside the project folder, which a setuptools sdist cannot carry`,
      "move the crate (and its path dependencies) into the project folder",
    );
  }
  const listed = new Set(m.files.map((f) => f.replace(/^\.\//, "")));
  const missing = needed
    .map(rel)
    .filter((f) => !listed.has(f))
    .sort();
  if (missing.length > 0) {
    const shown = missing.slice(0, 5).join(", ") + (missing.length > 5 ? `, and ${missing.length - 5} more` : "");
    warnings.push(
      `MANIFEST.in leaves out ${missing.length} file(s) the Rust build needs (${shown}): pyts-build adds them, setuptools' sdist would lack them ` +
        `(add lines such as "include Cargo.toml Cargo.lock" and "recursive-include src *" to MANIFEST.in)`,
    );
  }
  const files = sortFileList([...m.files, ...missing]);

  const out = new Map<string, SdistFile>();
  const generated = new Set([...m.eggInfo.keys(), "PKG-INFO", "setup.cfg", "pyproject.toml"]);
  const packageDirs = cfg.setuptools.packages.map((p) => join(root, packageFolder(cfg.setuptools, p)));
  for (const f of files) {
    const p = f.replace(/^\.\//, "");
    if (generated.has(p) || out.has(p)) continue;
    const abs = join(root, p);
    // build output never goes in, whatever MANIFEST.in says (an editable install's module in a package folder, .pyc...)
    if (exclusions.fileReason(abs) !== undefined) continue;
    if (isNativeModule(p) && packageDirs.some((d) => isInside(d, abs))) continue;
    out.set(p, { path: p, source: { file: abs } });
  }
  for (const [p, text] of m.eggInfo) out.set(p, { path: p, source: { bytes: Buffer.from(p.endsWith("/SOURCES.txt") ? sourcesTxt(files) : text) } });
  const setupCfg = join(root, "setup.cfg");
  const cfgText = existsSync(setupCfg) ? readFileSync(setupCfg, "utf8") : undefined;
  const tagNote = eggInfoTagNote(cfgText, setupCfg);
  if (tagNote !== undefined) warnings.push(tagNote);
  out.set("setup.cfg", { path: "setup.cfg", source: { bytes: Buffer.from(sdistSetupCfg(cfgText)) } });
  if (o.backend === "pyts-build") {
    const text = cfg.pyprojectPath !== undefined ? readFileSync(cfg.pyprojectPath, "utf8") : undefined;
    const raw = cfg.pyprojectPath !== undefined ? readToml(cfg.pyprojectPath) : undefined;
    out.set("pyproject.toml", { path: "pyproject.toml", source: { bytes: Buffer.from(withPytsBuildBackend(text, raw, cfg.pyprojectPath ?? "pyproject.toml")) } });
  } else if (cfg.pyprojectPath !== undefined) out.set("pyproject.toml", { path: "pyproject.toml", source: { file: cfg.pyprojectPath } });

  const realRoot = realpathSync(root);
  for (const f of out.values()) if ("file" in f.source) checkResolvesInside(f.source.file, root, realRoot);
  const sorted = [...out.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return { root, projectRel: "", files: sorted, warnings, targetDirectory };
}
