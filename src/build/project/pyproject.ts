/**
 * The `[project]` table of pyproject.toml (PEP 621), read into typed values.
 * Format checks happen here (types, known keys, PEP 508/440 validity), so the
 * rest of the build works on trusted data. Reading files it names (readme,
 * license) is left to config.ts.
 */
import type { Person } from "../../wheel/metadata.js";
import { validateProjectName } from "../../wheel/names.js";
import { normalizeVersion, validateSpecifierSet } from "../../wheel/pep440.js";
import { validateRequirement } from "../../wheel/requirement.js";
import { Fields } from "./fields.js";

export type Readme = { file: string; contentType: string } | { text: string; contentType: string };
export type LicenseField = { expression: string } | { file: string } | { text: string };

export interface ProjectTable {
  name: string;
  version?: string; // normalized
  description?: string;
  readme?: Readme;
  requiresPython?: string;
  license?: LicenseField;
  licenseFiles?: string[]; // globs
  authors?: Person[];
  maintainers?: Person[];
  keywords?: string[];
  classifiers?: string[];
  urls?: Array<[string, string]>;
  dependencies?: string[];
  optionalDependencies?: Record<string, string[]>;
  scripts?: Record<string, string>;
  guiScripts?: Record<string, string>;
  entryPoints?: Record<string, Record<string, string>>;
  dynamic: string[];
  /** Fields listed in `dynamic` that `[project]` also sets (PEP 621 forbids it; maturin accepts it). */
  staticAndDynamic: string[];
}

export const PROJECT_KEYS = [
  "name",
  "version",
  "description",
  "readme",
  "requires-python",
  "license",
  "license-files",
  "authors",
  "maintainers",
  "keywords",
  "classifiers",
  "urls",
  "dependencies",
  "optional-dependencies",
  "scripts",
  "gui-scripts",
  "entry-points",
  "dynamic",
] as const;

// maturin's values (charset and, for Markdown, the GitHub dialect that PyPI renders), so METADATA reads alike
export const MARKDOWN_TYPE = "text/markdown; charset=UTF-8; variant=GFM";
export const PLAIN_TYPE = "text/plain; charset=UTF-8";
const CONTENT_TYPES: Record<string, string> = { ".md": MARKDOWN_TYPE, ".markdown": MARKDOWN_TYPE, ".rst": "text/x-rst; charset=UTF-8", ".txt": PLAIN_TYPE };

/** Content type of a readme from its extension; undefined if unknown. */
export function readmeContentType(file: string): string | undefined {
  const m = /\.[^./\\]+$/.exec(file.toLowerCase());
  return m ? CONTENT_TYPES[m[0]] : undefined;
}

function readReadme(f: Fields): Readme | undefined {
  const raw = f.raw.readme;
  if (raw === undefined) return undefined;
  if (typeof raw === "string") {
    const contentType = readmeContentType(raw);
    if (!contentType) {
      f.fail("readme", `"${raw}" has an unknown extension`, 'use .md, .rst or .txt, or a table: readme = {file = "README", content-type = "text/plain"}');
    }
    return { file: raw, contentType };
  }
  const t: Fields = f.table("readme") as Fields;
  t.onlyKeys(["file", "text", "content-type"]);
  const file = t.string("file");
  const text = t.string("text");
  if ((file === undefined) === (text === undefined)) t.fail("", "needs exactly one of file or text", 'readme = {file = "README.md"} or {text = "...", content-type = "text/markdown"}');
  const contentType = t.string("content-type") ?? (file !== undefined ? readmeContentType(file) : undefined);
  if (!contentType) t.fail("content-type", "is missing", 'add content-type = "text/markdown" (or text/x-rst, text/plain)');
  return file !== undefined ? { file, contentType } : { text: text as string, contentType };
}

function readLicense(f: Fields): LicenseField | undefined {
  const raw = f.raw.license;
  if (raw === undefined) return undefined;
  if (typeof raw === "string") {
    if (raw.trim() === "") f.fail("license", "is empty", 'use an SPDX expression such as "MIT" or "Apache-2.0 OR MIT"');
    return { expression: raw };
  }
  const t: Fields = f.table("license") as Fields;
  t.onlyKeys(["file", "text"]);
  const file = t.string("file");
  const text = t.string("text");
  if ((file === undefined) === (text === undefined)) t.fail("", "needs exactly one of file or text", 'prefer an SPDX expression: license = "MIT"');
  return file !== undefined ? { file } : { text: text as string };
}

