/**
 * The keyword arguments a setup.py gave setup() (recorded by recorder.ts, with
 * setup.cfg's [metadata]/[options] merged under them), read with setuptools'
 * meaning into the project model, core metadata and entry points. What the
 * recorder cannot stand in for (custom commands, C extensions, cffi modules,
 * other setup requirements) is an error naming the key: a partial build would
 * be a wrong wheel.
 */
import { ConfigError } from "../../../errors.js";
import type { EntryPointGroups } from "../../../wheel/entry-points.js";
import { type CoreMetadata, emptyMetadata, type Person } from "../../../wheel/metadata.js";
import { normalizeProjectName, validateProjectName } from "../../../wheel/names.js";
import { normalizeVersion, validateSpecifierSet } from "../../../wheel/pep440.js";
import { validateRequirement } from "../../../wheel/requirement.js";
import { Fields, isTable } from "../fields.js";
import { requirementForExtra } from "../project-metadata.js";
import type { RustTargetSpec } from "./model.js";
import { readBin, readExtension } from "./rust-targets.js";

/** Keys that change how setuptools builds, which pyts-build cannot stand in for. */
const UNREPRESENTABLE: Record<string, string> = {
  cmdclass: "custom setuptools commands run Python code during the build",
  ext_modules: "C/C++ extensions are compiled by setuptools",
  cffi_modules: "cffi modules are compiled by cffi's setuptools plugin",
  libraries: "C libraries are compiled by setuptools",
  distclass: "a custom Distribution class changes the build",
  use_scm_version: "the version comes from setuptools-scm",
  namespace_packages: "pkg_resources-style namespace packages need setuptools at run time",
  scripts: "script files are rewritten by setuptools' build_scripts",
  headers: "C headers are installed by setuptools",
  script_name: "a custom setup script name",
};

/** Keys that only matter to setuptools itself or to eggs: read and dropped. */
const IGNORED = new Set(["zip_safe", "test_suite", "tests_require", "include_dirs", "eager_resources", "dependency_links", "options", "python_requires_warning", "long_description_content_type", "command_options", "obsoletes", "provides", "requires"]);

/** Metadata keys, handled by setupMetadata. */
const METADATA_KEYS = new Set([
  "name", "version", "description", "long_description", "author", "author_email", "maintainer", "maintainer_email",
  "license", "license_expression", "license_files", "url", "download_url", "project_urls", "keywords", "classifiers",
  "platforms", "python_requires", "install_requires", "extras_require", "entry_points", "provides_extra",
]);

/** Layout keys, handled by setupLayout. */
const LAYOUT_KEYS = new Set(["packages", "package_dir", "py_modules", "package_data", "exclude_package_data", "include_package_data", "data_files", "rust_extensions", "setup_requires"]);

/** Setup requirements the build does not need: setuptools itself and its plugins pyts-build replaces. */
const KNOWN_SETUP_REQUIRES = new Set(["setuptools", "setuptools-rust", "wheel"]);

/** The recorded setup() call. */
export interface RecordedSetup {
  /** Keyword arguments (setup.cfg's under setup.py's). */
  setup: Record<string, unknown>;
  /** Whether a setup.py ran (else only setup.cfg was read). */
  setupPy: boolean;
  /** setup.cfg's command sections (`bdist_wheel`). */
  cfg: Record<string, Record<string, string>>;
}

const str = (v: unknown): string | undefined => (typeof v === "string" ? v : undefined);

/** A list given as a list, or as a string with one item per line (setuptools accepts both). */
function listOf(v: unknown, key: string, file: string): string[] {
  if (v === undefined || v === null) return [];
  if (typeof v === "string") return v.split("\n").map((s) => s.trim()).filter((s) => s !== "" && !s.startsWith("#"));
  if (Array.isArray(v) && v.every((x) => typeof x === "string")) return v as string[];
  throw new ConfigError(`${file}: setup() ${key} must be a list of strings`, `give ${key}=["..."]`);
}

