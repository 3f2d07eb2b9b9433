/** Core metadata (version 2.4): the METADATA file of a wheel and PKG-INFO of an sdist. */
import { archivePathError } from "./archive-path.js";
import { ValidationError } from "../errors.js";
import { isValidProjectName, validateProjectName } from "./names.js";
import { normalizeVersion, validateSpecifierSet } from "./pep440.js";
import { validateRequirement } from "./requirement.js";

export interface Person {
  name?: string;
  email?: string;
}

/** Everything METADATA can say, already validated and normalized by src/build. */
export interface CoreMetadata {
  name: string; // as the user wrote it (display name); validated PEP 508 name
  version: string; // normalized PEP 440
  summary?: string;
  description?: { body: string; contentType: string };
  requiresPython?: string;
  requiresDist: string[];
  providesExtra: string[];
  authors: Person[];
  /** The Author field as given, when it is not the names of `authors` (Cargo's `authors`, written whole as maturin does). */
  author?: string;
  maintainers: Person[];
  keywords: string[];
  classifiers: string[];
  projectUrls: Array<[label: string, url: string]>;
  homePage?: string;
  licenseExpression?: string; // SPDX
  license?: string; // legacy free text, when no SPDX expression
  licenseFiles: string[]; // paths relative to dist-info/licenses/
  dynamic: string[]; // PKG-INFO only (PEP 643)
}

/** A CoreMetadata with only a name and version and every list empty (to fill in). */
export function emptyMetadata(name: string, version: string): CoreMetadata {
  return {
    name,
    version,
    requiresDist: [],
    providesExtra: [],
    authors: [],
    maintainers: [],
    keywords: [],
    classifiers: [],
    projectUrls: [],
    licenseFiles: [],
    dynamic: [],
  };
}

export interface RenderMetadataOptions {
  /**
   * Metadata-Version to declare; 2.4 by default (PEP 639 fields, Dynamic, and the
   * rest all have a home there). Readers older than pkginfo 1.10 (twine < 6.1)
   * refuse 2.3+; a caller that must serve them can ask for "2.2" when no PEP 639
   * field is present.
   */
  metadataVersion?: "2.1" | "2.2" | "2.3" | "2.4";
}

// Fields that may never be Dynamic (PEP 643).
const NEVER_DYNAMIC = new Set(["name", "version", "metadata-version"]);

function fail(field: string, value: string, why: string, hint: string): never {
  throw new ValidationError(`metadata ${field} ${JSON.stringify(value)}: ${why}`, hint);
}

function oneLine(field: string, value: string): string {
  if (/[\r\n]/.test(value)) {
    fail(field, value, "must be a single line", `remove the line breaks from ${field}`);
  }
  return value.trim();
}

// RFC 5322 specials: a display name holding one of these must be quoted.
const SPECIALS = /[()<>@,:;.\\"[\]]/;

function formatAddress(p: Person): string {
  const email = oneLine("email", p.email ?? "");
  if (!p.name) return email;
  const name = oneLine("name", p.name);
  const shown = SPECIALS.test(name) ? `"${name.replace(/(["\\])/g, "\\$1")}"` : name;
  return `${shown} <${email}>`;
}

/** PEP 621 people -> `Author` (names without email, or `given`) and `Author-email` (the rest). */
function people(list: Person[], field: "Author" | "Maintainer", given?: string): string[] {
  const names = given !== undefined ? [oneLine(field, given)] : list.filter((p) => !p.email && p.name).map((p) => oneLine(field, p.name as string));
  const emails = list.filter((p) => p.email).map(formatAddress);
  const out: string[] = [];
  if (names.length) out.push(`${field}: ${names.join(", ")}`);
  if (emails.length) out.push(`${field}-email: ${emails.join(", ")}`);
  return out;
}

/** Multi-line values continue on lines indented by 8 spaces (as setuptools and pkginfo expect). */
function folded(value: string): string {
  return value
    .replace(/\r\n?/g, "\n")
    .trimEnd()
    .split("\n")
    .map((line, i) => (i === 0 ? line : "        " + line))
    .join("\n");
}

function checkRelativePath(field: string, p: string): void {
  const why = archivePathError(p);
  if (why) fail(field, p, `must be a relative path with '/' separators and no '.' or '..' parts (${why})`, "name license files relative to the project root");
}

/** Render METADATA / PKG-INFO. Validates what it writes; throws ValidationError. */
export function renderMetadata(m: CoreMetadata, opts: RenderMetadataOptions = {}): string {
  validateProjectName(m.name, "metadata Name");
  const version = normalizeVersion(m.version, "metadata Version");
  const lines: string[] = [];
  const add = (field: string, value: string) => lines.push(`${field}: ${oneLine(field, value)}`);

  lines.push(`Metadata-Version: ${opts.metadataVersion ?? "2.4"}`);
  add("Name", m.name);
  add("Version", version);
  for (const d of m.dynamic) {
    if (NEVER_DYNAMIC.has(d.toLowerCase())) fail("Dynamic", d, "Name, Version and Metadata-Version can never be dynamic", "remove it from Dynamic");
    if (!/^[A-Za-z][A-Za-z-]*$/.test(d)) fail("Dynamic", d, "is not a metadata field name", "use field names such as Requires-Dist");
    add("Dynamic", d);
  }
  if (m.summary !== undefined) add("Summary", m.summary);
  if (m.keywords.length) {
    for (const k of m.keywords) {
      if (k.includes(",")) fail("Keywords", k, "a keyword cannot contain ','", "split it into separate keywords");
    }
    add("Keywords", m.keywords.map((k) => k.trim()).join(","));
  }
  if (m.homePage !== undefined) add("Home-page", m.homePage);
  lines.push(...people(m.authors, "Author", m.author));
  lines.push(...people(m.maintainers, "Maintainer"));
  if (m.licenseExpression !== undefined && m.license !== undefined) {
    throw new ValidationError(
      "metadata has both License-Expression and License",
      "use only the SPDX license expression (project.license = \"MIT\") and drop the legacy license text",
    );
  }
  if (m.license !== undefined) lines.push(`License: ${folded(m.license)}`);
  if (m.licenseExpression !== undefined) add("License-Expression", m.licenseExpression);
  for (const f of m.licenseFiles) {
    checkRelativePath("License-File", f);
    add("License-File", f);
  }
  for (const c of m.classifiers) add("Classifier", c);
  if (m.requiresPython !== undefined) {
    validateSpecifierSet(m.requiresPython, "Requires-Python");
    add("Requires-Python", m.requiresPython);
  }
  for (const r of m.requiresDist) {
    validateRequirement(r, "Requires-Dist");
    add("Requires-Dist", r);
  }
  for (const e of m.providesExtra) {
    if (!isValidProjectName(e)) fail("Provides-Extra", e, "is not a valid extra name", "use letters, digits, '-', '_' and '.'");
    add("Provides-Extra", e);
  }
  for (const [label, url] of m.projectUrls) {
    if (label.length > 32) fail("Project-URL", label, "the label is longer than 32 characters", "shorten the [project.urls] key");
    if (label.includes(",")) fail("Project-URL", label, "the label cannot contain ','", "remove the comma from the [project.urls] key");
    add("Project-URL", `${oneLine("Project-URL", label)}, ${url}`);
  }
  if (m.description !== undefined) {
    add("Description-Content-Type", m.description.contentType);
    const body = m.description.body.replace(/\r\n?/g, "\n");
    return lines.join("\n") + "\n\n" + (body.endsWith("\n") ? body : body + "\n");
  }
  return lines.join("\n") + "\n";
}
