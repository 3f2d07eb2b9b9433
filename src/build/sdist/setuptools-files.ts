/**
 * The files setuptools puts into an sdist (its manifest, `<name>.egg-info/SOURCES.txt`),
 * as a pure function of the project's model and a listing of its folder.
 * The order of the steps is setuptools' (`manifest_maker.run`): the defaults,
 * then MANIFEST.in, then the license files and the files the configuration
 * names (which MANIFEST.in therefore cannot take out), then the pruning of
 * build and VCS folders. See docs/sdist.md, "setuptools projects".
 */
import { applyManifestIn, globMatcher, parseManifestIn, sortFileList } from "./manifest-in.js";

/** distutils' sdist: the first of these that exists (case-sensitive) is the readme. */
export const SETUPTOOLS_READMES = ["README", "README.rst", "README.txt", "README.md"];

export interface SetuptoolsSdistInput {
  /**
   * build_py's sources, project-relative: every `*.py` of each package folder,
   * the py_modules, and the package data from package_data globs (plus `*.pyi`,
   * `py.typed`) minus exclude_package_data — not what include_package_data
   * takes, which comes from this very list (setuptoolsPythonFiles without manifestFiles).
   */
  pythonFiles: readonly string[];
  /** data_files' files, project-relative. */
  dataFiles: readonly string[];
  /** Every file below the project folder, relative and '/'-separated (hidden ones too). */
  all: readonly string[];
  /** MANIFEST.in's text, when the project has one. */
  manifestIn?: string;
  /** The license files of the metadata, relative (setuptools' defaults are PEP 639's, as in project-metadata.ts). */
  licenseFiles: readonly string[];
  /** Files the configuration reads (`readme`, `license = { file }`, `file:` directives). */
  referencedFiles: readonly string[];
  /** `scripts` / `script-files`. */
  scripts?: readonly string[];
  /** The files setuptools' file finders give (setuptools-scm's: committed to git), relative; MANIFEST.in can take them out. */
  revisionControlFiles?: readonly string[];
  /** The generated `<name>.egg-info/` members, relative (`src/x.egg-info/PKG-INFO`...). */
  eggInfo: readonly string[];
  /** `{name}-{version}`: a folder of that name (an earlier sdist's tree) is pruned. */
  fullname: string;
}

export interface SetuptoolsFileList {
  /** SOURCES.txt's order: sorted by (folder, name), without duplicates. */
  files: string[];
  /** MANIFEST.in's problems and "no files found" notes, as setuptools prints them (`MANIFEST.in, line 3: ...`). */
  warnings: string[];
}

/** Files of `all` that Python's glob of `pattern` returns (hidden names skipped). */
function pyGlob(all: readonly string[], pattern: string): string[] {
  return all.filter(globMatcher(pattern, false, { skipHidden: true }));
}

/** The VCS folders distutils prunes anywhere, and the tool folders setuptools prunes at the top. */
const VCS_DIR = /(^|\/)(RCS|CVS|\.svn|\.hg|\.git|\.bzr|_darcs)\//;
const TOOL_DIR = /^(\.tox|\.nox|\.venv)\//;

/** The manifest setuptools' sdist would write for this project. */
export function setuptoolsFileList(input: SetuptoolsSdistInput): SetuptoolsFileList {
  const { all } = input;
  const present = new Set(all);
  const eggInfoDir = input.eggInfo[0]?.replace(/\/[^/]*$/, "");
  // findall sees the egg-info folder setuptools has just written
  const listing = [...all, ...input.eggInfo.filter((f) => !present.has(f))];
  const start: string[] = [];
  const readme = SETUPTOOLS_READMES.find((r) => present.has(r));
  if (readme) start.push(readme);
  if (present.has("setup.py")) start.push("setup.py");
  start.push(...pyGlob(all, "tests/test*.py"), ...pyGlob(all, "test/test*.py"));
  if (present.has("setup.cfg")) start.push("setup.cfg");
  if (present.has("pyproject.toml")) start.push("pyproject.toml");
  start.push(...input.pythonFiles, ...input.dataFiles.filter((f) => present.has(f)));
  start.push(...(input.scripts ?? []).filter((f) => present.has(f)));
  // manifest_maker: the template, the manifest (SOURCES.txt), setup.py, the egg-info folder
  if (present.has("MANIFEST.in")) start.push("MANIFEST.in");
  // then the file finders' files (walk_revctrl), setup.py and the egg-info folder
  start.push(...(input.revisionControlFiles ?? []).filter((f) => present.has(f)));
  start.push(...input.eggInfo);
  const warnings: string[] = [];
  let files = start;
  if (input.manifestIn !== undefined) {
    const parsed = parseManifestIn(input.manifestIn);
    for (const p of parsed.problems) warnings.push(`MANIFEST.in, line ${p.line}: ${p.message}`);
    const applied = applyManifestIn(start, parsed.directives, listing);
    for (const w of applied.warnings) warnings.push(`MANIFEST.in, line ${w.line}: ${w.message}`);
    files = applied.files;
  }
  files.push(...input.licenseFiles.filter((f) => present.has(f)), ...input.referencedFiles.filter((f) => present.has(f)));
  const fullname = input.fullname;
  files = files.filter((f) => !f.startsWith("build/") && !f.startsWith(`${fullname}/`) && !VCS_DIR.test(f) && !TOOL_DIR.test(f));
  // sdist.run adds SOURCES.txt again after the manifest is made, whatever MANIFEST.in said
  if (eggInfoDir !== undefined) files.push(`${eggInfoDir}/SOURCES.txt`);
  return { files: sortFileList(files), warnings };
}