function readPeople(f: Fields, k: string): Person[] | undefined {
  return f.tables(k)?.map((t) => {
    t.onlyKeys(["name", "email"]);
    const p: Person = {};
    const name = t.string("name");
    const email = t.string("email");
    if (name !== undefined) p.name = name;
    if (email !== undefined) {
      if (!/^[^@\s]+@[^@\s]+$/.test(email)) t.fail("email", `"${email}" is not an email address`);
      p.email = email;
    }
    if (!p.name && !p.email) t.fail("", "needs a name or an email");
    return p;
  });
}

function requirements(f: Fields, k: string, list: string[]): string[] {
  list.forEach((r, i) => validateRequirement(r, `${f.file}: ${f.key(k)}[${i}]`));
  return list;
}

/** Read and validate `[project]`. */
export function readProjectTable(f: Fields): ProjectTable {
  f.onlyKeys(PROJECT_KEYS);
  const dynamic = f.strings("dynamic") ?? [];
  const staticAndDynamic: string[] = [];
  for (const d of dynamic) {
    if (!(PROJECT_KEYS as readonly string[]).includes(d) || d === "dynamic") f.fail("dynamic", `lists "${d}", which is not a [project] field`);
    if (d === "name") f.fail("dynamic", 'cannot list "name"', "give the name in [project] name");
    if (f.has(d)) staticAndDynamic.push(d); // PEP 621 forbids it; config.ts decides (maturin merges, --strict refuses)
  }
  const name = f.string("name");
  if (name === undefined) f.fail("name", "is missing", 'add name = "my-project" to [project]');
  validateProjectName(name, `${f.file}: project.name`);

  const p: ProjectTable = { name, dynamic, staticAndDynamic };
  const version = f.string("version");
  // Missing and not dynamic: config.ts takes Cargo.toml's version with a warning, as maturin does.
  if (version !== undefined) p.version = normalizeVersion(version, `${f.file}: project.version`);
  const description = f.string("description");
  if (description !== undefined) {
    if (/[\r\n]/.test(description)) f.fail("description", "must be a single line", "move longer text to the readme");
    p.description = description;
  }
  const readme = readReadme(f);
  if (readme) p.readme = readme;
  const rp = f.string("requires-python");
  if (rp !== undefined) {
    validateSpecifierSet(rp, `${f.file}: project.requires-python`);
    p.requiresPython = rp;
  }
  const license = readLicense(f);
  if (license) p.license = license;
  const lf = f.strings("license-files");
  if (lf) {
    if (license && !("expression" in license)) f.fail("license-files", "cannot be used with a license table", 'write license = "<SPDX expression>" (PEP 639)');
    p.licenseFiles = lf;
  }
  const authors = readPeople(f, "authors");
  if (authors) p.authors = authors;
  const maintainers = readPeople(f, "maintainers");
  if (maintainers) p.maintainers = maintainers;
  const keywords = f.strings("keywords");
  if (keywords) p.keywords = keywords;
  const classifiers = f.strings("classifiers");
  if (classifiers) p.classifiers = classifiers;
  const urls = f.stringMap("urls");
  if (urls) p.urls = Object.entries(urls);
  const deps = f.strings("dependencies");
  if (deps) p.dependencies = requirements(f, "dependencies", deps);
  const opt = f.table("optional-dependencies");
  if (opt) {
    p.optionalDependencies = {};
    for (const extra of opt.keys()) {
      validateProjectName(extra, `${f.file}: project.optional-dependencies extra`);
      p.optionalDependencies[extra] = requirements(opt, extra, opt.strings(extra) ?? []);
    }
  }
  const scripts = f.stringMap("scripts");
  if (scripts) p.scripts = scripts;
  const gui = f.stringMap("gui-scripts");
  if (gui) p.guiScripts = gui;
  const eps = f.table("entry-points");
  if (eps) {
    p.entryPoints = {};
    for (const group of eps.keys()) {
      if (group === "console_scripts" || group === "gui_scripts") {
        eps.fail(group, "is not allowed here", `use [project.${group === "console_scripts" ? "scripts" : "gui-scripts"}]`);
      }
      p.entryPoints[group] = eps.stringMap(group) ?? {};
    }
  }
  return p;
}
