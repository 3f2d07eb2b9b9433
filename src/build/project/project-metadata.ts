/**
 * Core metadata for the wheel from `[project]`, with Cargo.toml filling the
 * fields `[project]` leaves dynamic (or everything when there is no `[project]`).
 */
import { existsSync, readFileSync } from "node:fs";
import { basename, isAbsolute, join, relative, resolve, sep } from "node:path";
import { ConfigError } from "../../errors.js";
import { type CoreMetadata, emptyMetadata, type Person } from "../../wheel/metadata.js";
import { normalizeProjectName, validateProjectName } from "../../wheel/names.js";
import { semverToPep440 } from "../../wheel/pep440.js";
import { parseRequirement } from "../../wheel/requirement.js";
import type { CargoManifest } from "./cargo-manifest.js";
import { expandGlob } from "./glob.js";
import { PLAIN_TYPE, readmeContentType, type ProjectTable } from "./pyproject.js";

/** A license file: `path` under `.dist-info/licenses/`, `file` on disk. */
export interface LicenseFile {
  path: string;
  file: string;
}

export interface MetadataResult {
  metadata: CoreMetadata;
  licenseFiles: LicenseFile[];
  /** Absolute path of the readme, when it comes from a file. */
  readmeFile?: string;
}

/** PEP 639's default license-files globs. */
export const DEFAULT_LICENSE_GLOBS = ["LICEN[CS]E*", "COPYING*", "NOTICE*", "AUTHORS*"];

/** Cargo's `authors` entries: `Name <email>` or just a name. */
export function parseCargoAuthor(s: string): Person {
  const m = /^\s*(.*?)\s*<([^<>]+)>\s*$/.exec(s);
  if (!m) return { name: s.trim() };
  const p: Person = { email: (m[2] as string).trim() };
  if (m[1]) p.name = m[1];
  return p;
}

/** Cargo's old `MIT/Apache-2.0` form is `MIT OR Apache-2.0` in SPDX. */
export function cargoLicenseToSpdx(s: string): string {
  return s
    .split("/")
    .map((x) => x.trim())
    .join(" OR ");
}

const SPDX_TOKEN = /^(?:[A-Za-z0-9][A-Za-z0-9.+-]*|LicenseRef-[A-Za-z0-9.-]+|\(|\))$/;

/** A light SPDX expression check: tokens, operators and balanced parentheses. */
export function spdxExpressionError(s: string): string | undefined {
  const tokens = s.replace(/[()]/g, " $& ").trim().split(/\s+/);
  let depth = 0;
  let wantLicense = true;
  for (const t of tokens) {
    if (t === "(") {
      if (!wantLicense) return "'(' after a license id";
      depth++;
    } else if (t === ")") {
      if (wantLicense || --depth < 0) return "unbalanced ')'";
    } else if (t === "AND" || t === "OR" || t === "WITH") {
      if (wantLicense) return `"${t}" without a license before it`;
      wantLicense = true;
    } else if (/^(and|or|with)$/i.test(t)) return `operators are upper-case ("${t.toUpperCase()}")`;
    else {
      if (!wantLicense || !SPDX_TOKEN.test(t)) return `unexpected "${t}"`;
      wantLicense = false;
    }
  }
  if (depth !== 0) return "unbalanced '('";
  if (wantLicense) return "it ends with an operator";
  return undefined;
}

function readText(file: string, what: string): string {
  try {
    return readFileSync(file, "utf8");
  } catch {
    throw new ConfigError(`${what}: ${file} cannot be read (does it exist?)`, "fix the path; it is relative to the file that names it");
  }
}

/** Cargo's readme: the named file, else README.md / README.txt / README.rst / README next to Cargo.toml. */
function cargoReadme(c: CargoManifest): string | undefined {
  if (c.package.readme === false) return undefined;
  if (c.package.readme !== undefined) return c.package.readme;
  // cargo's guesses, and README.rst between them as maturin does
  return ["README.md", "README.txt", "README.rst", "README"].map((f) => join(c.dir, f)).find((f) => existsSync(f));
}

/** Combine a requirement with `extra == "x"` (keeping its own marker, parenthesized). */
export function requirementForExtra(req: string, extra: string, what: string): string {
  const parsed = parseRequirement(req, what);
  const cond = `extra == "${extra}"`;
  if (!parsed.marker) return `${req.trim()}; ${cond}`;
  const base = req.slice(0, req.lastIndexOf(";")).trim();
  return `${base}; (${parsed.marker}) and ${cond}`;
}

/** Where a license file shows under licenses/: relative to the project, or its base name when outside. */
function licenseName(projectDir: string, file: string): string {
  const rel = relative(projectDir, file);
  return rel.startsWith("..") || isAbsolute(rel) ? basename(file) : rel.split(sep).join("/");
}

