/**
 * What `twine check --strict` checks, plus what an index refuses outright: a
 * valid file name, core metadata with a known Metadata-Version, a valid Name and
 * Version matching the file name, a description with a content type that renders;
 * for a wheel also what an installer refuses (RECORD against the files, the file
 * name's tags against WHEEL).
 * Used by `pyts-build check` and before every upload.
 */
import { ArchiveError, PytsError } from "../errors.js";
import { isValidProjectName, wheelDistName } from "../wheel/names.js";
import { normalizeVersion, tryParseVersion } from "../wheel/pep440.js";
import { type DistFile, readDistFile } from "./dist-file.js";
import { headerValue, type MetadataHeaders, parseMetadataHeaders } from "./metadata-headers.js";
import { checkRst, type RstVerdict } from "./rst-check.js";

export interface CheckResult {
  file: string;
  /** The index would refuse it, or the description does not render. */
  errors: string[];
  /** `twine check` warnings: failures under --strict. */
  warnings: string[];
  /** Said, never fatal (e.g. reStructuredText that could not be verified here). */
  notes: string[];
  /** The file as read, when it could be read. */
  dist?: DistFile;
}

export interface CheckOptions {
  /** Warnings fail too (twine check --strict); default true. */
  strict?: boolean;
  /** Python with readme_renderer for reStructuredText; default `python3` on PATH. */
  python?: string;
  env?: NodeJS.ProcessEnv;
  /** For tests: replaces the Python renderer. */
  renderRst?: (text: string) => Promise<RstVerdict>;
}

/**
 * The versions packaging 26 (twine 7's validator, and PyPI's) accepts. 2.0 was
 * never a published version (PEP 426 was withdrawn): twine refuses it, so does check.
 */
export const KNOWN_METADATA_VERSIONS = ["1.0", "1.1", "1.2", "2.1", "2.2", "2.3", "2.4", "2.5"];

/** The name/version part of the file name: wheel `{dist}-{version}-...`, sdist `{name}-{version}.tar.gz`. */
function fileNameParts(d: DistFile): { dist: string; version: string } | string {
  if (d.filetype === "bdist_wheel") {
    const [dist, version] = d.fileName.split("-") as [string, string];
    return { dist, version };
  }
  const stem = d.fileName.slice(0, -".tar.gz".length);
  const dash = stem.lastIndexOf("-");
  if (dash <= 0) return `"${d.fileName}" is not NAME-VERSION.tar.gz`;
  return { dist: stem.slice(0, dash), version: stem.slice(dash + 1) };
}

/** The metadata checks that need no renderer. Pure. */
export function checkMetadata(d: DistFile, h: MetadataHeaders = parseMetadataHeaders(d.metadataText)): Pick<CheckResult, "errors" | "warnings"> {
  const errors: string[] = [];
  const warnings: string[] = [];
  const where = d.metadataPath;
  const mv = headerValue(h, "Metadata-Version");
  if (mv === undefined) errors.push(`${where} has no Metadata-Version`);
  else if (!KNOWN_METADATA_VERSIONS.includes(mv)) errors.push(`${where}: Metadata-Version ${mv} is not one of ${KNOWN_METADATA_VERSIONS.join(", ")}`);
  const name = headerValue(h, "Name");
  const version = headerValue(h, "Version");
  if (!name) errors.push(`${where} has no Name`);
  else if (!isValidProjectName(name)) errors.push(`${where}: Name ${JSON.stringify(name)} is not a valid project name`);
  if (!version) errors.push(`${where} has no Version`);
  else if (!tryParseVersion(version)) errors.push(`${where}: Version ${JSON.stringify(version)} is not a PEP 440 version`);
  const parts = fileNameParts(d);
  if (typeof parts === "string") errors.push(parts);
  else if (name && version && isValidProjectName(name) && tryParseVersion(version)) {
    if (wheelDistName(parts.dist) !== wheelDistName(name)) errors.push(`the file name says "${parts.dist}" but ${where} says Name: ${name}`);
    const fv = tryParseVersion(parts.version) ? normalizeVersion(parts.version) : parts.version;
    if (fv !== normalizeVersion(version)) errors.push(`the file name says version ${parts.version} but ${where} says Version: ${version}`);
  }
  if (headerValue(h, "Description-Content-Type") === undefined) {
    warnings.push("Description-Content-Type is missing (the index then renders the description as reStructuredText)");
  }
  const description = descriptionOf(d, h);
  if (description === undefined || description.trimEnd() === "UNKNOWN" || description.trim() === "") warnings.push("the description (long_description, the readme) is missing");
  return { errors, warnings };
}

function descriptionOf(d: DistFile, h: MetadataHeaders): string | undefined {
  if (h.body !== "" || d.filetype === "bdist_wheel") return h.body;
  return headerValue(h, "Description");
}

/** The content type's base and whether the index renders it with docutils. */
function rendersAsRst(contentType: string | undefined): boolean {
  const base = (contentType ?? "text/x-rst").split(";")[0]?.trim().toLowerCase();
  return base !== "text/markdown" && base !== "text/plain";
}

/** Check one file. Never throws for a bad file: problems are in the result. */
export async function checkFile(path: string, o: CheckOptions = {}): Promise<CheckResult> {
  const r: CheckResult = { file: path, errors: [], warnings: [], notes: [] };
  let d: DistFile;
  try {
    d = await readDistFile(path);
  } catch (e) {
    if (!(e instanceof PytsError)) throw e;
    r.errors.push(e.message);
    return r;
  }
  r.dist = d;
  r.errors.push(...d.problems);
  const h = parseMetadataHeaders(d.metadataText);
  const m = checkMetadata(d, h);
  r.errors.push(...m.errors);
  r.warnings.push(...m.warnings);
  const description = descriptionOf(d, h);
  if (description && description.trim() !== "" && description.trimEnd() !== "UNKNOWN" && rendersAsRst(headerValue(h, "Description-Content-Type"))) {
    const v = await (o.renderRst ?? ((t: string) => checkRst(t, o.python, o.env)))(description);
    if ("unavailable" in v) r.notes.push(`reStructuredText description not verified: ${v.unavailable}`);
    else if (!v.ok) r.errors.push(`the reStructuredText description does not render on the index${v.problems ? `: ${v.problems}` : ""}`);
  }
  return r;
}

export function passed(r: CheckResult, strict = true): boolean {
  return r.errors.length === 0 && (!strict || r.warnings.length === 0);
}

/** Check every file (in order). */
export async function checkFiles(paths: string[], o: CheckOptions = {}): Promise<CheckResult[]> {
  if (paths.length === 0) throw new ArchiveError("no files to check", "name wheels or sdists, e.g. target/wheels/*");
  const out: CheckResult[] = [];
  for (const p of paths) out.push(await checkFile(p, o));
  return out;
}

/** One line for a failed check: the first problem and how many more. */
export function failureLine(r: CheckResult): string {
  const all = [...r.errors, ...r.warnings];
  return `${r.file}: ${all[0] ?? "failed"}${all.length > 1 ? ` (and ${all.length - 1} more: run \`pyts-build check\` on it)` : ""}`;
}