function objectOf(v: unknown, key: string, file: string): Record<string, unknown> {
  if (v === undefined || v === null) return {};
  if (isTable(v)) return v;
  throw new ConfigError(`${file}: setup() ${key} must be a dict`, `give ${key}={...}`);
}

/** Refuse what cannot be represented; warn about keys setuptools itself would not know. */
export function checkSetupKeys(kw: Record<string, unknown>, file: string, warn: (m: string) => void): void {
  for (const [k, v] of Object.entries(kw)) {
    const empty = v === null || v === false || (Array.isArray(v) && v.length === 0) || (isTable(v) && Object.keys(v).length === 0);
    if (k in UNREPRESENTABLE && !empty) {
      throw new ConfigError(`${file}: setup() uses ${k}, which pyts-build cannot build (${UNREPRESENTABLE[k]})`, "build this project with setuptools (pip wheel .), or move what it does into the Rust crate or [tool.setuptools-rust]");
    }
    if (!(k in UNREPRESENTABLE) && !IGNORED.has(k) && !METADATA_KEYS.has(k) && !LAYOUT_KEYS.has(k)) warn(`${file}: setup() keyword ${k} is not understood by pyts-build: ignored`);
  }
  for (const r of listOf(kw.setup_requires, "setup_requires", file)) {
    const name = normalizeProjectName(r.split(/[\s<>=!~;[(@]/)[0] ?? "");
    if (!KNOWN_SETUP_REQUIRES.has(name)) {
      throw new ConfigError(`${file}: setup() setup_requires lists ${r}, which setup.py needs while it builds; pyts-build does not install or run it`, "move it to [build-system] requires, or build this project with setuptools");
    }
  }
}

/** rust_extensions: each a recorded RustExtension / RustBin call. */
export function setupRustTargets(kw: Record<string, unknown>, file: string, projectDir: string): RustTargetSpec[] {
  const list = kw.rust_extensions;
  if (list === undefined || list === null) return [];
  if (!Array.isArray(list)) throw new ConfigError(`${file}: setup() rust_extensions must be a list of RustExtension / RustBin`);
  return list.map((item, i) => {
    const what = `rust_extensions[${i}]`;
    if (!isTable(item) || (item.__class__ !== "RustExtension" && item.__class__ !== "RustBin")) {
      throw new ConfigError(`${file}: setup() ${what} is not a RustExtension or RustBin`, "build it with setuptools_rust.RustExtension(...) or RustBin(...)");
    }
    const { __class__: cls, ...args } = item;
    if (cls === "RustBin") {
      // RustBin records the RustExtension arguments it passes on; keep the ones RustBin takes
      const { binding: _b, rustc_flags: _r, script: _s, native: _n, py_limited_api: _p, generated_files: _g, ...own } = args;
      return readBin(new Fields(file, what, own), "snake", projectDir);
    }
    return readExtension(new Fields(file, what, args), "snake", projectDir);
  });
}

/** The "name = object" lines (or ini text) of setup()'s entry_points. */
export function setupEntryPoints(v: unknown, file: string): EntryPointGroups {
  const groups: EntryPointGroups = {};
  const addLine = (group: string, line: string) => {
    const t = line.trim();
    if (t === "" || t.startsWith("#") || t.startsWith(";")) return;
    const eq = t.indexOf("=");
    if (eq < 0) throw new ConfigError(`${file}: setup() entry_points [${group}] "${t}" is not "name = module:object"`);
    (groups[group] ??= {})[t.slice(0, eq).trim()] = t.slice(eq + 1).trim();
  };
  if (v === undefined || v === null) return groups;
  if (typeof v === "string") {
    let group: string | undefined;
    for (const line of v.split("\n")) {
      const m = /^\s*\[([^\]]+)\]\s*$/.exec(line);
      if (m) group = (m[1] as string).trim();
      else if (line.trim() !== "") {
        if (group === undefined) throw new ConfigError(`${file}: setup() entry_points text has an entry before any [group]`);
        addLine(group, line);
      }
    }
    return groups;
  }
  for (const [group, entries] of Object.entries(objectOf(v, "entry_points", file))) {
    for (const line of listOf(entries, `entry_points["${group}"]`, file)) addLine(group, line);
  }
  return groups;
}

/** Core metadata from setup()'s keywords, the way setuptools writes it. */
export function setupMetadata(kw: Record<string, unknown>, file: string): { metadata: CoreMetadata; licenseGlobs?: string[] } {
  const name = str(kw.name);
  if (name === undefined) throw new ConfigError(`${file}: setup() has no name`, 'give setup(name="my-project", ...) or [project] name in pyproject.toml');
  validateProjectName(name, `${file}: setup() name`);
  const rawVersion = kw.version === undefined || kw.version === null ? "0.0.0" : String(kw.version);
  const m = emptyMetadata(name, normalizeVersion(rawVersion, `${file}: setup() version`));
  const description = str(kw.description);
  if (description !== undefined && description.trim() !== "") m.summary = description.trim();
  const long = str(kw.long_description);
  if (long !== undefined && long !== "") m.description = { body: long, contentType: str(kw.long_description_content_type) ?? "text/x-rst" };
  const people = (nameKey: string, emailKey: string): Person[] => {
    const out: Person[] = [];
    const n = str(kw[nameKey]);
    const e = str(kw[emailKey]);
    if (n) out.push({ name: n });
    if (e) out.push({ email: e }); // setuptools writes Author and Author-email as given, not combined
    return out;
  };
  m.authors = people("author", "author_email");
  m.maintainers = people("maintainer", "maintainer_email");
  const license = str(kw.license);
  const expression = str(kw.license_expression);
  if (expression !== undefined) m.licenseExpression = expression;
  else if (license !== undefined && license !== "") m.license = license;
  const url = str(kw.url);
  if (url) m.homePage = url;
  if (str(kw.download_url)) m.projectUrls.push(["Download", str(kw.download_url) as string]);
  for (const [label, u] of Object.entries(objectOf(kw.project_urls, "project_urls", file))) m.projectUrls.push([label, String(u)]);
  const kws = kw.keywords;
  m.keywords = typeof kws === "string" ? kws.split(",").map((s) => s.trim()).filter(Boolean) : listOf(kws, "keywords", file);
  m.classifiers = listOf(kw.classifiers, "classifiers", file);
  const rp = str(kw.python_requires);
  if (rp !== undefined) {
    validateSpecifierSet(rp, `${file}: setup() python_requires`);
    m.requiresPython = rp;
  }
  for (const [i, r] of listOf(kw.install_requires, "install_requires", file).entries()) {
    validateRequirement(r, `${file}: setup() install_requires[${i}]`);
    m.requiresDist.push(r.trim());
  }
  for (const [key, reqs] of Object.entries(objectOf(kw.extras_require, "extras_require", file))) {
    // "extra:marker" keys make the marker part of each requirement (setuptools' _convert_extras_requirements)
    const colon = key.indexOf(":");
    const extra = colon < 0 ? key : key.slice(0, colon);
    const marker = colon < 0 ? undefined : key.slice(colon + 1).trim();
    const norm = extra === "" ? "" : normalizeProjectName(extra);
    if (norm !== "" && !m.providesExtra.includes(norm)) m.providesExtra.push(norm);
    for (const [i, r] of listOf(reqs, `extras_require["${key}"]`, file).entries()) {
      const what = `${file}: setup() extras_require["${key}"][${i}]`;
      validateRequirement(r, what);
      const withMarker = marker ? (r.includes(";") ? `${r.trim()} and (${marker})` : `${r.trim()}; ${marker}`) : r.trim();
      m.requiresDist.push(norm === "" ? withMarker : requirementForExtra(withMarker, norm, what));
    }
  }
  for (const e of listOf(kw.provides_extra, "provides_extra", file)) if (!m.providesExtra.includes(normalizeProjectName(e))) m.providesExtra.push(normalizeProjectName(e));
  const globs = kw.license_files === undefined || kw.license_files === null ? undefined : listOf(kw.license_files, "license_files", file);
  return globs ? { metadata: m, licenseGlobs: globs } : { metadata: m };
}