export function buildMetadata(opts: { project?: ProjectTable; cargo: CargoManifest; projectDir: string; pyprojectPath?: string }): MetadataResult {
  const { project: p, cargo: c, projectDir } = opts;
  const pyproject = opts.pyprojectPath ?? "pyproject.toml";
  const fromCargo = (field: string) => !p || p.dynamic.includes(field);
  const cp = c.package;

  const name = p?.name ?? cp.name;
  if (!p) validateProjectName(name, `${c.path}: package.name`);
  let version: string;
  if (p?.version !== undefined) version = p.version;
  else version = semverToPep440(cp.version, `${c.path}: package.version`);

  const m: CoreMetadata = emptyMetadata(name, version);
  const result: MetadataResult = { metadata: m, licenseFiles: [] };

  // summary
  const summary = p?.description ?? (fromCargo("description") ? cp.description?.replace(/\s*\n\s*/g, " ").trim() : undefined);
  if (summary !== undefined) m.summary = summary;

  // readme
  if (p?.readme) {
    if ("text" in p.readme) m.description = { body: p.readme.text, contentType: p.readme.contentType };
    else {
      const file = resolve(projectDir, p.readme.file);
      m.description = { body: readText(file, `${pyproject}: project.readme`), contentType: p.readme.contentType };
      result.readmeFile = file;
    }
  } else if (fromCargo("readme")) {
    const file = cargoReadme(c);
    if (file) {
      m.description = { body: readText(file, `${c.path}: package.readme`), contentType: readmeContentType(file) ?? PLAIN_TYPE };
      result.readmeFile = file;
    }
  }

  if (p?.requiresPython !== undefined) m.requiresPython = p.requiresPython;

  // license; `{file}` also listed in dynamic is maturin's merge: Cargo's license, and the table's file as a License-File
  let licenseFile: string | undefined;
  const merged = p?.license !== undefined && "file" in p.license && p.dynamic.includes("license");
  if (p?.license && "file" in p.license) {
    // maturin's rule: the file is a License-File (shipped under licenses/), its text is not copied into License
    const file = resolve(projectDir, p.license.file);
    if (!existsSync(file)) throw new ConfigError(`${pyproject}: project.license.file ${p.license.file} does not exist`, "fix the path; it is relative to pyproject.toml");
    licenseFile = file;
  }
  if (p?.license && !merged) {
    if ("expression" in p.license) m.licenseExpression = p.license.expression;
    else if ("text" in p.license) m.license = p.license.text;
  } else if ((merged || fromCargo("license")) && cp.license !== undefined) {
    // an SPDX expression is License-Expression (core metadata 2.4); other text is what License is for (maturin writes both there)
    const spdx = cargoLicenseToSpdx(cp.license);
    if (spdxExpressionError(spdx) === undefined) m.licenseExpression = spdx;
    else m.license = cp.license;
  }
  if (m.licenseExpression !== undefined) {
    const why = spdxExpressionError(m.licenseExpression);
    const where = p?.license && !merged ? `${pyproject}: project.license` : `${c.path}: package.license`;
    if (why) throw new ConfigError(`${where} "${m.licenseExpression}" is not an SPDX license expression: ${why}`, 'write e.g. "MIT", "Apache-2.0 OR MIT"');
  }

  // license files: explicit globs, else the PEP 639 defaults (+ Cargo's license-file)
  const globs = p?.licenseFiles ?? DEFAULT_LICENSE_GLOBS;
  const files = new Set<string>();
  for (const g of globs) {
    const hits = expandGlob(projectDir, g);
    if (hits.length === 0 && p?.licenseFiles) throw new ConfigError(`${pyproject}: project.license-files "${g}" matches no file`, "fix the glob or remove it");
    for (const h of hits) files.add(resolve(projectDir, h));
  }
  if (licenseFile !== undefined) files.add(licenseFile);
  if (fromCargo("license") && cp.licenseFile) {
    if (!existsSync(cp.licenseFile)) throw new ConfigError(`${c.path}: package.license-file ${cp.licenseFile} does not exist`);
    files.add(cp.licenseFile);
  }
  result.licenseFiles = [...files].sort().map((file) => ({ path: licenseName(projectDir, file), file }));

  // people, keywords, classifiers, urls
  m.authors = p?.authors ?? (fromCargo("authors") ? cp.authors.map(parseCargoAuthor) : []);
  // maturin writes Cargo's entries whole into Author (emails included); Author-email keeps only the addresses
  if (!p?.authors && fromCargo("authors") && cp.authors.length > 0) m.author = cp.authors.map((a) => a.trim()).join(", ");
  m.maintainers = p?.maintainers ?? [];
  m.keywords = p?.keywords ?? (fromCargo("keywords") ? cp.keywords : []);
  m.classifiers = p?.classifiers ?? [];
  if (p?.urls) m.projectUrls = p.urls;
  else if (fromCargo("urls")) {
    const urls: Array<[string, string]> = [];
    // maturin's labels and order, so both tools write the same Project-URL lines
    if (cp.homepage) urls.push(["Homepage", cp.homepage]);
    if (cp.documentation) urls.push(["Documentation", cp.documentation]);
    if (cp.repository) urls.push(["Source Code", cp.repository]);
    m.projectUrls = urls;
  }

  // dependencies and extras
  m.requiresDist = [...(p?.dependencies ?? [])];
  for (const [extra, reqs] of Object.entries(p?.optionalDependencies ?? {})) {
    const norm = normalizeProjectName(extra);
    m.providesExtra.push(norm);
    reqs.forEach((r, i) => m.requiresDist.push(requirementForExtra(r, norm, `${pyproject}: project.optional-dependencies.${extra}[${i}]`)));
  }
  return result;
}
